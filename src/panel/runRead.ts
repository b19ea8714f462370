// What the run-loading worker does (runLoadWorker.ts is only its message loop): read a run's files and
// make the bounded views the dashboard draws. Synchronous fs, heavy on purpose: it runs on a worker
// thread, never on the extension host's event loop. Kept apart from the worker so tests call it directly.
//
// Source: the binary side files (metrics.f64, histograms.f64) when present, valid and complete; else
// (runs written before them, or whose binary files were given up) the JSON lines, parsed in chunks so
// that a file larger than V8's longest string still reads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  COL,
  HISTOGRAMS_BIN_FILE,
  HISTOGRAMS_FILE,
  METRICS_BIN_FILE,
  METRICS_FILE,
  METRIC_BIN_COLUMNS,
  decodeHistogramRow,
  forEachMetricsChunk,
  readHistogramsTable,
  lastMetricsStep,
  readMetricsStepRange,
  withEdges,
  type HistogramRecord,
  type MetricRecord,
} from '../runs';
import type { HistogramSlice, MetricColumns } from '../protocol/webview';
import { MinMaxBucketer, downsampleRows, evenPick, pickHistograms, type RowTable } from './minMaxBuckets';
import { toHistogramSlices } from './runAdapter';

export interface OverviewRequest {
  dir: string;
  /** Rows per series at most (min/max buckets beyond). */
  maxPoints: number;
  /** Histogram records at most. */
  maxHistograms: number;
  /** The binary files are trusted only if they reach this step (run.json's summary.steps of an ended run). */
  minLastStep?: number;
  /** A live run: its cut last line is being written, not a fault. */
  live?: boolean;
}

export interface Overview {
  columns: MetricColumns;
  histograms: HistogramSlice[];
  /** Steps on disk (rows of the full-resolution record). */
  totalRows: number;
  source: 'binary' | 'jsonl';
  /** JSON lines that could not be read (a cut last line of an ended run counts). */
  skipped: number;
}

export interface RangeRequest {
  dir: string;
  fromStep: number;
  toStep: number;
  maxPoints: number;
  minLastStep?: number;
}

export interface RangeResult {
  columns: MetricColumns;
  /** Rows of the full-resolution record in the range (more than columns.steps.length when bucketed). */
  totalRows: number;
  source: 'binary' | 'jsonl';
}

const stepOf = (t: RowTable, i: number) => t.data[i * t.columns + COL.step];

/** metrics.f64 exists, is valid and reaches `minLastStep` (else the JSON lines are the record to read). */
function binaryTrusted(dir: string, minLastStep: number | undefined): boolean {
  const last = lastMetricsStep(path.join(dir, METRICS_BIN_FILE));
  if (last === undefined) return false;
  return minLastStep === undefined || minLastStep <= 0 || last >= minLastStep;
}

export function readOverview(req: OverviewRequest): Overview {
  // The binary file is streamed a few megabytes at a time: the worker's memory does not grow with the run.
  let bucketer: MinMaxBucketer | undefined;
  let rows = 0;
  const binary =
    binaryTrusted(req.dir, req.minLastStep) &&
    forEachMetricsChunk(
      path.join(req.dir, METRICS_BIN_FILE),
      (n, columns) => {
        rows = n;
        bucketer = new MinMaxBucketer(n, req.maxPoints, columns);
      },
      (data, n) => bucketer?.add(data, n),
    );
  if (binary && bucketer) {
    const h = readHistogramOverview(req.dir, req.maxHistograms, true, !!req.live);
    return { columns: bucketer.finish(), histograms: h.slices, totalRows: rows, source: 'binary', skipped: h.skipped };
  }
  const j = jsonlMetricsTable(path.join(req.dir, METRICS_FILE));
  const h = readHistogramOverview(req.dir, req.maxHistograms, false, !!req.live);
  return {
    columns: downsampleRows(j.table, 0, j.table.rows, req.maxPoints),
    histograms: h.slices,
    totalRows: j.table.rows,
    source: 'jsonl',
    skipped: j.skipped + (j.truncated && !req.live ? 1 : 0) + h.skipped,
  };
}

