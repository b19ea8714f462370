// Writes that land whole or not at all, for the run writer (writer.ts) and recovery (recover.ts): every
// short write is looped over or reported with how much landed, a JSON file is replaced atomically, and a
// failure carries its errno code and what it means to a user ("disk full").
import * as fs from 'node:fs';

/** A write to a run's files failed. `kept`: lines of the failed batch that are on disk, whole. */
export class RunWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    readonly kept: number,
    cause: unknown,
  ) {
    super(`${code} writing ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RunWriteError';
  }
}

export function errnoCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/** What a write error means to a user: "disk full", "permission denied", ... */
export function describeWriteCode(code: string): string {
  switch (code) {
    case 'ENOSPC':
      return 'disk full';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file size limit reached';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'file system is read-only';
    case 'EIO':
      return 'I/O error';
    default:
      return `write error ${code}`;
  }
}

/** Writes all of `buf` at `position` (null: the file offset / O_APPEND end), looping over short writes. */
export function writeAll(fd: number, buf: Buffer, position: number | null): number {
  let off = 0;
  while (off < buf.length) {
    let n: number;
    try {
      n = fs.writeSync(fd, buf, off, buf.length - off, position === null ? null : position + off);
    } catch (e) {
      (e as { written?: number }).written = off;
      throw e;
    }
    if (n <= 0) {
      const e = Object.assign(new Error(`short write: ${off} of ${buf.length} bytes`), { code: 'ENOSPC', written: off });
      throw e;
    }
    off += n;
  }
  return off;
}

/** Replace a JSON file atomically: readers see the old or the new content, never half of it. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, Buffer.from(JSON.stringify(value, null, 2) + '\n'), 0);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw e;
  }
}

/** JSON lines for records; non-finite numbers become null (JSON has no NaN). */
export function toJsonLines(records: readonly unknown[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}
