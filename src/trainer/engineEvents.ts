// What the engine tells its listener (the trainer's IPC to the host, the CLI's progress bar, tests).
import type { RunRecord, RunStatus, RunSummary } from '../runs/format';
import type { RunMetricsBatch } from './stream';

export type FinalStatus = Exclude<RunStatus, 'running'>;

export interface RunEndedEvent {
  runId: string;
  status: FinalStatus;
  /** Last completed step (the diverging step is not counted as completed). */
  step: number;
  summary: RunSummary;
  reason?: string;
  divergedAtStep?: number;
}

export interface EngineEvents {
  /** The run folders exist and training is about to start. */
  started?(runs: RunRecord[]): void;
  /** A batch of records, already on disk (at most one call per flush interval). */
  metrics?(batches: RunMetricsBatch[]): void;
  runEnded?(event: RunEndedEvent): void;
  /** After every lockstep step (cheap: for progress bars and tests). */
  step?(step: number, totalSteps: number): void;
  log?(level: 'info' | 'warn' | 'error', text: string): void;
}
