// Scaled moving averages, the moments of every optimizer here (SlotOptimizer.ema in base.ts). The textbook update m <- beta m + (1 - beta) x costs three elementwise ops
// (mul, mul, add). We store M = m / c instead, where the scale c (a float64 JS number per slot) is
// multiplied by beta every step; then m_t = beta m + (1 - beta) x becomes
//     M <- M + ((1 - beta) / c_t) x,   c_t = beta c_{t-1}
// i.e. two ops (mul, add), and the scale is folded into the per-step scalars of the parameter update,
// which multiply the moments anyway. When c falls below 2^-30 the slot is renormalised (M <- c M, c <- 1:
// one extra pass every ~200 steps for beta = 0.9, every ~21000 for 0.999). getWeights renormalises first,
// so saved moments are always the true m and v. Betas <= 0.5 (where this would renormalise too often)
// use the textbook form.

import type { Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { Slot } from './base';
import { accumulate, blend } from './kernels';
import type { ConstantScalars, StepScalars } from './scalars';

/** Below this scale a scaled moment is renormalised before its next update. */
const MIN_SCALE = 2 ** -30;
/** Betas at or below this use the textbook (unscaled) moving average. */
const SCALED_MIN_BETA = 0.5;

/** true <- beta * true + (1 - beta) * x for slot tensor `i`, stored as true / scale (see above). */
export function scaledEma(slot: Slot, i: number, beta: number, x: Tensor, sc: StepScalars, consts: ConstantScalars): void {
  const stored = slot.tensors[i];
  if (beta <= SCALED_MIN_BETA) {
    blend(stored, consts.get(`beta:${beta}`, beta), x, consts.get(`1-beta:${beta}`, 1 - beta));
    return;
  }
  let scale = slot.scales[i];
  if (scale * beta < MIN_SCALE) {
    const normal = tf.mul(stored, sc.get(scale));
    stored.assign(normal);
    normal.dispose();
    scale = 1;
  }
  scale *= beta;
  slot.scales[i] = scale;
  accumulate(stored, x, sc.get((1 - beta) / scale));
}

/** Make every slot tensor hold its true value (scale 1): before saving, so saved moments are m and v. */
export function renormalizeSlots(slots: readonly Slot[]): void {
  tf.tidy(() => {
    for (const slot of slots) {
      slot.scales.forEach((scale, i) => {
        if (scale !== 1) {
          slot.tensors[i].assign(tf.mul(slot.tensors[i], tf.scalar(scale)));
          slot.scales[i] = 1;
        }
      });
    }
  });
}
