// Reads run folders: for the dashboard after a restart, the run list, exports and the CLI.
// Tolerant by design: a trainer killed mid-write leaves a truncated last line, which is skipped; a
// folder without a readable run.json is left out of listings instead of failing them.
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
import { isRunId } from './runId';

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
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<RunRecord>;
  return (
    typeof r.id === 'string' &&
    typeof r.status === 'string' &&
    typeof r.startedAt === 'string' &&
    typeof r.spec === 'object' &&
    r.spec !== null &&
    typeof r.format === 'number' &&
    r.format <= RUN_FORMAT_VERSION
  );
}

/** run.json of a run folder, or undefined if it is missing or unreadable. */
export function readRunRecord(dir: string): RunRecord | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILE), 'utf8'));
    return isRunRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface RunData {
  dir: string;
  record: RunRecord;
  metrics: MetricRecord[];
  histograms: HistogramRecord[];
  /** A file ended in a partial line (the run was cut off mid-write, or is being written). */
  truncated: boolean;
}

/** Everything of one run; undefined when `id` is not a run id or the folder has no readable run.json. */
export function readRun(runsDir: string, id: string): RunData | undefined {
  if (!isRunId(id)) return undefined;
  const dir = path.join(runsDir, id);
  const record = readRunRecord(dir);
  if (!record) return undefined;
  const m = readJsonl<MetricRecord>(path.join(dir, METRICS_FILE));
  const h = readJsonl<HistogramRecord>(path.join(dir, HISTOGRAMS_FILE));
  return { dir, record, metrics: m.records, histograms: h.records, truncated: m.truncated || h.truncated };
}

/** All runs under `runsDir` with a readable run.json, oldest first (ids sort by start time). */
export function listRuns(runsDir: string): RunRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: RunRecord[] = [];
  for (const name of names.filter(isRunId).sort()) {
    const record = readRunRecord(path.join(runsDir, name));
    if (record) out.push(record);
  }
  return out;
}

/** Deletes a run folder. Refuses ids that are not run ids (no path tricks). Returns false if absent. */
export function deleteRun(runsDir: string, id: string): boolean {
  if (!isRunId(id)) throw new Error(`not a run id: ${JSON.stringify(id)}`);
  const dir = path.join(runsDir, id);
  if (!fs.existsSync(dir)) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
