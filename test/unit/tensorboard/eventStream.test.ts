import assert from 'node:assert/strict';
import { EventStream, type Sample } from '../../../src/tensorboard/eventFile';
import { encodeEvent } from '../../../src/tensorboard/proto';
import { frameRecord, HEADER_BYTES } from '../../../src/tensorboard/tfrecord';
import { concat, fileVersion, histoEvent, scalarEvent } from './helpers';

function readAll(buf: Uint8Array, chunk = buf.length): { samples: Sample[]; stream: EventStream } {
  const stream = new EventStream('test.tfevents');
  const samples: Sample[] = [];
  for (let i = 0; i < buf.length; i += chunk) {
    stream.push(buf.subarray(i, i + chunk));
    stream.drain((s) => samples.push(s));
  }
  return { samples, stream };
}

describe('tensorboard: event stream', () => {
  const file = concat([fileVersion(), scalarEvent('loss', 1, 0.5), scalarEvent('loss', 2, 0.25), histoEvent('grad', 2, [0, 1, 2], [1, 2, 3], -0.5, 1.5)]);

  it('reads file_version, scalars and histograms', () => {
    const { samples, stream } = readAll(file);
    assert.equal(stream.fileVersion, 'brain.Event:2');
    assert.deepEqual(
      samples.filter((s) => s.kind === 'scalar').map((s) => [s.tag, s.step, s.kind === 'scalar' && s.value]),
      [
        ['loss', 1, 0.5],
        ['loss', 2, 0.25],
      ],
    );
    const h = samples.find((s) => s.kind === 'histogram');
    assert.ok(h && h.kind === 'histogram');
    assert.deepEqual(h.buckets, [
      { left: -0.5, right: 0, count: 1 },
      { left: 0, right: 1, count: 2 },
      { left: 1, right: 2, count: 3 },
    ]);
    assert.equal(stream.stats.records, 4);
    assert.equal(stream.consumed, file.length);
    assert.equal(stream.firstWallTime, 1000);
    assert.equal(stream.lastWallTime, 1002);
  });

  it('bytes arriving one at a time give the same samples as the whole file', () => {
    const whole = readAll(file).samples;
    const bytewise = readAll(file, 1);
    assert.deepEqual(bytewise.samples, whole);
    assert.equal(bytewise.stream.pending, 0);
  });

  it('a truncated last record waits: nothing is lost when the rest arrives', () => {
    const stream = new EventStream();
    const out: Sample[] = [];
    const cut = file.length - 7;
    stream.push(file.subarray(0, cut));
    assert.equal(stream.drain((s) => out.push(s)), 'waiting');
    assert.equal(out.filter((s) => s.kind === 'histogram').length, 0);
    assert.ok(stream.pending > 0);
    stream.push(file.subarray(cut));
    stream.drain((s) => out.push(s));
    assert.equal(out.filter((s) => s.kind === 'histogram').length, 1);
    assert.equal(stream.pending, 0);
  });

  it('a bad data CRC skips that record only, and counts it', () => {
    const bad = scalarEvent('loss', 3, 9);
    bad[HEADER_BYTES + 3] ^= 0x20;
    const { samples, stream } = readAll(concat([fileVersion(), scalarEvent('loss', 1, 1), bad, scalarEvent('loss', 4, 4)]));
    assert.deepEqual(
      samples.map((s) => s.step),
      [1, 4],
    );
    assert.equal(stream.stats.badDataCrc, 1);
    assert.equal(stream.dead, undefined);
  });

  it('a bad length CRC stops the file with a message naming the file and the byte offset', () => {
    const first = concat([fileVersion(), scalarEvent('loss', 1, 1)]);
    const broken = scalarEvent('loss', 2, 2);
    broken[8] ^= 0xff;
    const { samples, stream } = readAll(concat([first, broken, scalarEvent('loss', 3, 3)]));
    assert.deepEqual(
      samples.map((s) => s.step),
      [1],
    );
    assert.match(stream.dead ?? '', /test\.tfevents: the length of the record at byte \d+ fails its CRC/);
    assert.ok(stream.dead?.includes(`byte ${first.length}`));
    // Once dead, more bytes change nothing.
    stream.push(scalarEvent('loss', 4, 4));
    assert.equal(
      stream.drain(() => assert.fail('no samples after death')),
      'dead',
    );
  });

  it('a record that is not an Event is counted as badProto; a NaN wall time is dropped', () => {
    const notEvent = frameRecord(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]));
    const nan = frameRecord(encodeEvent({ wallTime: NaN, step: 5, summary: { value: [{ tag: 'loss', simpleValue: 5 }] } }));
    const { samples, stream } = readAll(concat([notEvent, nan, scalarEvent('loss', 6, 6)]));
    assert.equal(stream.stats.badProto, 1);
    assert.equal(stream.stats.nanWallTime, 1);
    assert.deepEqual(
      samples.map((s) => s.step),
      [6],
    );
  });

  it('drain(maxRecords) stops early with "more" and resumes where it stopped', () => {
    const stream = new EventStream();
    stream.push(file);
    const out: Sample[] = [];
    assert.equal(stream.drain((s) => out.push(s), 2), 'more');
    assert.equal(stream.stats.records, 2);
    assert.equal(stream.drain((s) => out.push(s), 100), 'waiting');
    assert.equal(stream.stats.records, 4);
    assert.deepEqual(out, readAll(file).samples);
  });

  it('a scalar of exactly 0.0 is a value, not a missing one (proto3 presence)', () => {
    const { samples } = readAll(concat([scalarEvent('loss', 0, 0), scalarEvent('loss', 1, -0), scalarEvent('loss', 2, 1)]));
    assert.deepEqual(
      samples.map((s) => (s.kind === 'scalar' ? [s.step, s.value] : null)),
      [
        [0, 0],
        [1, -0],
        [2, 1],
      ],
    );
  });

  it('a SessionLog START becomes a restart sample at its step', () => {
    const start = frameRecord(encodeEvent({ wallTime: 2000, step: 40, sessionLog: { status: 1 } }));
    const { samples } = readAll(concat([scalarEvent('loss', 50, 1), start]));
    assert.deepEqual(samples[1], { kind: 'restart', step: 40, wallTime: 2000 });
  });
});
