// Shared plumbing for every dataset: the train/validation split and feature standardisation.
import { Random } from '../random';
import { DatasetError, type Scaling, type Split } from '../../shared/datasetInfo';

/** All examples of a dataset before the split, row-major. */
export interface Examples {
  x: Float32Array;
  /** Class index per example (classification) or targetSize values per example (regression). */
  y: Float32Array;
  n: number;
  featureSize: number;
  targetSize: number;
}

/** Largest validation fraction accepted; beyond it too little is left to train on. */
export const MAX_VALIDATION_SPLIT = 0.9;

export function checkValidationSplit(v: number): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= MAX_VALIDATION_SPLIT)) {
    throw new DatasetError(`validationSplit must be a number in [0, ${MAX_VALIDATION_SPLIT}], got ${v}`);
  }
}

/**
 * Deterministic split: a seeded permutation, the first round(n * fraction) examples to validation, the
 * rest to train (so train is also in shuffled order). The split has its own random stream, so the same
 * seed gives the same data points whatever the fraction.
 */
export function splitExamples(ex: Examples, fraction: number, seed: number): { train: Split; validation: Split } {
  checkValidationSplit(fraction);
  let nVal = Math.round(ex.n * fraction);
  if (fraction > 0 && nVal === 0 && ex.n > 1) nVal = 1; // a requested validation set is never empty
  if (nVal >= ex.n) nVal = ex.n - 1; // and train keeps at least one example
  if (nVal < 0) nVal = 0;
  const order = new Random(seed, 'split').permutation(ex.n);
  return {
    validation: gather(ex, order.subarray(0, nVal)),
    train: gather(ex, order.subarray(nVal)),
  };
}

/** Rows `idx` of `ex`, copied into a fresh Split. */
export function gather(ex: Examples, idx: ArrayLike<number>): Split {
  const { featureSize: f, targetSize: t } = ex;
  const n = idx.length;
  const x = new Float32Array(n * f);
  const y = new Float32Array(n * t);
  for (let i = 0; i < n; i++) {
    const r = idx[i];
    x.set(ex.x.subarray(r * f, (r + 1) * f), i * f);
    y.set(ex.y.subarray(r * t, (r + 1) * t), i * t);
  }
  return { x, y, n };
}

/**
 * Per-column mean and std of `data` (n rows of `width`), in float64. A constant column gets std 1 so it
 * maps to 0 instead of NaN.
 */
export function columnStats(data: Float32Array, n: number, width: number): Scaling {
  const mean = new Array<number>(width).fill(0);
  const sq = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] += data[i * width + j];
  for (let j = 0; j < width; j++) mean[j] = n > 0 ? mean[j] / n : 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < width; j++) {
      const d = data[i * width + j] - mean[j];
      sq[j] += d * d;
    }
  const std = sq.map((s) => {
    const v = n > 0 ? Math.sqrt(s / n) : 0;
    return v > 1e-12 ? v : 1;
  });
  return { mean, std };
}

/** Applies (v - mean) / std in place, column by column. */
export function applyScaling(data: Float32Array, n: number, width: number, s: Scaling): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < width; j++) data[i * width + j] = (data[i * width + j] - s.mean[j]) / s.std[j];
}

/**
 * Standardises features with statistics of the train split only: the validation set must not leak into
 * what the model sees, or validation loss would be optimistic.
 */
export function standardizeFeatures(train: Split, validation: Split, featureSize: number): Scaling {
  const s = columnStats(train.x, train.n, featureSize);
  applyScaling(train.x, train.n, featureSize, s);
  applyScaling(validation.x, validation.n, featureSize, s);
  return s;
}

/** Same for regression targets (csv). */
export function standardizeTargets(train: Split, validation: Split, targetSize: number): Scaling {
  const s = columnStats(train.y, train.n, targetSize);
  applyScaling(train.y, train.n, targetSize, s);
  applyScaling(validation.y, validation.n, targetSize, s);
  return s;
}

/** Resolves `samples` against a default and bounds; errors name the dataset. */
export function sampleCount(name: string, samples: number | undefined, dflt: number, min: number, max: number): number {
  if (samples === undefined || samples === null) return dflt; // null: from JSON, "not set"
  if (!Number.isInteger(samples) || samples < min || samples > max) {
    throw new DatasetError(`${name}: samples must be an integer in [${min}, ${max}], got ${samples}`);
  }
  return samples;
}
