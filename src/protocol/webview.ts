// Extension host ⇄ dashboard webview messages. Imported by both ends: src/panel/ (host) and webview/ (browser).
// Keep this file free of Node and vscode imports: it is bundled into the webview too.
//
// Every message is validated on receipt at both ends (isHostToWebview in the webview, isWebviewToHost
// on the host); an unknown or malformed message is ignored and logged. Add new message types rather
// than changing existing ones: both ends of a reloaded window may briefly run different builds.
import { SHOWN_RUN_ID_PATTERN, isShownRunId } from '../shared/runId';
import { isBoolean, isNumber, isObject, isString, message, oneOf, type Validator } from './validate';
import type { BackendReport } from './trainer';

// ---- data shapes on the wire ----

/** One optimizer step of one run, as in metrics.jsonl (fields absent or null when not recorded). */
export interface MetricRow {
  /** The optimizer step, 1 for the first update. */
  step: number;
  /** Training loss; null (or absent) when not finite, e.g. the step that diverged. */
  loss?: number | null;
  /** Learning rate after the schedule. */
  lr?: number | null;
  rhoT?: number | null;
  /** null before rectification (and for optimizers that have no r_t). */
  rT?: number | null;
  rectified?: boolean | null;
  /** lr * r_t for RAdam (lr for Adam): the step size actually applied. */
  effectiveStepSize?: number | null;
  gradNorm?: number | null;
  updateRatio?: number | null;
  valLoss?: number | null;
  valAccuracy?: number | null;
}

/**
 * Many metric rows as columns (typed arrays travel to a webview as binary, not JSON: a 100,000-step
 * record is ~5 MB instead of ~25 MB of JSON, and costs no per-row objects). NaN = no value (for
 * `loss`: not finite); `rectified`: 1 true, 0 false, -1 not applicable. All have the same length.
 */
export interface MetricColumns {
  steps: Float64Array;
  /** Float64: the smoothing is computed from the loss as recorded. */
  loss: Float64Array;
  lr: Float32Array;
  rhoT: Float32Array;
  rT: Float32Array;
  rectified: Int8Array;
  effectiveStepSize: Float32Array;
  gradNorm: Float32Array;
  updateRatio: Float32Array;
  valLoss: Float32Array;
  valAccuracy: Float32Array;
}
export const METRIC_COLUMN_KEYS = ['loss', 'lr', 'rhoT', 'rT', 'effectiveStepSize', 'gradNorm', 'updateRatio', 'valLoss', 'valAccuracy'] as const;
const FLOAT64_COLUMNS: ReadonlySet<string> = new Set(['steps', 'loss']);

/** Rows -> columns (the host's bulk path; also handy in tests and the bench). */
export function toMetricColumns(rows: readonly MetricRow[]): MetricColumns {
  const n = rows.length;
  const f = () => new Float32Array(n);
  const c: MetricColumns = {
    steps: new Float64Array(n),
    loss: new Float64Array(n),
    lr: f(),
    rhoT: f(),
    rT: f(),
    rectified: new Int8Array(n),
    effectiveStepSize: f(),
    gradNorm: f(),
    updateRatio: f(),
    valLoss: f(),
    valAccuracy: f(),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    c.steps[i] = r.step;
    for (const k of METRIC_COLUMN_KEYS) {
      const v = r[k];
      c[k][i] = typeof v === 'number' ? v : NaN;
    }
    c.rectified[i] = r.rectified == null ? -1 : r.rectified ? 1 : 0;
  }
  return c;
}

/**
 * One gradient-magnitude histogram: counts of ln|g| in fixed bins. `edges` has counts.length + 1
 * entries, in natural log of |g|. Zeros (|g| = 0) are counted apart; `total` counts every entry.
 * `layer` is absent for the histogram over all parameters.
 */
export interface HistogramSlice {
  step: number;
  layer?: string;
  edges: number[];
  counts: number[];
  zeros: number;
  total: number;
}

export type RunStatus = 'running' | 'finished' | 'stopped' | 'failed' | 'diverged' | 'unknown';

/** What the dashboard knows about a run (from run.json, or from the live stream). */
export interface RunInfo {
  id: string;
  /** Display name, e.g. "RAdam lr=0.001" or "Adam + warmup 2000". */
  label: string;
  status: RunStatus;
  /** True while a trainer is writing this run. */
  live: boolean;
  optimizer?: string;
  /** ISO times. */
  startedAt?: string;
  endedAt?: string;
  /** Steps planned and the last step on record. */
  steps?: number;
  lastStep?: number;
  divergedAt?: number | null;
  /** Runs started together (a comparison or a sweep) share this id. */
  comparisonId?: string;
  dataset?: string;
  model?: string;
  /** RAdam's beta2 and rectification threshold (rho_t > threshold means rectified). */
  beta2?: number;
  rectificationThreshold?: number;
  learningRate?: number;
  /** Why the run failed. */
  error?: string;
}