function readHistogramOverview(dir: string, max: number, tryBinary: boolean, live: boolean): { slices: HistogramSlice[]; skipped: number } {
  const t = tryBinary ? readHistogramsTable(path.join(dir, HISTOGRAMS_BIN_FILE)) : undefined;
  if (t) return { slices: toHistogramSlices(evenPick(t.rows, max).map((i) => decodeHistogramRow(t.layout, t.data, i))), skipped: 0 };
  const j = jsonlRecords<HistogramRecord>(path.join(dir, HISTOGRAMS_FILE));
  return { slices: toHistogramSlices(withEdges(pickHistograms(j.records, max))), skipped: j.skipped + (j.truncated && !live ? 1 : 0) };
}

/** Rows with step in [fromStep, toStep]; full resolution when they fit in maxPoints. */
export function readRange(req: RangeRequest): RangeResult {
  const t = binaryTrusted(req.dir, req.minLastStep) ? readMetricsStepRange(path.join(req.dir, METRICS_BIN_FILE), req.fromStep, req.toStep) : undefined;
  if (t) return { columns: downsampleRows(t, 0, t.rows, req.maxPoints), totalRows: t.rows, source: 'binary' };
  const table = jsonlMetricsTable(path.join(req.dir, METRICS_FILE)).table;
  const a = lowerBound(table, req.fromStep);
  const b = lowerBound(table, Math.floor(req.toStep) + 1);
  return { columns: downsampleRows(table, a, b, req.maxPoints), totalRows: Math.max(0, b - a), source: 'jsonl' };
}

function lowerBound(t: RowTable, step: number): number {
  let lo = 0;
  let hi = t.rows;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (stepOf(t, mid) < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const CHUNK_BYTES = 8 * 1024 * 1024;

/** Calls `line` for each line of a text file read in chunks (no whole-file string); a partial last line (no newline) comes with `last`. */
function forEachLine(file: string, line: (text: string, last: boolean) => void): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      const chunk = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        line(chunk.toString('utf8', start, nl), false);
        start = nl + 1;
      }
      carry = Buffer.from(chunk.subarray(start)); // a copy: buf is reused
    }
    if (carry.length) line(carry.toString('utf8'), true);
  } finally {
    fs.closeSync(fd);
  }
}

/** JSON-lines records, read in chunks; the same rules as reader.ts parseJsonl. */
export function jsonlRecords<T>(file: string): { records: T[]; skipped: number; truncated: boolean } {
  const records: T[] = [];
  let skipped = 0;
  let truncated = false;
  forEachLine(file, (text, last) => {
    if (text.trim() === '') return;
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) records.push(v as T);
      else skipped++;
    } catch {
      if (last) truncated = true;
      else skipped++;
    }
  });
  return { records, skipped, truncated };
}

const binValue = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

/** metrics.jsonl as the binary table's rows, without keeping a record object per line. */
export function jsonlMetricsTable(file: string): { table: RowTable; skipped: number; truncated: boolean } {
  const w = METRIC_BIN_COLUMNS.length;
  let data = new Float64Array(w * 4096);
  let rows = 0;
  let skipped = 0;
  let truncated = false;
  forEachLine(file, (text, last) => {
    if (text.trim() === '') return;
    let r: MetricRecord;
    try {
      r = JSON.parse(text) as MetricRecord;
    } catch {
      if (last) truncated = true;
      else skipped++;
      return;
    }
    // Not a record with a step: left out silently, as toMetricRows does (it is not a cut line).
    if (typeof r !== 'object' || r === null || typeof r.step !== 'number' || !Number.isFinite(r.step)) {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) skipped++;
      return;
    }
    if ((rows + 1) * w > data.length) {
      const bigger = new Float64Array(data.length * 2);
      bigger.set(data);
      data = bigger;
    }
    const o = rows * w;
    for (let k = 0; k < w; k++) {
      const name = METRIC_BIN_COLUMNS[k];
      data[o + k] = name === 'rectified' ? (r.rectified === true ? 1 : r.rectified === false ? 0 : NaN) : binValue(r[name]);
    }
    rows++;
  });
  return { table: { data: data.subarray(0, rows * w), rows, columns: w }, skipped, truncated };
}
