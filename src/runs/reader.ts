// Reads run folders: for the dashboard after a restart, the run list, exports and the CLI.
// Tolerant by design: a trainer killed mid-write leaves a truncated last line, which is skipped and
// counted; a folder without a readable run.json is left out of listRuns (listRunEntries in catalog.ts
// shows it as "unreadable: <why>"). Symbolic links are never followed: a run folder is a real folder
// inside the runs folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  HISTOGRAMS_FILE,
  METRICS_FILE,
  RUN_FILE,
  RUN_FORMAT_VERSION,
  type HistogramRecord,
  type MetricRecord,
  type RunRecord,
} from './format';
import { isRunId } from '../shared/runId';

export interface JsonlContent<T> {
  records: T[];
  /** The file ended in a partial line (a writer was killed mid-line, or is still writing it). */
  truncated: boolean;
  /** Complete lines that were not valid JSON objects (should not happen; counted, not thrown). */
  skipped: number;
}

/** Parses JSON-lines text. The last line counts as truncated when it has no newline and does not parse. */
export function parseJsonl<T>(text: string): JsonlContent<T> {
  const records: T[] = [];
  let skipped = 0;
  let truncated = false;
  const lines = text.split('\n');
  const last = lines.length - 1; // text after the final '\n' ('' when the file ends cleanly)
  for (let i = 0; i <= last; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) records.push(value as T);
      else skipped++;
    } catch {
      if (i === last) truncated = true;
      else skipped++;
    }
  }
  return { records, truncated, skipped };
}

export function readJsonl<T>(file: string): JsonlContent<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], truncated: false, skipped: 0 };
    throw e;
  }
  return parseJsonl<T>(text);
}

/**
 * Follows a growing JSON-lines file: each `read()` returns the complete lines appended since the last
 * call; a partial last line is left for the next call. For watching a run another process writes.
 */
export class JsonlTail<T> {
  private offset = 0;
  private pending = '';

  constructor(readonly file: string) {}

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
      return cut < 0 ? [] : parseJsonl<T>(text.slice(0, cut + 1)).records;
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

/** Why a value is not a run record this version reads, or null. */
export function runRecordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const r = value as Partial<RunRecord>;
  const bad: string[] = [];
  if (typeof r.id !== 'string') bad.push('id');
  if (typeof r.status !== 'string') bad.push('status');
  if (typeof r.startedAt !== 'string') bad.push('startedAt');
  if (typeof r.spec !== 'object' || r.spec === null) bad.push('spec');
  if (typeof r.format !== 'number') bad.push('format');
  if (bad.length) return `lacks or mistypes ${bad.join(', ')}`;
  if ((r.format as number) > RUN_FORMAT_VERSION) return `has format ${r.format}, newer than this version reads (${RUN_FORMAT_VERSION})`;
  return null;
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
  const m = readJsonl<MetricRecord>(path.join(dir, METRICS_FILE));
  const h = readJsonl<HistogramRecord>(path.join(dir, HISTOGRAMS_FILE));
  return {
    dir,
    record: r.record,
    metrics: m.records,
    histograms: h.records,
    truncated: m.truncated || h.truncated,
    skippedLines: m.skipped + h.skipped + (m.truncated ? 1 : 0) + (h.truncated ? 1 : 0),
  };
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
