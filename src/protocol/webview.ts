// Extension host ⇄ dashboard webview messages. Imported by both ends: src/panel/ (host) and webview/ (browser).
// Keep this file free of Node and vscode imports: it is bundled into the webview too.
//
// Each message is declared once, as a valibot schema; its type is inferred from the schema and its
// validator generated from it (isHostToWebview in the webview, isWebviewToHost on the host). An unknown or
// malformed message, or one with a key the schema does not declare, is ignored and logged.
//
// Requests and replies: the webview's requests (run data, refresh, delete, export) carry a `requestId`;
// the host answers each with one `reply` of that id, holding the result or the error (./requests.ts).
// The webview shows the error of a failed request. Everything else is a one-way notification.
//
// One module of ~400 lines on purpose (issue 14 allows it with the reason here): it is the channel's one
// protocol, imported by both ends, and every message, the shapes inside them (run info, metric columns,
// histogram slices, view state) and their validators must change together; split, a message and the
// shape it carries could drift apart between the host's and the webview's bundles.
import * as v from 'valibot';
import { SHOWN_RUN_ID_PATTERN, isShownRunId } from '../shared/runId';
import { guard, numOrNull } from './check';
import { ReplySchema, RequestIdSchema } from './requests';
import { BackendReportSchema } from './trainer';

// ---- data shapes on the wire ----

/** The dashboard's run-id rule is src/shared/runId.ts's (folder names under .radam/runs, TensorBoard run keys). */
export const RUN_ID_PATTERN = SHOWN_RUN_ID_PATTERN;
export const RunIdSchema = v.pipe(v.string(), v.check((id: string) => isShownRunId(id), 'expected a run id (no separators, no "..", at most 128 characters)'));
export const isRunId = guard(RunIdSchema);
const MAX_IDS = 256;
const RunIdListSchema = v.pipe(v.array(RunIdSchema), v.maxLength(MAX_IDS));
const NonEmptyRunIdListSchema = v.pipe(RunIdListSchema, v.minLength(1, 'expected at least one run id'));
const optNumOrNull = () => v.optional(numOrNull());
const LevelSchema = v.picklist(['info', 'warn', 'error']);

/** One optimizer step of one run, as in metrics.jsonl (fields absent or null when not recorded). */
export const MetricRowSchema = v.strictObject({
  /** The optimizer step, 1 for the first update. */
  step: v.number(),
  /** Training loss; null (or absent) when not finite, e.g. the step that diverged. */
  loss: optNumOrNull(),
  /** Learning rate after the schedule. */
  lr: optNumOrNull(),
  rhoT: optNumOrNull(),
  /** null before rectification (and for optimizers that have no r_t). */
  rT: optNumOrNull(),
  rectified: v.optional(v.nullable(v.boolean())),
  /** lr * r_t for RAdam (lr for Adam): the step size actually applied. */
  effectiveStepSize: optNumOrNull(),
  gradNorm: optNumOrNull(),
  updateRatio: optNumOrNull(),
  valLoss: optNumOrNull(),
  valAccuracy: optNumOrNull(),
});
export type MetricRow = v.InferOutput<typeof MetricRowSchema>;

export const METRIC_COLUMN_KEYS = ['loss', 'lr', 'rhoT', 'rT', 'effectiveStepSize', 'gradNorm', 'updateRatio', 'valLoss', 'valAccuracy'] as const;

// Typed arrays are checked by their tag, not instanceof: a structured clone may come from another realm.
const tagOf = (x: unknown) => Object.prototype.toString.call(x);
const typedArray = <T>(tag: string) => v.custom<T>((x) => tagOf(x) === `[object ${tag}]`, `expected a ${tag}`);
const f64 = () => typedArray<Float64Array>('Float64Array');
const f32 = () => typedArray<Float32Array>('Float32Array');

/**
 * Many metric rows as columns (typed arrays travel to a webview as binary, not JSON: a 100,000-step
 * record is ~5 MB instead of ~25 MB of JSON, and costs no per-row objects). NaN = no value (for
 * `loss`: not finite); `rectified`: 1 true, 0 false, -1 not applicable. All have the same length.
 * `steps` and `loss` are Float64 (the smoothing is computed from the loss as recorded), the rest Float32.
 */
