// Noisy XOR: points in the square [-1, 1]^2, class 1 where the two coordinates have opposite signs.
// The classic problem a single linear layer cannot solve.
import { SYNTHETIC_SHAPES } from '../../shared/datasetShapes';
import type { Random } from '../random';
import type { SyntheticSet } from './synthetic';

/**
 * Std of the Gaussian jitter added after labelling: points near the axes drift across them, so some
 * labels are "wrong" for their position and 100% accuracy is out of reach, as with real data.
 */
export const XOR_NOISE = 0.1;

export const xor: SyntheticSet = {
  ...SYNTHETIC_SHAPES.xor,
  defaultSamples: 600,
  generate(n: number, rng: Random) {
    const x = new Float32Array(n * 2);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Round-robin over the classes keeps them balanced; the point is uniform within its class's quadrants.
      const k = i % 2;
      const a = rng.uniform(-1, 1);
      const b = (a < 0 === (k === 0) ? -1 : 1) * rng.next();
      y[i] = k;
      x[2 * i] = a + rng.normal(0, XOR_NOISE);
      x[2 * i + 1] = b + rng.normal(0, XOR_NOISE);
    }
    return { x, y, n, featureSize: 2, targetSize: 1 };
  },
};
