// Scalar operands without a tensor upload per JS number per op.
//
// On tfjs-node every op costs ~12 us of fixed overhead and every JS number passed as an operand is
// uploaded as a fresh scalar tensor (~6 us more). Two remedies:
//  - ConstantScalars: long-lived scalars kept across steps, keyed by role, re-created only when the value
//    changes (1 - beta1, weight decay factors, ...).
//  - StepScalars: a per-step memo, so a value shared by all variables is uploaded once per step, not once
//    per variable. Created inside the step's tidy; tidy disposes them.

import type { Scalar } from '@tensorflow/tfjs';
import { tf } from '../tf';

export class ConstantScalars {
  private readonly cache = new Map<string, { value: number; tensor: Scalar }>();

  /** A kept float32 scalar holding `value`, reused while the value of `role` stays the same. */
  get(role: string, value: number): Scalar {
    const hit = this.cache.get(role);
    if (hit !== undefined && Object.is(hit.value, value)) return hit.tensor;
    if (hit !== undefined) hit.tensor.dispose();
    const tensor = tf.keep(tf.scalar(value, 'float32'));
    this.cache.set(role, { value, tensor });
    return tensor;
  }

  get size(): number {
    return this.cache.size;
  }

  dispose(): void {
    for (const { tensor } of this.cache.values()) tensor.dispose();
    this.cache.clear();
  }
}

export class StepScalars {
  private readonly memo = new Map<number, Scalar>();

  /** A float32 scalar for `value`, shared by every use with the same value during this step. */
  get(value: number): Scalar {
    let s = this.memo.get(value);
    if (s === undefined) {
      s = tf.scalar(value, 'float32');
      this.memo.set(value, s);
    }
    return s;
  }
}
