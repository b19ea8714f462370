// The on-disk run format: a public contract shared by the trainer (writes), the extension host (lists,
// shows, deletes, exports), the dashboard and the CLI (read). Plain JSON, no tfjs, no vscode.
//
//   <workspace>/.radam/runs/<run-id>/
//     run.json          RunRecord: spec, status, start/end, backend, pid, comparison, summary, reason
//     metrics.jsonl     one MetricRecord per optimizer step, appended as training goes
//     histograms.jsonl  one HistogramRecord every `metrics.histogramEvery` steps (without `edges`
//                       since the binary files came: readers derive them from lo, hi and bins)
//     metrics.f64, histograms.f64   the same rows as fixed-width binary (columnar.ts), for opening long
//                       runs fast; absent in older runs, removed when a write to them fails
//
// Lines are appended whole ("...}\n"): a write the disk refuses in part is cut back to the last whole
// line (writer.ts); a process killed mid-write can still leave a truncated last line, which readers
// skip and count (reader.ts). run.json is replaced atomically (write to a temp file, rename), or in
// place when the folder refuses a new file. `.reserve` (64 KiB) exists only while a run trains.
import * as v from 'valibot';
import { numOrNull } from '../protocol/check';
import type { ComparisonKind, RunSpec } from '../runSpec/runSpec';

/** Bumped when a field changes meaning; readers accept any version <= theirs. */
export const RUN_FORMAT_VERSION = 1;

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const HISTOGRAMS_FILE = 'histograms.jsonl';
/** Space set aside while a run trains so its final run.json fits on a full disk; deleted at its end. */
export const RESERVE_FILE = '.reserve';

/** The TF_* variables the process had when tfjs-node loaded; null where unset (TensorFlow's default). */
export const TfThreadSettingsSchema = v.strictObject({
  /** TF_NUM_INTRAOP_THREADS: threads one op may use (TensorFlow's default: one per core). */
  intraOp: v.nullable(v.number()),
  /** TF_NUM_INTEROP_THREADS: ops run at once (in a graph step; eager ops from tfjs run one at a time anyway). */
  interOp: v.nullable(v.number()),
  /** TF_ENABLE_ONEDNN_OPTS: oneDNN kernels on (TensorFlow's default on x86) or off. */
  oneDnnOpts: v.nullable(v.boolean()),
});
export type TfThreadSettings = v.InferOutput<typeof TfThreadSettingsSchema>;

/** TensorFlow.js backend of the process that trained the run. */
export const RunBackendSchema = v.strictObject({
  /** tf.getBackend(): 'tensorflow' (native) or 'cpu' (pure-JS fallback). */
  name: v.string(),
  native: v.boolean(),
  warning: v.optional(v.string()),
  tfjsVersion: v.optional(v.string()),
  /** TensorFlow's thread settings in the training process (src/shared/threads.ts); absent in older runs. */
  threads: v.optional(TfThreadSettingsSchema),
});
export type RunBackend = v.InferOutput<typeof RunBackendSchema>;

/** What the run trained on, for display without reloading the dataset. */
export const RunDatasetSummarySchema = v.strictObject({
  task: v.picklist(['classification', 'regression']),
  inputShape: v.array(v.number()),
  outputSize: v.number(),
  trainExamples: v.number(),
  validationExamples: v.number(),
});
export type RunDatasetSummary = v.InferOutput<typeof RunDatasetSummarySchema>;

export const RunSummarySchema = v.strictObject({
  /** Optimizer steps completed (the last `step` in metrics.jsonl). */
  steps: v.number(),
  /** Training loss of the last completed step (null if none). */
  finalLoss: numOrNull(),
  minLoss: numOrNull(),
  /** Validation loss/accuracy of the last evaluation (accuracy null for regression). */
  finalValLoss: numOrNull(),
  finalValAccuracy: numOrNull(),
  /** Wall-clock time from the first step to the end, in milliseconds. */
  wallMs: v.number(),
  /** Training examples per second over the run (all runs of a lockstep comparison share the time). */
  samplesPerSecond: v.number(),
  /**
   * CPU time (user + system, all threads) the trainer process spent over the same span; shared by the
   * runs of a lockstep comparison. Absent when rebuilt from metrics.jsonl after a crash.
   */
  cpuMs: v.optional(v.number()),
});
export type RunSummary = v.InferOutput<typeof RunSummarySchema>;

const plainObject = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * run.json. Strict like every schema here: a key this version does not know is a problem named by its
 * path (a writer that adds a field bumps RUN_FORMAT_VERSION, which readers check first). `spec` is the
 * RunSpec the run was started with, checked as an object here: its fields are the run spec's schema's
 * business (src/runSpec/), and a run keeps the spec it was written with.
 */
