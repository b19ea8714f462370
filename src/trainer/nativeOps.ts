// Sums of squares for the per-step norms, at one backend op per tensor.
//
// On tfjs-node every op costs ~12 us of fixed overhead whatever its size, so the metrics the engine adds
// to a step are counted in ops. TensorFlow's L2Loss computes sum(x^2) / 2 in ONE op, where tfjs offers
// tf.sum(tf.square(x)) (two ops, and a temporary the size of x). tfjs does not expose L2Loss, so on the
// native backend we call it through the backend's own op dispatcher (the path tfjs-node's kernels use);
// the result is an ordinary tensor tracked by tidy. Any other backend gets the two-op form.
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';

interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: Array<{ name: string; type: number; value: unknown }>, inputs: Tensor[]): Tensor;
}

function nativeBackend(): NativeBackend | null {
  const b = tf.backend() as unknown as Partial<NativeBackend>;
  return tf.getBackend() === 'tensorflow' && typeof b.executeSingleOutput === 'function' && b.binding ? (b as NativeBackend) : null;
}

let native: NativeBackend | null | undefined;
let floatAttr: Array<{ name: string; type: number; value: unknown }> = [];

/** sum(x^2) / 2 of a float32 tensor, as a scalar tensor (call inside tidy). */
export function halfSumOfSquares(x: Tensor): Scalar {
  if (native === undefined) {
    native = nativeBackend();
    if (native) floatAttr = [{ name: 'T', type: native.binding.TF_ATTR_TYPE, value: native.binding.TF_FLOAT }];
  }
  if (native) return native.executeSingleOutput('L2Loss', floatAttr, [x]) as Scalar;
  return tf.mul(tf.sum(tf.square(x)), 0.5) as Scalar;
}

/** Forget the cached backend (tests that switch backends). */
export function resetReductions(): void {
  native = undefined;
}