export const MetricColumnsSchema = v.pipe(
  v.strictObject({
    steps: f64(),
    loss: f64(),
    lr: f32(),
    rhoT: f32(),
    rT: f32(),
    rectified: typedArray<Int8Array>('Int8Array'),
    effectiveStepSize: f32(),
    gradNorm: f32(),
    updateRatio: f32(),
    valLoss: f32(),
    valAccuracy: f32(),
  }),
  v.check((c) => c.rectified.length === c.steps.length && METRIC_COLUMN_KEYS.every((k) => c[k].length === c.steps.length), 'expected columns of one length'),
);
export type MetricColumns = v.InferOutput<typeof MetricColumnsSchema>;

/**
 * One gradient-magnitude histogram: counts of ln|g| in fixed bins. `edges` has counts.length + 1
 * entries, in natural log of |g|. Zeros (|g| = 0) are counted apart; `total` counts every entry.
 * `layer` is absent for the histogram over all parameters.
 */
export const HistogramSliceSchema = v.pipe(
  v.strictObject({
    step: v.pipe(v.number(), v.finite()),
    layer: v.optional(v.string()),
    edges: v.array(v.number()),
    counts: v.array(v.number()),
    zeros: v.number(),
    total: v.number(),
  }),
  v.check((h) => h.edges.length === h.counts.length + 1, 'expected edges.length === counts.length + 1'),
);
export type HistogramSlice = v.InferOutput<typeof HistogramSliceSchema>;
export const isHistogramSlice = guard(HistogramSliceSchema);

/** A run's status as the dashboard shows it: run.json's status, or `unknown` for an unreadable one. */
export const RunInfoStatusSchema = v.picklist(['running', 'finished', 'stopped', 'failed', 'diverged', 'unknown']);
export type RunInfoStatus = v.InferOutput<typeof RunInfoStatusSchema>;

/** A TensorBoard scalar tag as the dashboard takes it. */
export const TagSchema = v.pipe(v.string(), v.minLength(1, 'expected a tag'), v.maxLength(1024));
export const isTag = guard(TagSchema);
/** RAdam's terms are defined for 0 < beta2 < 1. */
export const Beta2Schema = v.pipe(v.number(), v.gtValue(0), v.ltValue(1));
export const isBeta2Value = guard(Beta2Schema);
/** Where an imported run's rho_t and r_t come from (src/tensorboard/dashboard.ts rhoOrigin). */
export const RhoOriginSchema = v.picklist(['logged', 'beta2Logged', 'beta2User', 'none']);
export type RhoOrigin = v.InferOutput<typeof RhoOriginSchema>;
/** Scalar tags listed per imported run (a log with more offers the first ones). */
export const MAX_SCALAR_TAGS = 1000;
/** Scalar tags charted on demand at most. */
export const MAX_WATCHED_TAGS = 16;

/** What the dashboard shows and lets the user choose for a TensorBoard run. */
export const ImportedRunInfoSchema = v.strictObject({
  /** The run's folder (absolute). */
  path: v.string(),
  /** host.pid when the folder holds several concurrent writers. */
  writer: v.optional(v.string()),
  /** Scalar tags with at least one value. */
  scalarTags: v.pipe(v.array(TagSchema), v.maxLength(MAX_SCALAR_TAGS)),
  /** The tag charted as loss (the user's choice, else the auto-detected one), null: none. */
  lossTag: v.nullable(TagSchema),
  /** The tag auto-detection picks. */
  autoLossTag: v.nullable(TagSchema),
  rhoOrigin: RhoOriginSchema,
  /** beta2 the user set for this run (null: none). */
  userBeta2: v.nullable(Beta2Schema),
});
export type ImportedRunInfo = v.InferOutput<typeof ImportedRunInfoSchema>;