/** A learning-rate sweep's result: one point per (optimizer, learning rate). */
export interface SweepPoint {
  optimizer: string;
  lr: number;
  /** Final loss (or accuracy, per `SweepResult.metric`); null when the run diverged. */
  value: number | null;
  runId?: string;
  diverged?: boolean;
  /** The run's seed, when a sweep repeats each (optimizer, lr) over several seeds (the chart shows mean and spread). */
  seed?: number;
}
export interface SweepResult {
  title?: string;
  metric: 'loss' | 'accuracy';
  points: SweepPoint[];
}

// ---- host → webview ----
export interface BackendUpdate {
  type: 'backend';
  /** null while the probe is still running; `error` when the trainer could not start. */
  backend: BackendReport | null;
  error?: string;
}
/** Every run found in .radam/runs (and live runs not yet on disk). Replaces the previous list. */
export interface RunListMessage {
  type: 'runList';
  runs: RunInfo[];
}
/** One run's status changed (started, progressed, finished, stopped, failed, diverged). */
export interface RunStatusMessage {
  type: 'runStatus';
  run: RunInfo;
}
/** The host asks the dashboard to show these runs (e.g. a comparison just started). */
export interface ShowRunsMessage {
  type: 'showRuns';
  runIds: string[];
  /** Hide every other run first (a new comparison replaces the view). */
  replace: boolean;
}
/**
 * Metric rows of one run, as columns: live batches (appended), or with `reset` the run's whole record
 * so far, read from disk (it replaces what the webview holds, keeping live rows past its last step).
 */
export interface MetricColumnsMessage {
  type: 'metricColumns';
  runId: string;
  columns: MetricColumns;
  reset?: boolean;
}
export interface HistogramsMessage {
  type: 'histograms';
  runId: string;
  rows: HistogramSlice[];
  reset?: boolean;
}
/** A run's data was requested but cannot be read (deleted, unreadable). */
export interface RunDataErrorMessage {
  type: 'runDataError';
  runId: string;
  error: string;
}
export interface SweepMessage {
  type: 'sweep';
  /** null clears the sweep chart. */
  sweep: SweepResult | null;
}
/** A short line for the status area (export saved, delete refused, ...). */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'warn' | 'error';
  text: string;
}
/**
 * The reply to one `requestRange`, one message per run: that run's metric rows with fromStep <= step <=
 * toStep, read from disk at full resolution, or every `stride`-th row when the range holds more than
 * the request's maxPoints. `error` when the run could not be read (columns then empty).
 */
export interface RangeColumnsMessage {
  type: 'rangeColumns';
  requestId: number;
  runId: string;
  fromStep: number;
  toStep: number;
  /** 1: every recorded step of the range; k: one row in k. */
  stride: number;
  columns: MetricColumns;
  error?: string;
}
export type HostToWebview =
  | BackendUpdate
  | RunListMessage
  | RunStatusMessage
  | ShowRunsMessage
  | MetricColumnsMessage
  | HistogramsMessage
  | RunDataErrorMessage
  | SweepMessage
  | NoticeMessage
  | RangeColumnsMessage;

// ---- webview → host ----
export interface ReadyMessage {
  type: 'ready';
}
/** The runs the dashboard displays: the host forwards live data for these only. */
export interface ShownRunsMessage {
  type: 'shownRuns';
  runIds: string[];
}
/** Send these runs' whole record (metrics and histograms, `reset: true`), read from disk. */
export interface RequestRunDataMessage {
  type: 'requestRunData';
  runIds: string[];
}
export interface RefreshRunsMessage {
  type: 'refreshRuns';
}
/** Delete a run's folder (the host asks the user to confirm). */
export interface DeleteRunMessage {
  type: 'deleteRun';
  runId: string;
}
/** Delete several runs' folders after ONE confirmation (the host asks; live runs are refused). */
export interface DeleteRunsMessage {
  type: 'deleteRuns';
  runIds: string[];
}
export type ExportFormat = 'metrics-csv' | 'metrics-json' | 'histograms-json';
/** Export these runs' data from disk through a save dialog. */
export interface ExportDataMessage {
  type: 'exportData';
  format: ExportFormat;
  runIds: string[];
}
/** Save a chart as PNG through a save dialog. `dataUrl` is `data:image/png;base64,...`. */
export interface ExportImageMessage {
  type: 'exportImage';
  chart: string;
  dataUrl: string;
}
/** Errors and warnings from the webview, for the RAdam Lab output channel. */
export interface WebviewLogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  text: string;
}
/**
 * The dashboard zoomed to steps fromStep..toStep and does not hold these runs there at full resolution:
 * send their metric rows in that range (one `rangeColumns` reply per run, same requestId), at most
 * `maxPoints` rows per run. A newer request supersedes older ones (the webview drops stale replies).
 */
