// The run spec: a plain, serialisable description of one training run, and of a comparison (several
// runs that share data, model, initial weights and batch order and differ only by optimizer/schedule).
//
// Data flow: workspace settings (radam.*) --> ComparisonSpec --> trainer process / CLI --> runs on disk.
// The same JSON can be given to `radam-lab train --spec run.json`.
import type { OptimizerSpec } from '../optim/types';

export type DatasetName = 'spiral' | 'moons' | 'xor' | 'sine' | 'digits' | 'csv' | SequenceDatasetName;
/** Synthetic token-sequence tasks (per-token classification), for the `transformer` model. */
export type SequenceDatasetName = 'reverse' | 'sort' | 'copy-shift';
export const SEQUENCE_DATASETS: readonly SequenceDatasetName[] = ['reverse', 'sort', 'copy-shift'];
export type ModelName = 'mlp' | 'cnn' | 'transformer';
/** Where the transformer's layer norms sit: after each residual sum (the original and the paper's) or before each sublayer. */
export type TransformerNorm = 'post' | 'pre';
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'gelu';

export interface DatasetSpec {
  name: DatasetName;
  /** Fraction of the examples held out for validation, in [0, 0.9]. */
  validationSplit: number;
  /** Number of examples to generate for synthetic sets / to take from digits (default per dataset). */
  samples?: number;
  /** csv only: path of the file, relative to the workspace folder (must stay inside it). */
  csvPath?: string;
  /** csv only: header name (or 0-based index as a string) of the label column. */
  csvLabelColumn?: string;
  /** Sequence sets only (reverse, sort, copy-shift): tokens per sequence (default 12). */
  sequenceLength?: number;
  /** Sequence sets only: number of distinct tokens (default 16). */
  vocabularySize?: number;
  /** copy-shift only: the target at position i is the input at position (i - shift) mod length (default 1). */
  shift?: number;
}

export interface ModelSpec {
  name: ModelName;
  /** mlp: sizes of the hidden layers, e.g. [64, 64]. */
  hiddenLayers: number[];
  activation: Activation;
  // transformer only (all optional; defaults and limits: TRANSFORMER_DEFAULTS in src/trainer/models/fit.ts):
  /** Encoder layers, 1-6 (default 2). */
  layers?: number;
  /** Width of the residual stream (default 64); a multiple of `heads`. */
  dModel?: number;
  /** Attention heads (default 4). */
  heads?: number;
  /** Hidden width of each feed-forward sublayer (default 4 * dModel). */
  ffDim?: number;
  /** 'post' (default; the paper's setting) or 'pre' layer norm. */
  norm?: TransformerNorm;
  /** Causal self-attention: position i attends to positions <= i only (default false). */
  causal?: boolean;
}

export interface MetricOptions {
  /** Record a gradient-magnitude histogram every N optimizer steps (0 = never). */
  histogramEvery: number;
  /** Number of log|g| bins between histogramRange[0] and [1]. */
  histogramBins: number;
  /** Natural-log range of the bins; the paper's figures span about e^-20 .. e^0. */
  histogramRange: [number, number];
  /** Also record one histogram per layer. */
  perLayerHistograms: boolean;
  /** Evaluate validation loss/accuracy every N steps (0 = only at the end). */
  validationEvery: number;
  /**
   * Compute the global gradient norm and the update-to-parameter ratio every N optimizer steps, and on
   * every histogram step; other steps record null (1 = every step, 0 = only on histogram steps).
   * Why not every step by default: they cost 4 backend ops and 4 passes over memory per parameter tensor,
   * 8-12% of a step measured on both a 2-64-64-3 and a 784-256-256-10 MLP, against a budget of 3% for all
   * watching (bench/training.bench.mjs). Optional; default DEFAULT_METRICS.normsEvery.
   */
  normsEvery?: number;
}

export interface RunSpec {
  /** Human label shown in the dashboard legend, e.g. "RAdam" or "Adam, warmup 500". */
  label: string;
  optimizer: OptimizerSpec;
  dataset: DatasetSpec;
  model: ModelSpec;
  steps: number;
  batchSize: number;
  seed: number;
  metrics: MetricOptions;
}

export type ComparisonKind = 'single' | 'compare-adam' | 'compare-warmup' | 'lr-sweep';

/** Runs started together. All share dataset, model, seed, steps and batch size (checked by validateComparison). */
export interface ComparisonSpec {
  kind: ComparisonKind;
  runs: RunSpec[];
}

export const DEFAULT_METRICS: MetricOptions = {
  histogramEvery: 10,
  histogramBins: 60,
  histogramRange: [-20, 0],
  perLayerHistograms: false,
  validationEvery: 50,
  normsEvery: 10,
};
