// The state of one run while its comparison trains, and the data every run of the comparison shares.
// Set up by comparisonSetup.ts, stepped by lockstepStep.ts, ended by runEnding.ts: each of them receives
// these objects as arguments (engine.ts passes them along), none keeps its own copy.
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { SlotOptimizer } from '../optim';
import type { SummaryTracker } from '../runs/summary';
import type { RunWriter } from '../runs/writer';
import type { RunSpec } from '../runSpec/runSpec';
import type { BackendHistogram } from './histogram';
import type { RunMetricsBatch } from './stream';

/** One run of the comparison while it trains. */
export interface ActiveRun {
  index: number;
  spec: RunSpec;
  writer: RunWriter;
  model: LayersModel;
  /** The model's trainable variables (model.trainableWeights order). */
  vars: Variable[];
  /** Set when the model trains through a native step (nativeMlp.ts, ...): its flat variable is then the one being trained. */
  native: NativeModel | null;
  /** What the optimizer updates: [native.params] on the native path, else `vars`. */
  params: Variable[];
  optimizer: SlotOptimizer;
  summary: SummaryTracker;
  histogram: BackendHistogram | null;
  /** Layer names and the layer index of each variable, for per-layer histograms (null when off). */
  layers: LayerGroups | null;
  done: boolean;
  /** Last step whose metrics line is on disk. */
  stepOnDisk: number;
}

export interface LayerGroups {
  names: string[];
  groupOf: number[];
}

/** A hand-written native training step over one flat parameter variable (nativeMlp.ts, nativeTransformer.ts, nativeCnn.ts). */
export interface NativeModel {
  readonly params: Variable;
  /** Entries of each parameter tensor, model.trainableWeights order (the pieces of params). */
  readonly sizes: readonly number[];
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor };
  /**
   * A whole training step, the update included (graph steps with fused updates: graphStep.ts), or null
   * when the caller must step as usual (lossAndGradient, then the optimizer's applyGradients).
   */
  trainStep?(x: Tensor, y: Tensor, optimizer: SlotOptimizer): { loss: Scalar; gradient: Tensor } | null;
  predict(x: Tensor): Tensor;
  dispose(): void;
}

/** The dataset as tensors, uploaded once per comparison. */
export interface TrainingData {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal: Tensor | null;
  yVal: Tensor | null;
  valN: number;
}

/** The run of `runId`, if it is one of `runs`. */
export function runWithId(runs: readonly ActiveRun[], runId: string): ActiveRun | undefined {
  return runs.find((r) => r.writer?.record.id === runId);
}

/** Records which step of each run reached the disk (for the reason of a later write failure). */
export function noteStepsOnDisk(runs: readonly ActiveRun[], batches: readonly RunMetricsBatch[]): void {
  for (const b of batches) {
    const last = b.metrics[b.metrics.length - 1];
    const run = runWithId(runs, b.runId);
    if (run && last) run.stepOnDisk = last.step;
  }
}
