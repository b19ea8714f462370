// Reads run folders: for the dashboard after a restart, the run list, exports and the CLI.
// Tolerant by design: a trainer killed mid-write leaves a truncated last line, which is skipped and
// counted; a folder without a readable run.json is left out of listRuns (listRunEntries in catalog.ts
// shows it as "unreadable: <why>"). Symbolic links are never followed: a run folder is a real folder
// inside the runs folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v from 'valibot';
import {
  HISTOGRAMS_FILE,
  METRICS_FILE,
  RUN_FILE,
  RUN_FORMAT_VERSION,
  HistogramLineSchema,
  MetricRecordSchema,
    RunRecordSchema,
  histogramEdges,
  type HistogramLine,
  type HistogramRecord,
  type MetricRecord,
  type RunRecord,
} from './format';
import { fastGuard, issuePath, problemsOf, type Guard } from '../protocol/check';
import { isRunId } from '../shared/runId';

/**
 * Lines of metrics.jsonl and histograms.jsonl are checked against their schemas (format.ts) as they are
 * read: a line that is JSON but not a record (a field missing, mistyped or unknown) is skipped and
 * counted like a line that is not JSON, never handed on as if it were one. The guards are compiled from
 * the schemas (fastGuard: plain typeof checks, ~7x faster than walking the schema per line), so they
 * cannot drift from them.
 */
export const isMetricLine: Guard<MetricRecord> = fastGuard(MetricRecordSchema);
export const isHistogramLine: Guard<HistogramLine> = fastGuard(HistogramLineSchema);

export interface JsonlContent<T> {
  records: T[];
  /** The file ended in a partial line (a writer was killed mid-line, or is still writing it). */
  truncated: boolean;
  /** Complete lines that were not valid JSON objects or not records of the file's schema (should not happen; counted, not thrown). */
  skipped: number;
  /** The first skipped line, and why (its 1-based line number and the problem with its key path), or null. */
  firstProblem: string | null;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses JSON-lines text; with `accept` (a schema's guard), only lines it accepts are records. The last
 * line counts as truncated when it has no newline and does not parse. `schema` words the first problem.
 */
export function parseJsonl<T>(text: string, accept?: Guard<T>, schema?: Parameters<typeof problemsOf>[0]): JsonlContent<T> {
  const records: T[] = [];
  let skipped = 0;
  let truncated = false;
  let firstProblem: string | null = null;
  const skip = (i: number, why: string) => {
    skipped++;
    firstProblem ??= `line ${i + 1}: ${why}`;
  };
  const lines = text.split('\n');
  const last = lines.length - 1; // text after the final '\n' ('' when the file ends cleanly)
  for (let i = 0; i <= last; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      if (i === last) truncated = true;
      else skip(i, `not JSON (${(e as Error).message})`);
      continue;
    }
    if (!isPlainObject(value)) skip(i, 'not a JSON object');
    else if (accept && !accept(value)) skip(i, schema ? problemsOf(schema, value).slice(0, 3).join('; ') : 'not a record of this file');
    else records.push(value as T);
  }
  return { records, truncated, skipped, firstProblem };
}

export function readJsonl<T>(file: string, accept?: Guard<T>, schema?: Parameters<typeof problemsOf>[0]): JsonlContent<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], truncated: false, skipped: 0, firstProblem: null };
    throw e;
  }
  return parseJsonl<T>(text, accept, schema);
}

/** metrics.jsonl of a run folder: the lines that are metric records. */
export function readMetricLines(dir: string): JsonlContent<MetricRecord> {
  return readJsonl(path.join(dir, METRICS_FILE), isMetricLine, MetricRecordSchema);
}

/** histograms.jsonl of a run folder: the lines that are histogram records, with their edges. */
export function readHistogramLines(dir: string): JsonlContent<HistogramRecord> {
  const h = readJsonl(path.join(dir, HISTOGRAMS_FILE), isHistogramLine, HistogramLineSchema);
  return { ...h, records: withEdges(h.records) };
}

/**
 * Follows a growing JSON-lines file: each `read()` returns the complete lines appended since the last
 * call; a partial last line is left for the next call. For watching a run another process writes.
 */
export class JsonlTail<T> {
  private offset = 0;
  private pending = '';

  /** `accept`: a schema's guard (isMetricLine, isHistogramLine); lines it refuses are dropped. */
  constructor(
    readonly file: string,
    private readonly accept?: Guard<T>,
  ) {}

