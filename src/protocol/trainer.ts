// Host ⇄ trainer process messages (Node IPC over `child_process.fork`). Imported by both ends:
// src/host/trainerProcess.ts (extension host) and src/trainer/main.ts (the child); the webview imports
// types only. Keep it free of Node, vscode and tfjs imports.
//
// Every message is validated on receipt (isHostToTrainer in the trainer, isTrainerToHost in the host);
// a malformed one is ignored and logged. Add message types rather than change existing ones.
//
// A comparison's life, as the host sees it:
//   host: start ──> trainer: comparisonStarted (run folders exist, with run.json)
//                   trainer: metrics* (batched: at most ~20 messages/s; the same records are on disk)
//                   trainer: runEnded per run (finished | stopped | diverged | failed)
//                   trainer: comparisonEnded (ok, or the error that stopped it, e.g. a bad CSV)
//   host: stop / pause / resume at any time; shutdown to end the process cleanly.
// If the trainer dies instead, the host marks the comparison's unfinished runs failed with the exit
// reason (src/runs/recover.ts) and reports runEnded/comparisonEnded itself, in the same shapes.
import type { HistogramRecord, MetricRecord, RunRecord, RunSummary } from '../runs/format';
import type { ComparisonSpec } from '../spec/runSpec';
import { comparisonProblems } from '../spec/validateComparison';
import { isComparisonId, isRunId } from '../shared/runId';
import { isBoolean, isNumber, isObject, isString, message, oneOf, type Validator } from './validate';

export interface BackendReport {
  name: string;
  native: boolean;
  warning?: string;
  tfjsVersion: string;
  pid: number;
}

// ---- host → trainer ----
export interface ProbeRequest {
  type: 'probe';
}
/** Train a comparison. Ids come from the host, so it knows the run folders even if the trainer dies. */
export interface StartComparison {
  type: 'start';
  comparisonId: string;
  /** One per run of `comparison`, in order; also the folder names under runsDir. */
  runIds: string[];
  comparison: ComparisonSpec;
  /** Absolute path of the runs folder (<workspace>/.radam/runs). */
  runsDir: string;
  /** Absolute path of the workspace folder (csv datasets are relative to it). */
  workspaceRoot?: string;
  /** false: no gradient norms / update ratios / histograms (default true). */
  watch?: boolean;
  /** Batching interval of streamed records (default 50 ms). */
  flushIntervalMs?: number;
}
export interface StopRequest {
  type: 'stop';
  /** Recorded in run.json as the reason (default "stopped by the user"). */
  reason?: string;
}
export interface PauseRequest {
  type: 'pause';
}
export interface ResumeRequest {
  type: 'resume';
}
/** Stop any comparison (runs marked stopped) and exit with code 0. */
export interface ShutdownRequest {
  type: 'shutdown';
}
export type HostToTrainer = ProbeRequest | StartComparison | StopRequest | PauseRequest | ResumeRequest | ShutdownRequest;

