// The parameter updates, written with as few tfjs ops as possible (each op costs ~12 us of fixed
// overhead on tfjs-node and one pass over memory). Scalars are float32 tensors the caller provides
// (cached or uploaded once per step); call inside tidy.

import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';

/**
 * theta <- theta * decay - k * M / (sqrt(V) + e)             (5 ops, 6 with decay)
 * The optimizer chooses k and e so that this is its adaptive update in terms of the stored (scaled)
 * moments M and V.
 */
export function adaptiveStep(param: Variable, m: Tensor, v: Tensor, k: Scalar, e: Scalar, decay: Scalar | null): void {
  const direction = tf.mul(tf.div(m, tf.add(tf.sqrt(v), e)), k);
  param.assign(tf.sub(decay === null ? param : tf.mul(param, decay), direction));
}

/** theta <- theta * decay - k * M                              (2 ops, 3 with decay) */
export function momentumStep(param: Variable, m: Tensor, k: Scalar, decay: Scalar | null): void {
  param.assign(tf.sub(decay === null ? param : tf.mul(param, decay), tf.mul(m, k)));
}

/** theta <- theta * decay                                       (1 op) */
export function decayOnly(param: Variable, decay: Scalar): void {
  param.assign(tf.mul(param, decay));
}

/** g + wd * theta: L2 regularisation folded into the gradient (2 ops). */
export function l2Gradient(grad: Tensor, param: Tensor, wd: Scalar): Tensor {
  return tf.add(grad, tf.mul(param, wd));
}
