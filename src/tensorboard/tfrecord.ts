// TFRecord framing (tensorflow/core/lib/io/record_writer.cc):
//   uint64 little-endian  length
//   uint32 little-endian  masked CRC-32C of the 8 length bytes
//   byte[length]          data
//   uint32 little-endian  masked CRC-32C of the data
//
// `readRecord` looks at one record starting at `pos` of a buffer that holds what has been read of a file
// so far. It never throws and never reads past the buffer, whatever the bytes are:
//   - fewer bytes than a whole record: `truncated` (a writer may still be flushing it; read again later);
//   - the length's CRC does not match: `badLengthCrc` (we can no longer find the next record, so the file
//     cannot be read any further; TensorBoard also gives up on the file here);
//   - the data's CRC does not match: `badDataCrc` with the position of the next record (the length was
//     good, so the framing is intact: the record is skipped and counted, as TensorBoard does);
//   - a length over `maxLength`: `tooLarge` (a good length CRC but an absurd size: stop the file).
import { maskedCrc32c } from './crc32c';

export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;
/** Event records are small (a summary of scalars or histograms); 256 MiB is far beyond any real one. */
export const DEFAULT_MAX_RECORD = 256 * 1024 * 1024;

export type RecordResult =
  | { kind: 'record'; data: Uint8Array; next: number }
  | { kind: 'badDataCrc'; next: number; expected: number; actual: number }
  | { kind: 'truncated' }
  | { kind: 'badLengthCrc'; expected: number; actual: number }
  | { kind: 'tooLarge'; length: number };

function u32(buf: Uint8Array, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
}

export function readRecord(buf: Uint8Array, pos: number, maxLength = DEFAULT_MAX_RECORD): RecordResult {
  if (pos < 0 || buf.length - pos < HEADER_BYTES) return { kind: 'truncated' };
  const lengthCrc = u32(buf, pos + 8);
  const actualLengthCrc = maskedCrc32c(buf, pos, pos + 8);
  if (lengthCrc !== actualLengthCrc) return { kind: 'badLengthCrc', expected: lengthCrc, actual: actualLengthCrc };
  const lo = u32(buf, pos);
  const hi = u32(buf, pos + 4);
  const length = hi * 0x1_0000_0000 + lo;
  if (hi !== 0 || length > maxLength) return { kind: 'tooLarge', length };
  const start = pos + HEADER_BYTES;
  const end = start + length;
  if (buf.length - end < FOOTER_BYTES) return { kind: 'truncated' };
  const dataCrc = u32(buf, end);
  const actual = maskedCrc32c(buf, start, end);
  if (dataCrc !== actual) return { kind: 'badDataCrc', next: end + FOOTER_BYTES, expected: dataCrc, actual };
  return { kind: 'record', data: buf.subarray(start, end), next: end + FOOTER_BYTES };
}

/** Frames `data` as one TFRecord (what TensorFlow's RecordWriter writes). Used by tests and tools. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + data.length + FOOTER_BYTES);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length % 0x1_0000_0000, true);
  dv.setUint32(4, Math.floor(data.length / 0x1_0000_0000), true);
  dv.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, HEADER_BYTES);
  dv.setUint32(HEADER_BYTES + data.length, maskedCrc32c(data), true);
  return out;
}
