// 1-D regression: y = sin(x) + noise over two periods. The one regression task among the built-ins,
// so the loss is mean squared error; the noise floor (std 0.1 -> MSE ~0.01) shows when fitting is done.
import { SYNTHETIC_SHAPES } from '../../shared/datasetShapes';
import type { Random } from '../random';
import type { SyntheticSet } from './synthetic';

/** Std of the Gaussian noise on y. */
export const SINE_NOISE = 0.1;
/** x is drawn uniformly from [-RANGE, RANGE]: two full periods. */
export const SINE_RANGE = 2 * Math.PI;

export const sine: SyntheticSet = {
  ...SYNTHETIC_SHAPES.sine,
  defaultSamples: 400,
  generate(n: number, rng: Random) {
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = rng.uniform(-SINE_RANGE, SINE_RANGE);
      x[i] = v;
      y[i] = Math.sin(v) + rng.normal(0, SINE_NOISE);
    }
    return { x, y, n, featureSize: 1, targetSize: 1 };
  },
};
