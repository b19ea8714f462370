// CRC-32C (Castagnoli) and TensorFlow's "masked" form, as TFRecord framing uses them.
// The CRC itself comes from the `crc-32` package (SheetJS, pure JavaScript, no native code, no
// dependencies): its `crc32c` module computes CRC-32C with slice-by-16 tables.
// The mask is TensorFlow's (tensorflow/core/lib/hash/crc32c.h): rotate right by 15 bits, add a constant,
// so that a CRC stored inside data that is itself checksummed does not checksum to a fixed value.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CRC32C: { buf(data: Uint8Array, seed?: number): number } = require('crc-32/crc32c');

const MASK_DELTA = 0xa282ead8;

/** CRC-32C of bytes [start, end) of `data`, as an unsigned 32-bit integer. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  const view = start === 0 && end === data.length ? data : data.subarray(start, end);
  return CRC32C.buf(view) >>> 0;
}

/** TensorFlow's masked CRC: ((crc >>> 15) | (crc << 17)) + 0xa282ead8, modulo 2^32. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** The masked CRC-32C TFRecord stores after the length and after the data. */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  return maskCrc(crc32c(data, start, end));
}
