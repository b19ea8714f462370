// Nothing crashes on any byte sequence: random bytes, real files mutated (bit flips, cuts, inserts,
// splices), and garbage with valid CRCs (so the protobuf decoder itself sees it). Every case is seeded
// (mulberry32) and reproducible; a failure names its seed. And reading in random chunks gives exactly
// what reading the whole gives.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventStream, type Sample } from '../../../src/tensorboard/eventFile';
import { frameRecord } from '../../../src/tensorboard/tfrecord';
import { FIXTURES, rng } from './helpers';

function read(buf: Uint8Array, next?: () => number) {
  const stream = new EventStream('fuzz', 1 << 20);
  const samples: Sample[] = [];
  let at = 0;
  while (at < buf.length) {
    const n = next ? 1 + Math.floor(next() * 700) : buf.length;
    stream.push(buf.subarray(at, at + n));
    at += n;
    for (;;) if (stream.drain((s) => samples.push(s), 1 + Math.floor((next ?? (() => 1))() * 50)) !== 'more') break;
  }
  return { stream, samples };
}

function check(buf: Uint8Array, seed: number): void {
  const r = rng(seed ^ 0x9e3779b9);
  let whole: ReturnType<typeof read>;
  let chunked: ReturnType<typeof read>;
  try {
    whole = read(buf);
    chunked = read(buf, r);
  } catch (e) {
    assert.fail(`seed ${seed}: the reader threw ${(e as Error).stack}`);
  }
  assert.deepEqual(chunked.samples, whole.samples, `seed ${seed}: chunked reading differs`);
  assert.deepEqual(chunked.stream.stats, whole.stream.stats, `seed ${seed}`);
  assert.equal(chunked.stream.dead, whole.stream.dead, `seed ${seed}`);
  const s = whole.stream.stats;
  assert.equal(s.records, s.events + s.badDataCrc + s.badProto + s.nanWallTime, `seed ${seed}: every record is accounted for`);
  assert.ok(whole.stream.consumed <= buf.length);
  for (const x of whole.samples) {
    assert.ok(Number.isFinite(x.step) && !Number.isNaN(x.wallTime), `seed ${seed}: bad step or time`);
    if (x.kind !== 'restart') assert.equal(typeof x.tag, 'string');
    if (x.kind === 'histogram') for (const b of x.buckets) assert.equal(typeof b.count, 'number');
  }
}

const fixtureFiles: Uint8Array[] = [];
function collect(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) collect(p);
    else if (e.name.includes('tfevents')) fixtureFiles.push(new Uint8Array(readFileSync(p)));
  }
}
collect(FIXTURES);

describe('tensorboard: fuzz', function () {
  this.timeout(120_000);

  it('random bytes', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const buf = new Uint8Array(Math.floor(r() * 3000));
      for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(r() * 256);
      check(buf, seed);
    }
  });

  it('real event files, mutated', () => {
    assert.ok(fixtureFiles.length >= 10);
    let broken = 0;
    for (let seed = 1000; seed < 1600; seed++) {
      const r = rng(seed);
      const src = fixtureFiles[Math.floor(r() * fixtureFiles.length)];
      let buf = src.slice();
      const ops = 1 + Math.floor(r() * 4);
      for (let k = 0; k < ops; k++) {
        const at = Math.floor(r() * Math.max(1, buf.length));
        switch (Math.floor(r() * 5)) {
          case 0: // bit flips
            for (let j = 0; j < 1 + r() * 8; j++) buf[Math.floor(r() * buf.length)] ^= 1 << Math.floor(r() * 8);
            break;
          case 1: // cut the tail
            buf = buf.slice(0, at);
            break;
          case 2: {
            // insert random bytes
            const ins = new Uint8Array(Math.floor(r() * 40));
            for (let j = 0; j < ins.length; j++) ins[j] = Math.floor(r() * 256);
            const out = new Uint8Array(buf.length + ins.length);
            out.set(buf.subarray(0, at));
            out.set(ins, at);
            out.set(buf.subarray(at), at + ins.length);
            buf = out;
            break;
          }
          case 3: {
            // splice in a piece of another file
            const other = fixtureFiles[Math.floor(r() * fixtureFiles.length)];
            const from = Math.floor(r() * other.length);
            const piece = other.subarray(from, from + Math.floor(r() * 200));
            const out = new Uint8Array(buf.length + piece.length);
            out.set(buf.subarray(0, at));
            out.set(piece, at);
            out.set(buf.subarray(at), at + piece.length);
            buf = out;
            break;
          }
          case 4: // zero a region
            buf.fill(0, at, at + Math.floor(r() * 64));
            break;
        }
      }
      const { stream } = read(buf);
      if (stream.dead || stream.stats.badDataCrc) broken++;
      check(buf, seed);
    }
    assert.ok(broken > 100, `the mutations did reach the damage paths (${broken} cases)`);
  });

  it('garbage and mutated Events inside valid TFRecord framing reach the protobuf decoder safely', () => {
    // Take real records, mutate their payload, and re-frame them with correct CRCs.
    const records: Uint8Array[] = [];
    for (const f of fixtureFiles) {
      let at = 0;
      while (at + 12 <= f.length) {
        const len = new DataView(f.buffer, f.byteOffset + at).getUint32(0, true);
        records.push(f.slice(at + 12, at + 12 + len));
        at += 16 + len;
      }
    }
    let decodedSomething = 0;
    let rejected = 0;
    for (let seed = 5000; seed < 5800; seed++) {
      const r = rng(seed);
      const payload = records[Math.floor(r() * records.length)].slice();
      if (r() < 0.2) {
        for (let i = 0; i < payload.length; i++) payload[i] = Math.floor(r() * 256);
      } else {
        for (let j = 0; j < 1 + r() * 6; j++) payload[Math.floor(r() * payload.length)] = Math.floor(r() * 256);
      }
      const cut = r() < 0.3 ? payload.subarray(0, Math.floor(r() * payload.length)) : payload;
      const buf = frameRecord(cut);
      const { stream } = read(buf);
      decodedSomething += stream.stats.events;
      rejected += stream.stats.badProto;
      check(buf, seed);
    }
    assert.ok(decodedSomething > 0 && rejected > 0, `both paths taken (${decodedSomething} decoded, ${rejected} rejected)`);
  });

  it('hostile payloads: 100,000 nested groups, a field claiming 2 GB, an endless varint', () => {
    const deep = new Uint8Array(100_000).fill(0x0b); // field 1, wire type 3 (start group), nested
    const huge = new Uint8Array([0x2a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x01]); // field 5 (summary), length 2^31-1
    const varint = new Uint8Array(64).fill(0xff);
    varint[0] = 0x10; // field 2 (step), then a varint that never ends
    for (const [i, payload] of [deep, huge, varint].entries()) {
      const { stream, samples } = read(frameRecord(payload));
      assert.equal(stream.stats.badProto, 1, `payload ${i}`);
      assert.deepEqual(samples, []);
      check(frameRecord(payload), 9000 + i);
    }
  });
});
