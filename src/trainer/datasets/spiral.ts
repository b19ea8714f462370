// Three interleaved spiral arms (the CS231n toy problem): not linearly separable, so a linear model
// fails and a small MLP needs a few hundred steps, which makes optimizer differences visible.
import { SPIRAL_ARMS, SYNTHETIC_SHAPES } from '../../shared/datasetShapes';
import type { Random } from '../random';
import { planarClasses, type SyntheticSet } from './synthetic';

export { SPIRAL_ARMS };
/** Std of the Gaussian jitter added to each point's angle (radians). */
export const SPIRAL_NOISE = 0.2;
/** Radians an arm turns from the centre to its tip. */
const TURN = 4;

export const spiral: SyntheticSet = {
  ...SYNTHETIC_SHAPES.spiral,
  defaultSamples: 600,
  generate(n: number, rng: Random) {
    return planarClasses(n, SPIRAL_ARMS, rng, (k) => {
      const r = rng.next(); // distance from the centre, 0..1
      const t = (2 * Math.PI * k) / SPIRAL_ARMS + TURN * r + rng.normal(0, SPIRAL_NOISE);
      return [r * Math.sin(t), r * Math.cos(t)];
    });
  },
};
