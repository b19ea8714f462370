// Runs whose trainer is gone. Two paths lead here:
//   - the extension host saw its trainer child end without finishing (killed, crashed, out of memory):
//     failUnfinishedRuns with the exit reason (src/host/trainerExit.ts);
//   - a reader finds a run still `running` whose process is dead or whose pid now belongs to another
//     process (VS Code closed mid-run, `kill -9` of the CLI): reconcileRun, the ONE rule used by the
//     CLI's `list`, the dashboard and the extension's activation (through listRunEntries / reconcileStaleRuns).
// Either way the run becomes `failed` with the reason and a summary rebuilt from its metrics.jsonl. If
// run.json cannot be rewritten (read-only folder), the reader still shows the reconciled record.
// Pure Node (no vscode, no tfjs), so it is unit-tested directly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HISTOGRAMS_FILE, METRICS_FILE, RUN_FILE, type RunRecord } from './format';
import { HISTOGRAMS_BIN_FILE, METRICS_BIN_FILE } from './columnar';
import { lastMetricsStep, trimTornRows } from './columnarReader';
import { isPidAlive, processLiveness, type Liveness } from './liveness';
import { readMetricLines, readRunRecordChecked, runFolderNames } from './reader';
import { isRunId } from '../shared/runId';
import { summarize } from './summary';
import { writeJsonAtomic } from './safeWrite';

export { isPidAlive };

/** "trainer process 1234 was killed by SIGKILL" / "... exited with code 1". */
export function describeExit(pid: number | undefined, code: number | null, signal: string | null): string {
  const who = pid === undefined ? 'the trainer process' : `trainer process ${pid}`;
  if (signal) {
    const hint = signal === 'SIGKILL' ? ' (killed from outside, or by the out-of-memory killer)' : '';
    return `${who} was killed by ${signal}${hint}`;
  }
  if (code !== null && code !== 0) return `${who} exited with code ${code}`;
  return `${who} exited before finishing the run`;
}

/**
 * Cuts a JSON-lines file back to its last whole line (a writer killed in the middle of a write can leave
 * part of one: SIGKILL may interrupt a write to a regular file). Only for files whose writer is gone.
 * Returns the bytes removed (0 when the file ends cleanly, is absent, or cannot be changed).
 */