export interface RequestRangeMessage {
  type: 'requestRange';
  requestId: number;
  runIds: string[];
  fromStep: number;
  toStep: number;
  maxPoints: number;
}
export type WebviewToHost =
  | ReadyMessage
  | ShownRunsMessage
  | RequestRunDataMessage
  | RefreshRunsMessage
  | DeleteRunMessage
  | DeleteRunsMessage
  | ExportDataMessage
  | ExportImageMessage
  | WebviewLogMessage
  | RequestRangeMessage;

// ---- validators ----

/** Run ids are folder names under .radam/runs: no separators, no dot-dot, bounded length. */
/** The dashboard's run-id rule is src/shared/runId.ts's: one rule for every side. */
export const RUN_ID_PATTERN = SHOWN_RUN_ID_PATTERN;
export const isRunId = isShownRunId;
const MAX_IDS = 256;
const isRunIdList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_IDS && v.every(isRunId);
const optNum = (v: unknown) => v === undefined || v === null || typeof v === 'number';
const optStr = (v: unknown) => v === undefined || isString(v);
const isLevel = (l: unknown) => l === 'info' || l === 'warn' || l === 'error';
const EXPORT_FORMATS: readonly ExportFormat[] = ['metrics-csv', 'metrics-json', 'histograms-json'];
const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'stopped', 'failed', 'diverged', 'unknown'];
/** A PNG data URL of at most ~24 MB. */
const MAX_DATA_URL = 32 * 1024 * 1024;

/** Rows per run a range request may ask for (a 1,000-pixel chart needs far fewer). */
export const MAX_RANGE_POINTS = 1_000_000;
const isRequestId = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isStep = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

export function isHistogramSlice(r: unknown): r is HistogramSlice {
  return (
    isObject(r) &&
    typeof r.step === 'number' &&
    Number.isFinite(r.step) &&
    isNumArray(r.counts) &&
    isNumArray(r.edges) &&
    r.edges.length === r.counts.length + 1 &&
    isNumber(r.zeros) &&
    isNumber(r.total) &&
    optStr(r.layer)
  );
}

const typeOf = (v: unknown) => Object.prototype.toString.call(v);

export function isMetricColumns(c: unknown): c is MetricColumns {
  if (!isObject(c) || typeOf(c.steps) !== '[object Float64Array]' || typeOf(c.rectified) !== '[object Int8Array]') return false;
  const n = (c.steps as Float64Array).length;
  if ((c.rectified as Int8Array).length !== n) return false;
  return METRIC_COLUMN_KEYS.every(
    (k) => typeOf(c[k]) === (FLOAT64_COLUMNS.has(k) ? '[object Float64Array]' : '[object Float32Array]') && (c[k] as Float32Array).length === n,
  );
}

export function isRunInfo(r: unknown): r is RunInfo {
  return (
    isObject(r) &&
    isRunId(r.id) &&
    isString(r.label) &&
    RUN_STATUSES.includes(r.status as RunStatus) &&
    isBoolean(r.live) &&
    optNum(r.steps) &&
    optNum(r.lastStep) &&
    optNum(r.divergedAt) &&
    optNum(r.beta2) &&
    optNum(r.rectificationThreshold) &&
    optStr(r.optimizer) &&
    optStr(r.comparisonId)
  );
}

function isSweep(s: unknown): s is SweepResult {
  return (
    isObject(s) &&
    (s.metric === 'loss' || s.metric === 'accuracy') &&
    Array.isArray(s.points) &&
    s.points.every((p) => isObject(p) && isString(p.optimizer) && isNumber(p.lr) && optNum(p.value) && optNum(p.seed))
  );
}

