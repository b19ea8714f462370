// Reads the binary columnar side files (columnar.ts). Synchronous fs: meant for a worker thread
// (src/panel/runLoadWorker.ts), the CLI and tests, never the extension host's event loop for a long run.
// A file cut mid-row reads as its whole rows; a file that is absent or not valid reads as `undefined`
// (the caller falls back to the JSON lines).
import * as fs from 'node:fs';
import {
  METRICS_HEADER_BYTES,
  histogramRowFloats,
  histogramsHeaderProbeBytes,
  parseHistogramsHeader,
  parseMetricsHeader,
  type HistogramsBinLayout,
  type MetricsBinLayout,
} from './columnar';

export interface MetricsTable {
  /** Row-major: row i, column c at data[i * columns + c]. */
  data: Float64Array;
  rows: number;
  columns: number;
  /** Bytes after the last whole row (a cut row), ignored. */
  tornBytes: number;
}

export interface HistogramsTable {
  layout: HistogramsBinLayout;
  data: Float64Array;
  rows: number;
  tornBytes: number;
}

function openIfPresent(file: string): number | undefined {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Reads `bytes` bytes at `position` into fresh, 8-byte-aligned memory (a Float64Array needs it). */
function readAligned(fd: number, position: number, bytes: number): ArrayBuffer {
  const ab = new ArrayBuffer(bytes);
  const view = new Uint8Array(ab);
  let off = 0;
  while (off < bytes) {
    const n = fs.readSync(fd, view, off, bytes - off, position + off);
    if (n <= 0) throw new Error(`file ended after ${off} of ${bytes} bytes`);
    off += n;
  }
  return ab;
}

function readHead(fd: number, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  const n = fs.readSync(fd, b, 0, bytes, 0);
  return b.subarray(0, n);
}

function metricsLayout(fd: number): MetricsBinLayout | undefined {
  const l = parseMetricsHeader(readHead(fd, METRICS_HEADER_BYTES));
  return typeof l === 'string' ? undefined : l;
}

/** A metrics.f64 file open with its layout and whole-row count, for `use`; `absent` when it is absent or not valid. */
function withMetricsFile<T, A>(file: string, absent: A, use: (fd: number, layout: MetricsBinLayout, rows: number, rowBytes: number) => T): T | A {
  const fd = openIfPresent(file);
  if (fd === undefined) return absent;
  try {
    const layout = metricsLayout(fd);
    if (!layout) return absent;
    const rowBytes = layout.columns * 8;
    const rows = Math.floor(Math.max(0, fs.fstatSync(fd).size - layout.headerBytes) / rowBytes);
    return use(fd, layout, rows, rowBytes);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whole rows of a metrics.f64 file; undefined when absent or not valid. */
export function readMetricsTable(file: string): MetricsTable | undefined {
  const t = readWholeRows(file, metricsLayout, (l) => l.columns);
  return t && { data: t.data, rows: t.rows, columns: t.layout.columns, tornBytes: t.tornBytes };
}

/**
 * The whole rows after a side file's header (a torn last row is left out and counted in `tornBytes`);
 * undefined when the file is absent or its header is not valid. Shared by both side files.
 */
function readWholeRows<L extends { headerBytes: number }>(
  file: string,
  layoutOf: (fd: number) => L | undefined,
  rowFloats: (layout: L) => number,
): { layout: L; data: Float64Array; rows: number; tornBytes: number } | undefined {
  const fd = openIfPresent(file);
  if (fd === undefined) return undefined;
  try {
    const layout = layoutOf(fd);
    if (!layout) return undefined;
    const size = fs.fstatSync(fd).size;
    const rowBytes = rowFloats(layout) * 8;
    const rows = Math.floor(Math.max(0, size - layout.headerBytes) / rowBytes);
    const data = new Float64Array(readAligned(fd, layout.headerBytes, rows * rowBytes));
    return { layout, data, rows, tornBytes: size - layout.headerBytes - rows * rowBytes };
  } finally {
    fs.closeSync(fd);
  }
}

/** Rows per chunk of forEachMetricsChunk: 32,768 rows of 12 float64 = 3 MB. */
const CHUNK_ROWS = 32_768;

/**
 * Streams the whole rows of a metrics.f64 file in chunks (one 3 MB buffer, reused): `start` learns the
 * number of rows first, then `chunk` gets them in order. False when the file is absent or not valid.
 */
export function forEachMetricsChunk(file: string, start: (rows: number, columns: number) => void, chunk: (data: Float64Array, rows: number) => void): boolean {
  return withMetricsFile(file, false, (fd, layout, rows, rowBytes) => {
    start(rows, layout.columns);
    const buf = new Float64Array(CHUNK_ROWS * layout.columns);
    const bytes = new Uint8Array(buf.buffer);
    for (let r = 0; r < rows; r += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - r);
      let off = 0;
      while (off < n * rowBytes) {
        const got = fs.readSync(fd, bytes, off, n * rowBytes - off, layout.headerBytes + r * rowBytes + off);
        if (got <= 0) throw new Error(`metrics.f64 ended after ${r} rows`);
        off += got;
      }
      chunk(buf, n);
    }
    return true;
  });
}

/**
 * The rows whose step is in [fromStep, toStep] (steps increase down the file), found by binary search
 * with single-row reads: memory and time follow the range, not the run.
 */
export function readMetricsStepRange(file: string, fromStep: number, toStep: number): MetricsTable | undefined {
  return withMetricsFile(file, undefined, (fd, layout, rows, rowBytes) => {
    const one = Buffer.alloc(8);
    const stepAt = (i: number) => {
      fs.readSync(fd, one, 0, 8, layout.headerBytes + i * rowBytes);
      return one.readDoubleLE(0);
    };
    // First row with step >= s.
    const lowerBound = (s: number) => {
      let lo = 0;
      let hi = rows;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (stepAt(mid) < s) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const a = lowerBound(fromStep);
    const b = Number.isFinite(toStep) ? lowerBound(toStep + 1) : rows; // steps are integers
    const n = Math.max(0, b - a);
    const data = new Float64Array(readAligned(fd, layout.headerBytes + a * rowBytes, n * rowBytes));
    return { data, rows: n, columns: layout.columns, tornBytes: 0 };
  });
}

/** Step of the last whole row of a metrics.f64 file (NaN when it has none; undefined when absent or not valid). */
export function lastMetricsStep(file: string): number | undefined {
  return withMetricsFile(file, undefined, (fd, layout, rows, rowBytes) => {
    if (!rows) return NaN;
    const one = Buffer.alloc(8);
    fs.readSync(fd, one, 0, 8, layout.headerBytes + (rows - 1) * rowBytes);
    return one.readDoubleLE(0);
  });
}

function histogramsLayout(fd: number): HistogramsBinLayout | undefined {
  const probe = readHead(fd, histogramsHeaderProbeBytes());
  if (probe.length < 40) return undefined;
  const bins = probe.readUInt32LE(12);
  const head = bins > 1024 ? readHead(fd, histogramsHeaderProbeBytes(bins)) : probe;
  const l = parseHistogramsHeader(head);
  return typeof l === 'string' ? undefined : l;
}

/** Whole rows of a histograms.f64 file; undefined when absent or not valid. */
export function readHistogramsTable(file: string): HistogramsTable | undefined {
  return readWholeRows(file, histogramsLayout, histogramRowFloats);
}

/**
 * Cuts a binary side file back to its last whole row (recovery of a run whose writer is gone). A file
 * whose header is cut or not valid is removed: readers then use the JSON lines. Returns bytes removed.
 */
export function trimTornRows(file: string, kind: 'metrics' | 'histograms'): number {
  let fd: number | undefined;
  try {
    fd = openIfPresent(file);
    if (fd === undefined) return 0;
    const size = fs.fstatSync(fd).size;
    let whole: number | undefined;
    if (kind === 'metrics') {
      const l = metricsLayout(fd);
      if (l) whole = l.headerBytes + Math.floor(Math.max(0, size - l.headerBytes) / (l.columns * 8)) * l.columns * 8;
    } else {
      const l = histogramsLayout(fd);
      if (l) {
        const rb = histogramRowFloats(l) * 8;
        whole = l.headerBytes + Math.floor(Math.max(0, size - l.headerBytes) / rb) * rb;
      }
    }
    fs.closeSync(fd);
    fd = undefined;
    if (whole === undefined) {
      fs.unlinkSync(file);
      return size;
    }
    if (whole < size) fs.truncateSync(file, whole);
    return size - whole;
  } catch {
    return 0;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
