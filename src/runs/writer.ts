// Writes one run folder. Used by the trainer process (and the CLI), which owns the files: a crashed
// extension host loses nothing. Synchronous on purpose: calls are few (a batch of lines every ~50 ms,
// run.json at start and end) and a write that has returned is in the kernel's page cache, so it
// survives the process being killed right after.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  HISTOGRAMS_FILE,
  METRICS_FILE,
  RUN_FILE,
  type HistogramRecord,
  type MetricRecord,
  type RunRecord,
} from './format';

/** Replace a JSON file atomically: readers see the old or the new content, never half of it. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** JSON lines for records; non-finite numbers become null (JSON has no NaN). */
export function toJsonLines(records: readonly unknown[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}

export class RunWriter {
  private metricsFd: number | null;
  private histogramsFd: number | null;
  private current: RunRecord;

  private constructor(
    readonly dir: string,
    record: RunRecord,
  ) {
    this.current = record;
    // 'a': O_APPEND, so every write lands at the end even if another process appended meanwhile.
    this.metricsFd = fs.openSync(path.join(dir, METRICS_FILE), 'a');
    this.histogramsFd = fs.openSync(path.join(dir, HISTOGRAMS_FILE), 'a');
  }

  /** Creates `<runsDir>/<record.id>/` with run.json and empty metric files. Fails if the run exists. */
  static create(runsDir: string, record: RunRecord): RunWriter {
    const dir = path.join(runsDir, record.id);
    fs.mkdirSync(runsDir, { recursive: true });
    fs.mkdirSync(dir); // throws EEXIST: never overwrite another run's record
    writeJsonAtomic(path.join(dir, RUN_FILE), record);
    return new RunWriter(dir, record);
  }

  get record(): Readonly<RunRecord> {
    return this.current;
  }

  get closed(): boolean {
    return this.metricsFd === null;
  }

  appendMetrics(records: readonly MetricRecord[]): void {
    if (records.length && this.metricsFd !== null) fs.writeSync(this.metricsFd, toJsonLines(records));
  }

  appendHistograms(records: readonly HistogramRecord[]): void {
    if (records.length && this.histogramsFd !== null) fs.writeSync(this.histogramsFd, toJsonLines(records));
  }

  /** Rewrites run.json with the given fields changed. */
  update(patch: Partial<RunRecord>): void {
    this.current = { ...this.current, ...patch };
    writeJsonAtomic(path.join(this.dir, RUN_FILE), this.current);
  }

  /** Final run.json (status must be final) and closes the files. Idempotent after the first call. */
  finish(patch: Partial<RunRecord> & Pick<RunRecord, 'status'>): void {
    if (this.closed) return;
    this.update({ endedAt: new Date().toISOString(), ...patch });
    this.close();
  }

  close(): void {
    if (this.metricsFd !== null) fs.closeSync(this.metricsFd);
    if (this.histogramsFd !== null) fs.closeSync(this.histogramsFd);
    this.metricsFd = this.histogramsFd = null;
  }
}