export const isWebviewToHost: Validator<WebviewToHost> = oneOf<WebviewToHost>({
  ready: message<ReadyMessage>('ready'),
  shownRuns: message<ShownRunsMessage>('shownRuns', { runIds: isRunIdList }),
  requestRunData: message<RequestRunDataMessage>('requestRunData', { runIds: isRunIdList }),
  refreshRuns: message<RefreshRunsMessage>('refreshRuns'),
  deleteRun: message<DeleteRunMessage>('deleteRun', { runId: isRunId }),
  deleteRuns: message<DeleteRunsMessage>('deleteRuns', { runIds: (v) => isRunIdList(v) && v.length > 0 }),
  exportData: message<ExportDataMessage>('exportData', {
    format: (f) => EXPORT_FORMATS.includes(f as ExportFormat),
    runIds: (v) => isRunIdList(v) && v.length > 0,
  }),
  exportImage: message<ExportImageMessage>('exportImage', {
    chart: (c) => isString(c) && /^[a-z0-9-]{1,64}$/.test(c),
    dataUrl: (d) => isString(d) && d.length <= MAX_DATA_URL && d.startsWith('data:image/png;base64,'),
  }),
  log: message<WebviewLogMessage>('log', { level: isLevel, text: (t) => isString(t) && t.length <= 10_000 }),
  requestRange: (v: unknown): v is RequestRangeMessage =>
    message<RequestRangeMessage>('requestRange', {
      requestId: isRequestId,
      runIds: (ids) => isRunIdList(ids) && ids.length > 0,
      fromStep: isStep,
      toStep: isStep,
      maxPoints: (n) => Number.isInteger(n) && (n as number) >= 2 && (n as number) <= MAX_RANGE_POINTS,
    })(v) && v.fromStep <= v.toStep,
});

export const isHostToWebview: Validator<HostToWebview> = oneOf<HostToWebview>({
  backend: message<BackendUpdate>('backend', {
    backend: (b) => b === null || (typeof b === 'object' && isString((b as BackendReport).name)),
  }),
  runList: message<RunListMessage>('runList', { runs: (v) => Array.isArray(v) && v.every(isRunInfo) }),
  runStatus: message<RunStatusMessage>('runStatus', { run: isRunInfo }),
  showRuns: message<ShowRunsMessage>('showRuns', { runIds: isRunIdList, replace: isBoolean }),
  metricColumns: message<MetricColumnsMessage>('metricColumns', {
    runId: isRunId,
    columns: isMetricColumns,
    reset: (v) => v === undefined || isBoolean(v),
  }),
  histograms: message<HistogramsMessage>('histograms', {
    runId: isRunId,
    rows: (v) => Array.isArray(v) && v.every(isHistogramSlice),
    reset: (v) => v === undefined || isBoolean(v),
  }),
  runDataError: message<RunDataErrorMessage>('runDataError', { runId: isRunId, error: isString }),
  sweep: message<SweepMessage>('sweep', { sweep: (s) => s === null || isSweep(s) }),
  notice: message<NoticeMessage>('notice', { level: isLevel, text: isString }),
  rangeColumns: message<RangeColumnsMessage>('rangeColumns', {
    requestId: isRequestId,
    runId: isRunId,
    fromStep: isStep,
    toStep: isStep,
    stride: (n) => Number.isInteger(n) && (n as number) >= 1,
    columns: isMetricColumns,
    error: (e) => e === undefined || isString(e),
  }),
});

/** What the webview keeps with setState, so a reloaded window restores the same view. */
export interface WebviewState {
  version: 2;
  /** Runs shown, in the order they were added (their data comes back from disk). */
  shownRunIds: string[];
  /** Colour slot per run id, so a run keeps its colour when others are hidden. */
  colors: Record<string, number>;
  /** Debiased EMA weight in [0, 0.999]. */
  smoothing: number;
  lossScale: 'linear' | 'log';
  /** Step axis of the rho/r and learning-rate charts. */
  stepScale: 'linear' | 'log';
  /** The step-size line: lr * r_t, or the scalar the optimizer applied (with bias corrections). */
  stepSize: 'lrRt' | 'applied';
  histogramView: 'ridgeline' | 'heatmap';
  /** '' = all parameters. */
  histogramLayer: string;
  /** null = follow the newest slice. */
  histogramStep: number | null;
  /** null = automatic (the worst final smoothed loss among the shown runs). */
  lossTarget: number | null;
  sweep: SweepResult | null;
  /** The step range every step-axis chart shows (drag to zoom); null = all steps. */
  viewRange: ViewRange | null;
}

/** An inclusive range of optimizer steps, from <= to. */
export interface ViewRange {
  from: number;
  to: number;
}
