// The end of a run: its last lines, then run.json with the final status, then the listeners are told.
// A run ends when it diverges or its step throws (lockstepStep.ts), when a write of its files fails (its
// partners go on), when the comparison finishes or is stopped, or when setup fails. Ending never throws:
// whatever fails, the run is ended (a write fault turns the status into `failed` with the reason).
import type { MetricRecord, RunSummary } from '../runs/format';
import { readMetricLines } from '../runs/reader';
import { summarize } from '../runs/summary';
import { RunWriteError, describeWriteCode, errnoCode } from '../runs/safeWrite';
import { runWithId, type ActiveRun } from './activeRun';
import type { EngineEvents, FinalStatus } from './engineEvents';
import type { MetricsStream, StreamFault } from './stream';

/** How a run ends. */
export interface RunEnding {
  status: FinalStatus;
  reason?: string;
  divergedAtStep?: number;
  /** Training time of the comparison, for the summary (when it ran to its end or was stopped). */
  wallMs?: number;
  cpuMs?: number;
  /** Its files failed: the summary is rebuilt from what is on disk. */
  writeFault?: boolean;
}

/** Ends runs; holds only what every ending needs (the stream of their records, the listeners, the batch size). */
export class RunEnder {
  constructor(
    private readonly stream: MetricsStream,
    private readonly events: EngineEvents,
    private readonly batchSize: number,
  ) {}

  /** Ends `run` as `ending` says, unless it already ended. */
  end(run: ActiveRun, ending: RunEnding): void {
    if (run.done) return;
    run.done = true;
    let { status, reason, divergedAtStep, writeFault = false } = ending;
    const { wallMs, cpuMs } = ending;
    const id = run.writer.record.id;
    // The run's lines reach the disk before run.json says it ended.
    const fault = this.stream.flush(id).find((f) => f.runId === id);
    this.stream.unregister(id);
    if (fault) {
      status = 'failed';
      reason = writeFailureReason(fault.error, run.stepOnDisk);
      divergedAtStep = undefined;
      writeFault = true;
    }
    let summary: RunSummary;
    if (writeFault) {
      // What is on disk, not what was trained: the summary must agree with metrics.jsonl.
      let onDisk: MetricRecord[] = [];
      try {
        onDisk = readMetricLines(run.writer.dir).records;
      } catch {
        /* unreadable too: an empty summary */
      }
      summary = { ...summarize(onDisk, this.batchSize), ...(cpuMs !== undefined ? { cpuMs: Math.round(cpuMs) } : {}) };
    } else {
      summary = run.summary.summary(this.batchSize, wallMs, cpuMs);
    }
    try {
      run.writer.finish({
        status,
        summary,
        ...(reason !== undefined ? { reason } : {}),
        ...(divergedAtStep !== undefined ? { divergedAtStep } : {}),
      });
      for (const w of run.writer.warnings.splice(0)) this.events.log?.('warn', `run ${id}: ${w}`);
    } catch (e) {
      // run.json could not be written at all (the folder and the file refuse writes): say so; readers
      // will find the run `running` with a dead process and show it failed (src/runs/recover.ts).
      const why = e instanceof Error ? e.message : String(e);
      reason = `${reason ?? status}; its run.json could not be updated (${why})`;
      status = 'failed';
      this.events.log?.('error', `run ${id}: run.json could not be written: ${why}`);
    }
    if (status === 'failed') this.events.log?.('error', `run ${id} failed: ${reason}`);
    this.events.runEnded?.({ runId: id, status, step: summary.steps, summary, reason, divergedAtStep });
  }

  /** Ends, as failed, each run whose files `faults` name; the others go on. */
  failWrites(runs: readonly ActiveRun[], faults: readonly StreamFault[]): void {
    for (const f of faults) {
      const run = runWithId(runs, f.runId);
      if (run && !run.done) this.end(run, { status: 'failed', reason: writeFailureReason(f.error, run.stepOnDisk), writeFault: true });
    }
  }

  /** After the loop: the runs still going finished all `totalSteps` steps, or were stopped. */
  endUnfinished(runs: readonly ActiveRun[], totalSteps: number, stopReason: string | null, wallMs: number, cpuMs: number): void {
    for (const run of runs) {
      if (run.done) continue;
      if (run.summary.stepsDone >= totalSteps) this.end(run, { status: 'finished', wallMs, cpuMs });
      else this.end(run, { status: 'stopped', reason: stopReason ?? 'stopped', wallMs, cpuMs });
    }
  }

  /** Setup or bookkeeping failed: whatever run folders exist say so. */
  failAll(runs: readonly ActiveRun[], reason: string): void {
    for (const run of runs) if (!run.done && run.writer) this.end(run, { status: 'failed', reason });
  }
}

/** "disk full after step 14,779 (ENOSPC writing metrics.jsonl)". */
export function writeFailureReason(error: unknown, stepOnDisk: number): string {
  const code = error instanceof RunWriteError ? error.code : errnoCode(error);
  const file = error instanceof RunWriteError ? ` writing ${error.file}` : '';
  const when = stepOnDisk > 0 ? `after step ${stepOnDisk.toLocaleString('en-US')}` : 'before the first step was written';
  return `${describeWriteCode(code)} ${when} (${code}${file})`;
}