/** What the dashboard knows about a run (from run.json, or from the live stream). */
export const RunInfoSchema = v.strictObject({
  id: RunIdSchema,
  /** Display name, e.g. "RAdam lr=0.001" or "Adam + warmup 2000". */
  label: v.string(),
  status: RunInfoStatusSchema,
  /** True while a trainer is writing this run. */
  live: v.boolean(),
  optimizer: v.optional(v.string()),
  /** ISO times. */
  startedAt: v.optional(v.string()),
  endedAt: v.optional(v.string()),
  /** Steps planned and the last step on record. */
  steps: v.optional(v.number()),
  lastStep: v.optional(v.number()),
  divergedAt: optNumOrNull(),
  /** Runs started together (a comparison or a sweep) share this id. */
  comparisonId: v.optional(v.string()),
  dataset: v.optional(v.string()),
  model: v.optional(v.string()),
  /** RAdam's beta2 and rectification threshold (rho_t > threshold means rectified). */
  beta2: v.optional(v.number()),
  rectificationThreshold: v.optional(v.number()),
  learningRate: v.optional(v.number()),
  /** Why the run failed. */
  error: v.optional(v.string()),
  /** Present for a run read from a TensorBoard log directory (src/tensorboard/). */
  imported: v.optional(ImportedRunInfoSchema),
});
export type RunInfo = v.InferOutput<typeof RunInfoSchema>;
export const isRunInfo = guard(RunInfoSchema);

/** A learning-rate sweep's result: one point per (optimizer, learning rate). */
export const SweepPointSchema = v.strictObject({
  optimizer: v.string(),
  lr: v.number(),
  /** Final loss (or accuracy, per `SweepResult.metric`); null when the run diverged. */
  value: numOrNull(),
  runId: v.optional(v.string()),
  diverged: v.optional(v.boolean()),
  /** The run's seed, when a sweep repeats each (optimizer, lr) over several seeds (the chart shows mean and spread). */
  seed: v.optional(v.number()),
});
export type SweepPoint = v.InferOutput<typeof SweepPointSchema>;
export const SweepResultSchema = v.strictObject({
  title: v.optional(v.string()),
  metric: v.picklist(['loss', 'accuracy']),
  points: v.array(SweepPointSchema),
});
export type SweepResult = v.InferOutput<typeof SweepResultSchema>;

// ---- host → webview ----

const hostMessages = {
  /** null while the probe is still running; `error` when the trainer could not start. */
  backend: v.strictObject({ type: v.literal('backend'), backend: v.nullable(BackendReportSchema), error: v.optional(v.string()) }),
  /** Every run found in .radam/runs (and live runs not yet on disk). Replaces the previous list. */
  runList: v.strictObject({ type: v.literal('runList'), runs: v.array(RunInfoSchema) }),
  /** One run's status changed (started, progressed, finished, stopped, failed, diverged). */
  runStatus: v.strictObject({ type: v.literal('runStatus'), run: RunInfoSchema }),
  /** The host asks the dashboard to show these runs (e.g. a comparison just started); `replace` hides every other run first. */
  showRuns: v.strictObject({ type: v.literal('showRuns'), runIds: RunIdListSchema, replace: v.boolean() }),
  /**
   * Metric rows of one run, as columns: live batches (appended), or with `reset` the run's whole record
   * so far, read from disk (it replaces what the webview holds, keeping live rows past its last step).
   */
  metricColumns: v.strictObject({
    type: v.literal('metricColumns'),
    runId: RunIdSchema,
    columns: MetricColumnsSchema,
    reset: v.optional(v.boolean()),
    /**
     * With `reset`: fewer rows than the run recorded (a long run's record as min/max buckets,
     * src/panel/minMaxBuckets.ts); a zoomed range is then read from disk (`requestRange`).
     */
    partial: v.optional(v.boolean()),
  }),
  histograms: v.strictObject({ type: v.literal('histograms'), runId: RunIdSchema, rows: v.array(HistogramSliceSchema), reset: v.optional(v.boolean()) }),
  /** null clears the sweep chart. */
  sweep: v.strictObject({ type: v.literal('sweep'), sweep: v.nullable(SweepResultSchema) }),
  /** A short line for the status area (export saved, delete refused, ...). */
  notice: v.strictObject({ type: v.literal('notice'), level: LevelSchema, text: v.string() }),
  /** One scalar tag of an imported run (charted on demand, see watchScalarTags): appended points, or with `reset` every point so far. */
  scalarSeries: v.pipe(
    v.strictObject({ type: v.literal('scalarSeries'), runId: RunIdSchema, tag: TagSchema, steps: f64(), values: f64(), reset: v.boolean() }),
    v.check((m) => m.steps.length === m.values.length, 'expected steps and values of one length'),
  ),
};
export const HostToWebviewSchema = v.variant('type', [...Object.values(hostMessages), ReplySchema]);
export type HostToWebview = v.InferOutput<typeof HostToWebviewSchema>;
export type BackendUpdate = v.InferOutput<typeof hostMessages.backend>;
export type MetricColumnsMessage = v.InferOutput<typeof hostMessages.metricColumns>;
export type HistogramsMessage = v.InferOutput<typeof hostMessages.histograms>;
export type ScalarSeriesMessage = v.InferOutput<typeof hostMessages.scalarSeries>;
export const isHostToWebview = guard(HostToWebviewSchema);

