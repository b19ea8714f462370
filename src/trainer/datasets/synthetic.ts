// The shape every generated (synthetic) dataset module exports; index.ts does the split and scaling.
import type { DatasetName } from '../../runSpec/runSpec';
import type { Random } from '../random';
import type { Examples } from './split';
import type { Task } from './types';

export interface SyntheticSet {
  name: DatasetName;
  task: Task;
  /** Features per example (all synthetic sets are flat vectors). */
  featureSize: number;
  /** Classes (classification) or targets (regression). */
  outputSize: number;
  /** Examples when the spec does not say. */
  defaultSamples: number;
  featureNames: string[];
  classNames?: string[];
  /** All n examples, drawn from `rng` only (so a seed fixes them). */
  generate(n: number, rng: Random): Examples;
}
