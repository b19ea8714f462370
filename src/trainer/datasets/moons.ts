// Two interleaving half circles (as scikit-learn's make_moons): a curved boundary, quick to learn.
import { SYNTHETIC_SHAPES } from '../../shared/datasetShapes';
import type { Random } from '../random';
import { planarClasses, type SyntheticSet } from './synthetic';

/** Std of the Gaussian noise added to both coordinates. */
export const MOONS_NOISE = 0.1;

export const moons: SyntheticSet = {
  ...SYNTHETIC_SHAPES.moons,
  defaultSamples: 600,
  generate(n: number, rng: Random) {
    return planarClasses(n, 2, rng, (k) => {
      const t = rng.uniform(0, Math.PI);
      // Upper moon: (cos t, sin t). Lower moon: shifted right by 1 and down by 0.5, opening upwards.
      const px = k === 0 ? Math.cos(t) : 1 - Math.cos(t);
      const py = k === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      return [px + rng.normal(0, MOONS_NOISE), py + rng.normal(0, MOONS_NOISE)];
    });
  },
};
