import assert from 'node:assert/strict';
import { crc32c, maskCrc, maskedCrc32c } from '../../../src/tensorboard/crc32c';
import { frameRecord, readRecord, HEADER_BYTES } from '../../../src/tensorboard/tfrecord';
import { concat } from './helpers';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('tensorboard: CRC-32C and TFRecord framing', () => {
  it('CRC-32C and the masked CRC match TensorBoard’s Python implementation', () => {
    // Reference values printed by tensorboard.compat.tensorflow_stub.pywrap_tensorflow (crc32c, masked_crc32c).
    assert.equal(crc32c(bytes('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(0)), 0);
    assert.equal(maskedCrc32c(new Uint8Array(0)), 0xa282ead8);
    assert.equal(maskedCrc32c(new Uint8Array(8)), 0x07980329);
    assert.equal(maskedCrc32c(bytes('hello world')), 0x6dd87e00);
    assert.equal(maskCrc(0), 0xa282ead8);
  });

  it('a framed record reads back, and the next record starts after its footer', () => {
    const a = frameRecord(bytes('first'));
    const b = frameRecord(bytes('second record'));
    const buf = concat([a, b]);
    const r1 = readRecord(buf, 0);
    assert.equal(r1.kind, 'record');
    if (r1.kind !== 'record') return;
    assert.equal(new TextDecoder().decode(r1.data), 'first');
    assert.equal(r1.next, a.length);
    const r2 = readRecord(buf, r1.next);
    assert.ok(r2.kind === 'record' && new TextDecoder().decode(r2.data) === 'second record');
    assert.deepEqual(readRecord(buf, buf.length), { kind: 'truncated' });
  });

  it('every proper prefix of a record is truncated, never an error', () => {
    const rec = frameRecord(bytes('a record that a writer flushes in pieces'));
    for (let n = 0; n < rec.length; n++) assert.deepEqual(readRecord(rec.subarray(0, n), 0), { kind: 'truncated' }, `prefix ${n}`);
    assert.equal(readRecord(rec, 0).kind, 'record');
  });

  it('a wrong data CRC skips the record with the position of the next one', () => {
    const bad = frameRecord(bytes('payload'));
    bad[HEADER_BYTES + 2] ^= 0x01; // flip a data bit
    const good = frameRecord(bytes('next'));
    const buf = concat([bad, good]);
    const r = readRecord(buf, 0);
    assert.equal(r.kind, 'badDataCrc');
    if (r.kind !== 'badDataCrc') return;
    assert.equal(r.next, bad.length);
    assert.equal(readRecord(buf, r.next).kind, 'record');
  });

  it('a wrong length CRC is reported as such (the framing is lost)', () => {
    const rec = frameRecord(bytes('payload'));
    rec[9] ^= 0xff; // the length CRC
    assert.equal(readRecord(rec, 0).kind, 'badLengthCrc');
    const rec2 = frameRecord(bytes('payload'));
    rec2[0] ^= 0x04; // the length itself: its CRC no longer matches
    assert.equal(readRecord(rec2, 0).kind, 'badLengthCrc');
  });

  it('a length over the limit with a valid length CRC is tooLarge, not a huge allocation', () => {
    const header = new Uint8Array(HEADER_BYTES);
    const dv = new DataView(header.buffer);
    dv.setUint32(0, 0xffffffff, true);
    dv.setUint32(4, 0x7fffffff, true);
    dv.setUint32(8, maskedCrc32c(header, 0, 8), true);
    const r = readRecord(header, 0);
    assert.equal(r.kind, 'tooLarge');
    const small = frameRecord(new Uint8Array(100));
    assert.equal(readRecord(small, 0, 99).kind, 'tooLarge');
    assert.equal(readRecord(small, 0, 100).kind, 'record');
  });
});