// ---- webview → host ----

export const ExportFormatSchema = v.picklist(['metrics-csv', 'metrics-json', 'histograms-json']);
export type ExportFormat = v.InferOutput<typeof ExportFormatSchema>;
/** A PNG data URL of at most ~24 MB. */
const MAX_DATA_URL = 32 * 1024 * 1024;

/** Rows per run a range request may ask for (a 1,000-pixel chart needs far fewer). */
export const MAX_RANGE_POINTS = 1_000_000;
const StepSchema = v.pipe(v.number(), v.finite());
/**
 * One run's rows with fromStep <= step <= toStep, read from disk at full resolution, or every `stride`-th
 * row when the range holds more than the request's maxPoints. `error` when the run could not be read
 * (columns then empty).
 */
export const RangeColumnsSchema = v.strictObject({
  runId: RunIdSchema,
  fromStep: StepSchema,
  toStep: StepSchema,
  /** 1: every recorded step of the range; k: one row in k. */
  stride: v.pipe(v.number(), v.integer(), v.minValue(1)),
  columns: MetricColumnsSchema,
  error: v.optional(v.string()),
});
export type RangeColumns = v.InferOutput<typeof RangeColumnsSchema>;

/** Requests: each carries a `requestId` and gets one reply (result schemas: WEBVIEW_REQUEST_RESULTS). */
const webviewRequests = {
  /** Send these runs' whole record (metrics and histograms, `reset: true`), read from disk. */
  requestRunData: v.strictObject({ type: v.literal('requestRunData'), requestId: RequestIdSchema, runIds: RunIdListSchema }),
  refreshRuns: v.strictObject({ type: v.literal('refreshRuns'), requestId: RequestIdSchema }),
  /** Delete a run's folder (the host asks the user to confirm). */
  deleteRun: v.strictObject({ type: v.literal('deleteRun'), requestId: RequestIdSchema, runId: RunIdSchema }),
  /** Delete several runs' folders after ONE confirmation (the host asks; live runs are refused). */
  deleteRuns: v.strictObject({ type: v.literal('deleteRuns'), requestId: RequestIdSchema, runIds: NonEmptyRunIdListSchema }),
  /** Export these runs' data from disk through a save dialog. */
  exportData: v.strictObject({ type: v.literal('exportData'), requestId: RequestIdSchema, format: ExportFormatSchema, runIds: NonEmptyRunIdListSchema }),
  /** Save a chart as PNG through a save dialog. `dataUrl` is `data:image/png;base64,...`. */
  /**
   * The dashboard zoomed to steps fromStep..toStep and does not hold these runs there at full resolution:
   * their metric rows in that range, read from disk, at most `maxPoints` per run.
   */
  requestRange: v.pipe(
    v.strictObject({
      type: v.literal('requestRange'),
      requestId: RequestIdSchema,
      runIds: NonEmptyRunIdListSchema,
      fromStep: StepSchema,
      toStep: StepSchema,
      maxPoints: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(MAX_RANGE_POINTS)),
    }),
    v.check((m) => m.fromStep <= m.toStep, 'expected fromStep <= toStep'),
  ),
  exportImage: v.strictObject({
    type: v.literal('exportImage'),
    requestId: RequestIdSchema,
    chart: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'expected a chart name')),
    dataUrl: v.pipe(v.string(), v.maxLength(MAX_DATA_URL), v.startsWith('data:image/png;base64,')),
  }),
};

