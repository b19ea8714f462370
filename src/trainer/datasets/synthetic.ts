// What every generated (synthetic) dataset module exports: its shape (src/shared/datasetShapes.ts, known
// to the host without the data) and its generator; index.ts does the split and scaling.
import type { SyntheticShape } from '../../shared/datasetShapes';
import type { Random } from '../random';
import type { Examples } from './split';

export interface SyntheticSet extends SyntheticShape {
  /** Examples when the spec does not say. */
  defaultSamples: number;
  /** All n examples, drawn from `rng` only (so a seed fixes them). */
  generate(n: number, rng: Random): Examples;
}
