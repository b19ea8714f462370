// Three interleaved spiral arms (the CS231n toy problem): not linearly separable, so a linear model
// fails and a small MLP needs a few hundred steps, which makes optimizer differences visible.
import { SPIRAL_ARMS, SYNTHETIC_SHAPES } from '../../shared/datasetShapes';
import type { Random } from '../random';
import type { SyntheticSet } from './synthetic';

export { SPIRAL_ARMS };
/** Std of the Gaussian jitter added to each point's angle (radians). */
export const SPIRAL_NOISE = 0.2;
/** Radians an arm turns from the centre to its tip. */
const TURN = 4;

export const spiral: SyntheticSet = {
  ...SYNTHETIC_SHAPES.spiral,
  defaultSamples: 600,
  generate(n: number, rng: Random) {
    const x = new Float32Array(n * 2);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Round-robin over arms keeps classes balanced (within one example) for any n.
      const k = i % SPIRAL_ARMS;
      const r = rng.next(); // distance from the centre, 0..1
      const t = (2 * Math.PI * k) / SPIRAL_ARMS + TURN * r + rng.normal(0, SPIRAL_NOISE);
      x[2 * i] = r * Math.sin(t);
      x[2 * i + 1] = r * Math.cos(t);
      y[i] = k;
    }
    return { x, y, n, featureSize: 2, targetSize: 1 };
  },
};