const optional =
  (check: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === undefined || check(v);

export const isStartComparison: Validator<StartComparison> = (v: unknown): v is StartComparison =>
  message<StartComparison>('start', {
    comparisonId: (id) => isString(id) && isComparisonId(id),
    runsDir: (d) => isString(d) && d.length > 0,
    workspaceRoot: optional(isString),
    watch: optional(isBoolean),
    flushIntervalMs: optional((n) => isNumber(n) && n >= 0),
    comparison: (c) => comparisonProblems(c).length === 0,
  })(v) &&
  Array.isArray(v.runIds) &&
  v.runIds.every((id) => isString(id) && isRunId(id)) &&
  new Set(v.runIds).size === v.runIds.length &&
  v.runIds.length === v.comparison.runs.length;

export const isHostToTrainer: Validator<HostToTrainer> = oneOf<HostToTrainer>({
  probe: message<ProbeRequest>('probe'),
  start: isStartComparison,
  stop: message<StopRequest>('stop', { reason: optional(isString) }),
  pause: message<PauseRequest>('pause'),
  resume: message<ResumeRequest>('resume'),
  shutdown: message<ShutdownRequest>('shutdown'),
});

// ---- trainer → host ----
export interface BackendMessage {
  type: 'backend';
  backend: BackendReport;
}
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  text: string;
}
/** The run folders exist (run.json status `running`); training starts. */
export interface ComparisonStartedMessage {
  type: 'comparisonStarted';
  comparisonId: string;
  runs: RunRecord[];
}
/** The records of one run since the previous batch, already appended to its files. */
export interface RunMetricsBatch {
  runId: string;
  metrics: MetricRecord[];
  histograms: HistogramRecord[];
}
export interface MetricsMessage {
  type: 'metrics';
  comparisonId: string;
  batches: RunMetricsBatch[];
}
export type RunEndStatus = 'finished' | 'stopped' | 'diverged' | 'failed';
export interface RunEndedMessage {
  type: 'runEnded';
  comparisonId: string;
  runId: string;
  status: RunEndStatus;
  /** Last completed step. */
  step: number;
  summary: RunSummary | null;
  /** Why it stopped, failed or diverged. */
  reason?: string;
  divergedAtStep?: number;
}
export interface PausedMessage {
  type: 'paused';
  comparisonId: string;
  paused: boolean;
}
/** The comparison is over (every run has ended); `error` when it could not start or the trainer died. */
export interface ComparisonEndedMessage {
  type: 'comparisonEnded';
  comparisonId: string;
  ok: boolean;
  error?: string;
}
export type TrainerToHost =
  | BackendMessage
  | LogMessage
  | ComparisonStartedMessage
  | MetricsMessage
  | RunEndedMessage
  | PausedMessage
  | ComparisonEndedMessage;

const RUN_END_STATUSES: readonly string[] = ['finished', 'stopped', 'diverged', 'failed'];
const isNumOrNull = (v: unknown) => v === null || isNumber(v);

/** A metrics line as the dashboard relies on it (cheap: a few typeof checks per record). */
export function isMetricRecord(v: unknown): v is MetricRecord {
  return isObject(v) && isNumber(v.step) && isNumOrNull(v.loss) && isNumOrNull(v.lr) && isNumOrNull(v.rhoT) && isNumOrNull(v.rT);
}

export function isHistogramRecord(v: unknown): v is HistogramRecord {
  return (
    isObject(v) &&
    isNumber(v.step) &&
    Array.isArray(v.edges) &&
    Array.isArray(v.counts) &&
    v.edges.length === v.counts.length + 1 &&
    isNumber(v.zeros) &&
    isNumber(v.total)
  );
}

function isRunMetricsBatch(v: unknown): v is RunMetricsBatch {
  return (
    isObject(v) &&
    isString(v.runId) &&
    Array.isArray(v.metrics) &&
    v.metrics.every(isMetricRecord) &&
    Array.isArray(v.histograms) &&
    v.histograms.every(isHistogramRecord)
  );
}

const isRunRecordLike = (v: unknown) => isObject(v) && isString(v.id) && isString(v.status) && isObject(v.spec);

export const isTrainerToHost: Validator<TrainerToHost> = oneOf<TrainerToHost>({
  backend: message<BackendMessage>('backend', {
    backend: (b) => isObject(b) && isString(b.name) && isBoolean(b.native),
  }),
  log: message<LogMessage>('log', {
    level: (l) => l === 'info' || l === 'warn' || l === 'error',
    text: isString,
  }),
  comparisonStarted: message<ComparisonStartedMessage>('comparisonStarted', {
    comparisonId: isString,
    runs: (r) => Array.isArray(r) && r.every(isRunRecordLike),
  }),
  metrics: message<MetricsMessage>('metrics', {
    comparisonId: isString,
    batches: (b) => Array.isArray(b) && b.every(isRunMetricsBatch),
  }),
  runEnded: message<RunEndedMessage>('runEnded', {
    comparisonId: isString,
    runId: isString,
    status: (s) => isString(s) && RUN_END_STATUSES.includes(s),
    step: isNumber,
    summary: (s) => s === null || isObject(s),
    reason: optional(isString),
    divergedAtStep: optional(isNumber),
  }),
  paused: message<PausedMessage>('paused', { comparisonId: isString, paused: isBoolean }),
  comparisonEnded: message<ComparisonEndedMessage>('comparisonEnded', {
    comparisonId: isString,
    ok: isBoolean,
    error: optional(isString),
  }),
});
