// What the extension host does when a trainer ends without finishing its runs (killed, crashed, out of
// memory): the run folders stay readable, and every run still marked `running` becomes `failed` with the
// reason (exit code or signal) and a summary rebuilt from its metrics.jsonl. Pure Node (no vscode, no
// tfjs), so it is unit-tested directly and shared by src/host/trainerProcess.ts and the run list.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { METRICS_FILE, RUN_FILE, type MetricRecord, type RunRecord } from './format';
import { readJsonl, readRunRecord } from './reader';
import { isRunId } from './runId';
import { summarize } from './summary';
import { writeJsonAtomic } from './writer';

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
 * Marks one run failed if it is still `running`. Returns the updated record, or undefined when the run
 * is unknown or already ended (a run that finished or was stopped keeps its status).
 */
export function failRunIfRunning(runsDir: string, id: string, reason: string, now = new Date()): RunRecord | undefined {
  if (!isRunId(id)) return undefined;
  const dir = path.join(runsDir, id);
  const record = readRunRecord(dir);
  if (!record || record.status !== 'running') return undefined;
  const metrics = readJsonl<MetricRecord>(path.join(dir, METRICS_FILE)).records;
  const updated: RunRecord = {
    ...record,
    status: 'failed',
    endedAt: now.toISOString(),
    reason,
    summary: summarize(metrics, record.spec.batchSize),
  };
  writeJsonAtomic(path.join(dir, RUN_FILE), updated);
  return updated;
}

/** failRunIfRunning for each id; returns the runs that were changed. */
export function failUnfinishedRuns(runsDir: string, ids: readonly string[], reason: string): RunRecord[] {
  return ids.map((id) => failRunIfRunning(runsDir, id, reason)).filter((r): r is RunRecord => r !== undefined);
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs left `running` by a trainer that is gone (VS Code was closed or crashed while training): mark
 * them failed. Called when the run list is first read. `isAlive` is injectable for tests.
 */
export function reconcileStaleRuns(runsDir: string, isAlive: (pid: number) => boolean = isPidAlive): RunRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir).filter(isRunId);
  } catch {
    return [];
  }
  const out: RunRecord[] = [];
  for (const id of names) {
    const record = readRunRecord(path.join(runsDir, id));
    if (record?.status !== 'running' || isAlive(record.pid)) continue;
    const r = failRunIfRunning(runsDir, id, `trainer process ${record.pid} ended without finishing the run`);
    if (r) out.push(r);
  }
  return out;
}