  read(): T[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) {
        // Replaced or truncated: start again.
        this.offset = 0;
        this.pending = '';
      }
      if (size === this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const text = this.pending + buf.subarray(0, n).toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.pending = text.slice(cut + 1);
      return cut < 0 ? [] : parseJsonl<T>(text.slice(0, cut + 1), this.accept).records;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Minimal structural check of a run.json value. */
export function isRunRecord(value: unknown): value is RunRecord {
  return runRecordProblem(value) === null;
}

/** A run folder that cannot be read, and why (shown as "unreadable: <why>" by list and the dashboard). */
export type RecordRead = { ok: true; record: RunRecord } | { ok: false; problem: string };

/**
 * run.json of `<runsDir>/<id>`, checked: the folder and the file must be real (no symbolic links: a run
 * folder pointing outside the runs folder is not followed), the JSON valid, the record a run record of a
 * format this version reads, naming this folder's id.
 */
export function readRunRecordChecked(runsDir: string, id: string): RecordRead {
  if (!isRunId(id)) return { ok: false, problem: 'not a run id' };
  const dir = path.join(runsDir, id);
  const file = path.join(dir, RUN_FILE);
  try {
    const d = fs.lstatSync(dir);
    if (d.isSymbolicLink()) return { ok: false, problem: 'the run folder is a symbolic link (not followed)' };
    if (!d.isDirectory()) return { ok: false, problem: 'not a folder' };
    const f = fs.lstatSync(file);
    if (f.isSymbolicLink()) return { ok: false, problem: 'run.json is a symbolic link (not followed)' };
    if (!f.isFile()) return { ok: false, problem: 'run.json is not a regular file' };
    if (f.size > MAX_RUN_JSON_BYTES) return { ok: false, problem: `run.json is ${f.size} bytes (more than ${MAX_RUN_JSON_BYTES})` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: code === 'ENOENT' ? 'no run.json' : `cannot read run.json (${code ?? (e as Error).message})` };
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, problem: `cannot read run.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `run.json is not valid JSON (${text.trim() === '' ? 'empty' : (e as Error).message})` };
  }
  const missing = runRecordProblem(value);
  if (missing) return { ok: false, problem: `run.json ${missing}` };
  const record = value as RunRecord;
  if (record.id !== id) return { ok: false, problem: 'run.json names another run id than its folder' };
  return { ok: true, record };
}

/** run.json larger than this is not a run record (it would only be read to be refused). */
const MAX_RUN_JSON_BYTES = 4 * 1024 * 1024;

/**
 * Why a value is not a run record this version reads, or null. The format is checked first (a newer
 * writer's record is "newer", not "wrong"); then the record's schema (format.ts), each problem with its
 * key path, e.g. "lacks id; mistypes summary.wallMs (expected number, got \"12\")".
 */
export function runRecordProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'is not a JSON object';
  if (typeof value.format === 'number' && value.format > RUN_FORMAT_VERSION) return `has format ${value.format}, newer than this version reads (${RUN_FORMAT_VERSION})`;
  const r = v.safeParse(RunRecordSchema, value);
  if (r.success) return null;
  const paths = (keep: (i: v.BaseIssue<unknown>) => boolean) => [...new Set(r.issues.filter(keep).map(issuePath))];
  // valibot words a missing key as an issue whose input is undefined, an undeclared one as "expected never".
  const missing = paths((i) => i.input === undefined && i.expected !== 'never');
  const unknown = paths((i) => i.expected === 'never');
  const wrong = r.issues.filter((i) => i.input !== undefined && i.expected !== 'never');
  const parts: string[] = [];
  if (missing.length) parts.push(`lacks ${missing.join(', ')}`);
  if (wrong.length) parts.push(`mistypes ${wrong.map((i) => `${issuePath(i)} (expected ${String(i.expected).replace(/^\((.*)\)$/, '$1')}, got ${i.received})`).join(', ')}`);
  if (unknown.length) parts.push(`has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  return parts.join('; ');
}

/** run.json of a run folder, or undefined if it is missing or unreadable. */
export function readRunRecord(dir: string): RunRecord | undefined {
  const r = readRunRecordChecked(path.dirname(dir), path.basename(dir));
  return r.ok ? r.record : undefined;
}

export interface RunData {
  dir: string;
  record: RunRecord;
  metrics: MetricRecord[];
  histograms: HistogramRecord[];
  /** A file ended in a partial line (the run was cut off mid-write, or is being written). */
  truncated: boolean;
  /** Lines of metrics.jsonl and histograms.jsonl that were skipped (not JSON objects, or a cut last line). */
  skippedLines: number;
}

/** Everything of one run; undefined when `id` is not a run id or the folder has no readable run.json. */
export function readRun(runsDir: string, id: string): RunData | undefined {
  const r = readRunRecordChecked(runsDir, id);
  if (!r.ok) return undefined;
  const dir = path.join(runsDir, id);
  const m = readMetricLines(dir);
  const h = readHistogramLines(dir);
  return {
    dir,
    record: r.record,
    metrics: m.records,
    histograms: h.records,
    truncated: m.truncated || h.truncated,
    skippedLines: m.skipped + h.skipped + (m.truncated ? 1 : 0) + (h.truncated ? 1 : 0),
  };
}

/**
 * Histogram lines as written since the binary side files came (writer.ts) carry no `edges`: they are
 * derived from lo, hi and bins. Older lines keep theirs.
 */
export function withEdges(records: HistogramLine[]): HistogramRecord[] {
  // An old line's edges are kept when they fit its counts; otherwise (and when absent) derived.
  for (const r of records) if (r.edges?.length !== r.counts.length + 1) r.edges = histogramEdges(r.lo, r.hi, r.counts.length);
  return records as HistogramRecord[];
}

/** Names of run folders under `runsDir`, oldest first ([] when the folder does not exist). */
export function runFolderNames(runsDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter(isRunId).sort();
}

/** All runs under `runsDir` with a readable run.json, oldest first (ids sort by start time). */
export function listRuns(runsDir: string): RunRecord[] {
  const out: RunRecord[] = [];
  for (const name of runFolderNames(runsDir)) {
    const r = readRunRecordChecked(runsDir, name);
    if (r.ok) out.push(r.record);
  }
  return out;
}

/** Deletes a run folder. Refuses ids that are not run ids (no path tricks). Returns false if absent. */
export function deleteRun(runsDir: string, id: string): boolean {
  if (!isRunId(id)) throw new Error(`not a run id: ${JSON.stringify(id)}`);
  const dir = path.join(runsDir, id);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return false;
  }
  // A symbolic link is removed itself; what it points to is left alone.
  if (st.isSymbolicLink()) fs.unlinkSync(dir);
  else fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