/** What each request's reply holds when it succeeds. */
export const WEBVIEW_REQUEST_RESULTS = {
  /** Runs that could not be sent, with the reason (deleted, unreadable); the others were sent. */
  requestRunData: v.strictObject({ failed: v.array(v.strictObject({ runId: RunIdSchema, error: v.string() })) }),
  refreshRuns: v.null(),
  /** How many runs were deleted (0 when the user declined or nothing could be deleted). */
  deleteRun: v.strictObject({ deleted: v.number() }),
  deleteRuns: v.strictObject({ deleted: v.number() }),
  /** Where the file was saved; null when the save dialog was cancelled. */
  exportData: v.strictObject({ savedTo: v.nullable(v.string()) }),
  exportImage: v.strictObject({ savedTo: v.nullable(v.string()) }),
  /** One entry per asked run, in the order asked. */
  requestRange: v.strictObject({ runs: v.array(RangeColumnsSchema) }),
} satisfies { [K in keyof typeof webviewRequests]: v.GenericSchema };

const webviewNotifications = {
  ready: v.strictObject({ type: v.literal('ready') }),
  /** The runs the dashboard displays: the host forwards live data for these only. */
  shownRuns: v.strictObject({ type: v.literal('shownRuns'), runIds: RunIdListSchema }),
  /** Errors and warnings from the webview, for the RAdam Lab output channel. */
  log: v.strictObject({ type: v.literal('log'), level: LevelSchema, text: v.pipe(v.string(), v.maxLength(10_000)) }),
  /** Chart the imported run's loss from this scalar tag (null: back to the auto-detected tag); the host re-sends the run. */
  chooseLossTag: v.strictObject({ type: v.literal('chooseLossTag'), runId: RunIdSchema, tag: v.nullable(TagSchema) }),
  /** beta2 of an imported run that logs neither rho_t nor beta2 (null: forget it); kept by the host, which re-sends the run. */
  setRunBeta2: v.strictObject({ type: v.literal('setRunBeta2'), runId: RunIdSchema, beta2: v.nullable(Beta2Schema) }),
  /** The scalar tags charted on demand: the host sends them (scalarSeries) for the shown imported runs. */
  watchScalarTags: v.strictObject({ type: v.literal('watchScalarTags'), tags: v.pipe(v.array(TagSchema), v.maxLength(MAX_WATCHED_TAGS)) }),
};
export type ChooseLossTagMessage = v.InferOutput<typeof webviewNotifications.chooseLossTag>;
export type SetRunBeta2Message = v.InferOutput<typeof webviewNotifications.setRunBeta2>;
export type WatchScalarTagsMessage = v.InferOutput<typeof webviewNotifications.watchScalarTags>;

export const WebviewRequestSchema = v.variant('type', Object.values(webviewRequests));
export type WebviewRequest = v.InferOutput<typeof WebviewRequestSchema>;
export type WebviewRequestResults = { [K in WebviewRequest['type']]: v.InferOutput<(typeof WEBVIEW_REQUEST_RESULTS)[K]> };
export const WebviewToHostSchema = v.variant('type', [...Object.values(webviewNotifications), ...Object.values(webviewRequests)]);
export type WebviewToHost = v.InferOutput<typeof WebviewToHostSchema>;
export const isWebviewToHost = guard(WebviewToHostSchema);
/** True for the messages that expect one `reply`. */
export const isWebviewRequest = (msg: WebviewToHost): msg is WebviewRequest => Object.hasOwn(webviewRequests, msg.type);

// ---- helpers ----

/** `n` rows of zeroed columns, each of the type the wire expects (steps and loss float64). */
export function emptyMetricColumns(n: number): MetricColumns {
  const f = () => new Float32Array(n);
  return {
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
}

/** Rows -> columns (the host's bulk path; also handy in tests and the bench). */
export function toMetricColumns(rows: readonly MetricRow[]): MetricColumns {
  const n = rows.length;
  const c = emptyMetricColumns(n);
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
  /** Scalar tags of imported runs charted on demand, in the order they were added. */
  scalarTags?: string[];
}

/** An inclusive range of optimizer steps, from <= to. */
export interface ViewRange {
  from: number;
  to: number;
}
