// Builders of event files for the reader's tests: Event messages encoded with the reader's own schema
// (checked against real Python-written files in fixtures.test.ts) and framed as TFRecords.
import * as path from 'node:path';
import { encodeEvent } from '../../../src/tensorboard/proto';
import { frameRecord } from '../../../src/tensorboard/tfrecord';

export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/tensorboard/logs');

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const fileVersion = (wallTime = 1000): Uint8Array => frameRecord(encodeEvent({ wallTime, fileVersion: 'brain.Event:2' }));

export const scalarEvent = (tag: string, step: number, value: number, wallTime = 1000 + step): Uint8Array =>
  frameRecord(encodeEvent({ wallTime, step, summary: { value: [{ tag, simpleValue: value }] } }));

export const histoEvent = (tag: string, step: number, limits: number[], counts: number[], min: number, max: number): Uint8Array =>
  frameRecord(
    encodeEvent({
      wallTime: 1000 + step,
      step,
      summary: { value: [{ tag, histo: { min, max, num: counts.reduce((a, b) => a + b, 0), bucketLimit: limits, bucket: counts } }] },
    }),
  );

/** A deterministic PRNG (mulberry32) so fuzz cases are reproducible from their seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