export const RunRecordSchema = v.strictObject({
  format: v.number(),
  id: v.string(),
  /** Runs started together share a comparison id (and initial weights and batch order). */
  comparisonId: v.string(),
  comparisonKind: v.custom<ComparisonKind>((x) => typeof x === 'string', 'expected a comparison kind'),
  /** Position of this run in its comparison (0-based). */
  index: v.number(),
  label: v.string(),
  spec: v.custom<RunSpec>(plainObject, 'expected a run spec object'),
  /** `running` only while a trainer owns the run; every other status is final. */
  status: v.picklist(['running', 'finished', 'stopped', 'failed', 'diverged']),
  /** ISO 8601 times. `endedAt` is null while running. */
  startedAt: v.string(),
  endedAt: v.nullable(v.string()),
  backend: RunBackendSchema,
  /** Process that trained the run (the trainer child, or the CLI). */
  pid: v.number(),
  /**
   * Identity of that process beyond its pid (Linux: "<boot id>/<start time in clock ticks>"), so a pid
   * reused by another process is not taken for the trainer (src/runs/liveness.ts). Absent in older runs.
   */
  processStart: v.optional(v.string()),
  /** Number of trainable parameters of the model. */
  parameters: v.number(),
  dataset: RunDatasetSummarySchema,
  /** Set when the run ended (any final status); partial for stopped/failed/diverged runs. */
  summary: v.nullable(RunSummarySchema),
  /** Why a run failed, diverged or was stopped (human-readable). */
  reason: v.optional(v.string()),
  /** diverged: the step whose loss was NaN or infinite (no metrics line is written for it). */
  divergedAtStep: v.optional(v.number()),
});
export type RunRecord = v.InferOutput<typeof RunRecordSchema>;
export type RunStatus = RunRecord['status'];
export const FINAL_STATUSES: readonly RunStatus[] = ['finished', 'stopped', 'failed', 'diverged'];

/** One line of metrics.jsonl: what happened at one optimizer step (a step whose loss is not finite ends the run as diverged and is not written). */
export const MetricRecordSchema = v.strictObject({
  /** Optimizer step t: 1 for the first update. The loss is that of the batch the update was computed on. */
  step: v.number(),
  loss: v.number(),
  /** Learning rate used at this step, after the schedule. */
  lr: v.number(),
  /** RAdam's rho_t (null for other optimizers). */
  rhoT: numOrNull(),
  /** RAdam's r_t; null when not rectified (and for other optimizers). */
  rT: numOrNull(),
  /** RAdam: whether the rectified (adaptive) update was used; null for other optimizers. */
  rectified: v.nullable(v.boolean()),
  /** The scalar the update direction was multiplied by (see src/optim/types.ts StepInfo). */
  effectiveStepSize: v.number(),
  /** Global L2 norm of the gradient over all parameters; null on steps where norms were not computed. */
  gradNorm: numOrNull(),
  /** ||theta_t - theta_{t-1}|| / ||theta_{t-1}||; null on steps where norms were not computed. */
  updateRatio: numOrNull(),
  /** Present on steps where the validation set was evaluated. */
  valLoss: v.optional(v.number()),
  /** Present with valLoss for classification tasks. */
  valAccuracy: v.optional(v.number()),
  /** Milliseconds since the run's first step began (wall clock). */
  ms: v.number(),
});
export type MetricRecord = v.InferOutput<typeof MetricRecordSchema>;

export const LayerHistogramSchema = v.strictObject({
  /** Layer (or variable) name as in the model. */
  name: v.string(),
  counts: v.array(v.number()),
  zeros: v.number(),
  total: v.number(),
});
export type LayerHistogram = v.InferOutput<typeof LayerHistogramSchema>;

/**
 * One line of histograms.jsonl: counts of ln|g| over all gradient entries at `step`.
 * Bin i covers [edges[i], edges[i+1]) in natural-log units, edges[i] = lo + i (hi - lo) / bins; the first
 * bin also holds everything below lo, the last everything at or above hi. Exact zeros are counted apart.
 * sum(counts) + zeros === total (the number of gradient entries).
 * Lines written since the binary side files came carry no `edges` (docs/run-format.md); older ones do.
 */
const histogramEntries = {
  step: v.number(),
  lo: v.number(),
  hi: v.number(),
  bins: v.number(),
  counts: v.array(v.number()),
  zeros: v.number(),
  total: v.number(),
  /** Present when perLayerHistograms is on: the same counts split by layer. */
  layers: v.optional(v.array(LayerHistogramSchema)),
};
export const HistogramLineSchema = v.strictObject({ ...histogramEntries, edges: v.optional(v.array(v.number())) });
export type HistogramLine = v.InferOutput<typeof HistogramLineSchema>;

/** A histogram in memory (the trainer's messages, and lines after the reader's withEdges): edges always set. */
export const HistogramRecordSchema = v.pipe(
  v.strictObject({ ...histogramEntries, edges: v.array(v.number()) }),
  v.check((h) => h.edges.length === h.counts.length + 1, 'expected edges.length === counts.length + 1'),
);
export type HistogramRecord = v.InferOutput<typeof HistogramRecordSchema>;

/** Bin edges (natural-log units) of a histogram with `bins` bins over [lo, hi]. */
export function histogramEdges(lo: number, hi: number, bins: number): number[] {
  const w = (hi - lo) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * w));
}
