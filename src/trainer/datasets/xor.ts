// Noisy XOR: points in the square [-1, 1]^2, class 1 where the two coordinates have opposite signs.
// The classic problem a single linear layer cannot solve.
import { SYNTHETIC_SHAPES } from '../../shared/datasetShapes';
import type { Random } from '../random';
import { planarClasses, type SyntheticSet } from './synthetic';

/**
 * Std of the Gaussian jitter added after labelling: points near the axes drift across them, so some
 * labels are "wrong" for their position and 100% accuracy is out of reach, as with real data.
 */
export const XOR_NOISE = 0.1;

export const xor: SyntheticSet = {
  ...SYNTHETIC_SHAPES.xor,
  defaultSamples: 600,
  generate(n: number, rng: Random) {
    // The point is uniform within its class's quadrants.
    return planarClasses(n, 2, rng, (k) => {
      const a = rng.uniform(-1, 1);
      const b = (a < 0 === (k === 0) ? -1 : 1) * rng.next();
      return [a + rng.normal(0, XOR_NOISE), b + rng.normal(0, XOR_NOISE)];
    });
  },
};
