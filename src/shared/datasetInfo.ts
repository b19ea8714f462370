// What a dataset is, as the trainer loads it and the host describes it: plain JavaScript (no tensors),
// deterministic for a seed, cheap to hash and to test. The engine uploads them to the backend once per run.
import type { DatasetSpec } from '../runSpec/runSpec';

export type Task = 'classification' | 'regression';

export interface Split {
  /** Row-major features, n * featureSize entries. */
  x: Float32Array;
  /**
   * Classification: class index per example (stored as float); sequence sets: `sequence.length` class
   * indices per example (one per position). Regression: n * outputSize targets.
   */
  y: Float32Array;
  n: number;
}

export interface DatasetInfo {
  name: DatasetSpec['name'];
  task: Task;
  /** Shape of one example, e.g. [2] for 2-D points, [28, 28, 1] for digits. */
  inputShape: number[];
  /** Classification: number of classes. Regression: number of targets. */
  outputSize: number;
  /** Column names for csv, for display. */
  featureNames?: string[];
  /** Class names (csv labels) for display. */
  classNames?: string[];
  /**
   * Set when features were standardised: x' = (x - mean) / std per feature, with mean/std taken from the
   * train split only (so validation stays unseen). Lets a view map points back to data units.
   */
  featureScaling?: Scaling;
  /** Set when regression targets were standardised the same way (csv regression): losses are in std units. */
  targetScaling?: Scaling;
  /**
   * Set for token-sequence sets (reverse, sort, copy-shift): x holds `length` token ids in
   * 0..vocabulary-1 per example, y one target class per position; models output [batch, length, outputSize].
   */
  sequence?: { length: number; vocabulary: number };
}

/** Per-column affine scaling: scaled = (raw - mean) / std. */
export interface Scaling {
  mean: number[];
  std: number[];
}

export interface Dataset {
  info: DatasetInfo;
  train: Split;
  validation: Split;
}

/** A bad input file: names the file, and line/column (1-based) where known. */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}
