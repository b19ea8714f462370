// The parameter updates, written with as few tfjs ops as possible (each op costs ~12 us of fixed
// overhead on tfjs-node and one pass over memory). Scalars are float32 tensors the caller provides
// (cached or uploaded once per step); call inside tidy.
//
// Every intermediate is disposed as soon as the next op has consumed it, instead of at the end of the
// step's tidy: its buffer then goes straight back to the allocator and is handed to the next op's
// output while still in cache, rather than every op of every variable writing to fresh memory.

import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';

/**
 * theta <- theta * decay - k * M / (sqrt(V) + e)             (5 ops, 6 with decay)
 * The optimizer chooses k and e so that this is its adaptive update in terms of the stored (scaled)
 * moments M and V.
 */
export function adaptiveStep(param: Variable, m: Tensor, v: Tensor, k: Scalar, e: Scalar, decay: Scalar | null): void {
  const root = tf.sqrt(v);
  const denom = tf.add(root, e);
  root.dispose();
  const ratio = tf.div(m, denom);
  denom.dispose();
  const direction = tf.mul(ratio, k);
  ratio.dispose();
  assignSub(param, direction, decay);
}

/** param <- param * decay - delta, disposing delta. */
function assignSub(param: Variable, delta: Tensor, decay: Scalar | null): void {
  const base = decay === null ? param : tf.mul(param, decay);
  const next = tf.sub(base, delta);
  delta.dispose();
  if (base !== param) base.dispose();
  param.assign(next);
  next.dispose(); // the variable holds the data now
}

/** stored <- stored + x * gain (the scaled moving average), disposing the product at once. */
export function accumulate(stored: Variable, x: Tensor, gain: Scalar): void {
  const scaled = tf.mul(x, gain);
  const next = tf.add(stored, scaled);
  scaled.dispose();
  stored.assign(next);
  next.dispose();
}

/** stored <- stored * keep + x * gain (textbook moving average, 3 ops). */
export function blend(stored: Variable, keep: Scalar, x: Tensor, gain: Scalar): void {
  const a = tf.mul(stored, keep);
  const b = tf.mul(x, gain);
  const next = tf.add(a, b);
  a.dispose();
  b.dispose();
  stored.assign(next);
  next.dispose();
}

/** theta <- theta * decay - k * M                              (2 ops, 3 with decay) */
export function momentumStep(param: Variable, m: Tensor, k: Scalar, decay: Scalar | null): void {
  assignSub(param, tf.mul(m, k), decay);
}

/** g + wd * theta: L2 regularisation folded into the gradient (2 ops). */
export function l2Gradient(grad: Tensor, param: Tensor, wd: Scalar): Tensor {
  const decay = tf.mul(param, wd);
  const g = tf.add(grad, decay);
  decay.dispose();
  return g;
}
