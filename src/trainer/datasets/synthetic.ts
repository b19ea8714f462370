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

/**
 * n labelled points in the plane, the classes taken round-robin (balanced within one example for any n):
 * `point(k, rng)` draws one point of class k. The 2-D classification sets (spiral, moons, xor) differ
 * only in that function.
 */
export function planarClasses(n: number, classes: number, rng: Random, point: (k: number, rng: Random) => [number, number]): Examples {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    const [px, py] = point(k, rng);
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = k;
  }
  return { x, y, n, featureSize: 2, targetSize: 1 };
}