export function trimPartialLine(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r+');
  } catch {
    return 0;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = fs.readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = start + nl + 1;
        if (keep < size) fs.ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    if (size > 0) fs.ftruncateSync(fd, 0); // not one whole line
    return size;
  } catch {
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** The record of a run marked failed (not written). Its files lose a cut last line first. */
function failedRecord(runsDir: string, record: RunRecord, reason: string, now: Date): RunRecord {
  for (const name of [METRICS_FILE, HISTOGRAMS_FILE]) trimPartialLine(path.join(runsDir, record.id, name));
  const metrics = readMetricLines(path.join(runsDir, record.id)).records;
  trimBinaryFiles(path.join(runsDir, record.id), metrics.length ? metrics[metrics.length - 1].step : undefined);
  return { ...record, status: 'failed', endedAt: now.toISOString(), reason, summary: summarize(metrics, record.spec?.batchSize ?? 0) };
}

/**
 * The binary side files of a run whose writer is gone: a cut last row is cut off; files that do not
 * end at the same step as metrics.jsonl (the writer died between the two writes of a batch) are
 * removed, so readers use the JSON lines, which are the record.
 */
export function trimBinaryFiles(dir: string, lastJsonStep: number | undefined): void {
  const metricsBin = path.join(dir, METRICS_BIN_FILE);
  trimTornRows(metricsBin, 'metrics');
  trimTornRows(path.join(dir, HISTOGRAMS_BIN_FILE), 'histograms');
  const last = lastMetricsStep(metricsBin);
  if (last === undefined) return;
  const agrees = lastJsonStep === undefined ? Number.isNaN(last) : last === lastJsonStep;
  if (agrees) return;
  for (const name of [METRICS_BIN_FILE, HISTOGRAMS_BIN_FILE]) {
    try {
      fs.unlinkSync(path.join(dir, name));
    } catch {
      /* absent or not ours to change */
    }
  }
}

/**
 * Marks one run failed if it is still `running`. Returns the updated record, or undefined when the run
 * is unknown or already ended (a run that finished or was stopped keeps its status).
 */
export function failRunIfRunning(runsDir: string, id: string, reason: string, now = new Date()): RunRecord | undefined {
  if (!isRunId(id)) return undefined;
  const r = readRunRecordChecked(runsDir, id);
  if (!r.ok || r.record.status !== 'running') return undefined;
  const updated = failedRecord(runsDir, r.record, reason, now);
  writeJsonAtomic(path.join(runsDir, id, RUN_FILE), updated);
  return updated;
}

/** failRunIfRunning for each id; returns the runs that were changed. */
export function failUnfinishedRuns(runsDir: string, ids: readonly string[], reason: string): RunRecord[] {
  const out: RunRecord[] = [];
  for (const id of ids) {
    try {
      const r = failRunIfRunning(runsDir, id, reason);
      if (r) out.push(r);
    } catch {
      /* one unwritable run does not keep the others running */
    }
  }
  return out;
}

export type LivenessCheck = (record: RunRecord) => Liveness;
export const recordLiveness: LivenessCheck = (r) => processLiveness(r.pid, r.processStart);

/** Why a run's process no longer owns it. */
export function staleReason(record: RunRecord, liveness: Liveness): string {
  return liveness === 'reused'
    ? `trainer process ${record.pid} ended without finishing the run (its pid now belongs to another process)`
    : `trainer process ${record.pid} ended without finishing the run`;
}

export interface Reconciled {
  record: RunRecord;
  /** The record was changed from `running` to `failed` by this call. */
  changed: boolean;
  /** Set when the change could not be written to run.json (the reader shows it anyway). */
  writeError?: string;
}

/** The one rule: a `running` run whose process is dead or reused is failed (written if possible). */
export function reconcileRun(runsDir: string, record: RunRecord, liveness: LivenessCheck = recordLiveness, now = new Date()): Reconciled {
  if (record.status !== 'running') return { record, changed: false };
  const l = liveness(record);
  if (l === 'alive') return { record, changed: false };
  const updated = failedRecord(runsDir, record, staleReason(record, l), now);
  try {
    // Re-read just before writing: the trainer may have ended the run meanwhile.
    const again = readRunRecordChecked(runsDir, record.id);
    if (again.ok && again.record.status !== 'running') return { record: again.record, changed: false };
    writeJsonAtomic(path.join(runsDir, record.id, RUN_FILE), updated);
    return { record: updated, changed: true };
  } catch (e) {
    return { record: updated, changed: true, writeError: (e as Error).message };
  }
}

/** One entry of a runs folder: a run, or a folder that is not readable as one (and why). */
export type RunEntry = { id: string; record: RunRecord; reconciled?: boolean; writeError?: string } | { id: string; record?: undefined; unreadable: string };

/**
 * Every run folder under `runsDir`, oldest first: readable runs (reconciled: stale `running` runs become
 * failed) and unreadable ones with the reason. Throws only when `runsDir` itself cannot be read.
 */
export function listRunEntries(runsDir: string, opts: { reconcile?: boolean; liveness?: LivenessCheck } = {}): RunEntry[] {
  const reconcile = opts.reconcile ?? true;
  return runFolderNames(runsDir).map((id): RunEntry => {
    const r = readRunRecordChecked(runsDir, id);
    if (!r.ok) return { id, unreadable: r.problem };
    if (!reconcile) return { id, record: r.record };
    const c = reconcileRun(runsDir, r.record, opts.liveness);
    return { id, record: c.record, ...(c.changed ? { reconciled: true } : {}), ...(c.writeError ? { writeError: c.writeError } : {}) };
  });
}

/**
 * Runs left `running` by a trainer that is gone (VS Code was closed or crashed while training): mark
 * them failed. Called at activation. `isAlive` is injectable for tests (pid only).
 */
export function reconcileStaleRuns(runsDir: string, isAlive?: (pid: number) => boolean): RunRecord[] {
  const liveness: LivenessCheck | undefined = isAlive ? (r) => (isAlive(r.pid) ? 'alive' : 'dead') : undefined;
  let entries: RunEntry[];
  try {
    entries = listRunEntries(runsDir, { reconcile: true, liveness });
  } catch {
    return [];
  }
  return entries.filter((e) => e.record && e.reconciled).map((e) => e.record as RunRecord);
}
