// A few ops the metrics need, dispatched straight to TensorFlow on the native backend.
//
// On tfjs-node every op costs ~12 us of fixed overhead whatever its size, and some tfjs-node kernels are
// composites that cost far more than the TF op they stand for. Measured on this project's machines
// (269k float32 entries, the gradient of an MLP 784-256-256-10):
//   sum(x^2)          tf.sum(tf.square(x)): 2 ops and a temporary    TF L2Loss (= sum/2): 1 op, ~40 us
//   clip(x, lo, hi)   tf.clipByValue: 2 scalar uploads + Minimum +   TF ClipByValue: 1 op, ~45 us
//                     Maximum with broadcasting, ~400 us
//   k * ln(x)         tf.mul(tf.log(x), k): 2 passes                 TF Xlogy(k, x): 1 pass
// tfjs does not expose L2Loss, and its ClipByValue kernel is the composite, so on the native backend we
// call the ops through the backend's own dispatcher (the path tfjs-node's kernels use). Results are
// ordinary tensors, tracked by tidy. Any other backend (the pure-JS fallback) gets the tfjs forms.
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';

export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}
export interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_BOOL: number; TF_ATTR_STRING: number; TF_FLOAT: number; TF_INT32: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], numOutputs: number): Tensor[];
}

let native: NativeBackend | null | undefined;
let floatAttr: OpAttr[] = [];
/** Kept int32 tensors: the shape [-1] and the concat axis 0, uploaded once instead of per call. */
let flatShape: Tensor | null = null;
let axis0: Tensor | null = null;

/** tfjs-node's backend when it is the active one (its ops can be called directly), else null. */
export function nativeBackend(): NativeBackend | null {
  if (native === undefined) {
    const b = tf.backend() as unknown as Partial<NativeBackend>;
    native = tf.getBackend() === 'tensorflow' && typeof b.executeSingleOutput === 'function' && b.binding ? (b as NativeBackend) : null;
    if (native) floatAttr = [{ name: 'T', type: native.binding.TF_ATTR_TYPE, value: native.binding.TF_FLOAT }];
  }
  return native;
}

/** sum(x^2) / 2 of a float32 tensor, as a scalar tensor (call inside tidy). */
export function halfSumOfSquares(x: Tensor): Scalar {
  const b = nativeBackend();
  if (b) return b.executeSingleOutput('L2Loss', floatAttr, [x]) as Scalar;
  return tf.mul<Scalar>(tf.sum(tf.square(x)), 0.5);
}

/** a - b for two float32 tensors of the same shape. */
export function difference(a: Tensor, b: Tensor): Tensor {
  const n = nativeBackend();
  if (n) return n.executeSingleOutput('Sub', floatAttr, [a, b]);
  return tf.sub(a, b);
}

/**
 * All entries of `tensors` in one 1-D float32 tensor (reshape is a view in TF; concat copies once).
 * tfjs's reshape and concat upload their shape / axis as a new tensor on every call; these are cached.
 */
export function flattenConcat(tensors: readonly Tensor[]): Tensor {
  const n = nativeBackend();
  if (!n) return tensors.length === 1 ? tf.reshape(tensors[0], [-1]) : tf.concat(tensors.map((t) => tf.reshape(t, [-1])));
  const { TF_ATTR_TYPE, TF_ATTR_INT, TF_INT32 } = n.binding;
  flatShape ??= tf.keep(tf.tensor1d([-1], 'int32'));
  axis0 ??= tf.keep(tf.scalar(0, 'int32'));
  const reshapeAttrs = [...floatAttr, { name: 'Tshape', type: TF_ATTR_TYPE, value: TF_INT32 }];
  const flat = tensors.map((t) => n.executeSingleOutput('Reshape', reshapeAttrs, [t, flatShape as Tensor]));
  if (flat.length === 1) return flat[0];
  const concatAttrs = [...floatAttr, { name: 'N', type: TF_ATTR_INT, value: flat.length }, { name: 'Tidx', type: TF_ATTR_TYPE, value: TF_INT32 }];
  return n.executeSingleOutput('ConcatV2', concatAttrs, [...flat, axis0]);
}

/** k * ln(x): one TF Xlogy op (k a float32 scalar tensor, x >= 0; ln 0 = -inf). */
export function scaledLog(k: Scalar, x: Tensor): Tensor {
  const n = nativeBackend();
  if (n) return n.executeSingleOutput('Xlogy', floatAttr, [k, x]);
  return tf.mul(tf.log(x), k);
}

/** min(max(x, lo), hi) of a float32 tensor; lo and hi are float32 scalar tensors (cache them). */
export function clip(x: Tensor, lo: Scalar, hi: Scalar): Tensor {
  const n = nativeBackend();
  if (n) return n.executeSingleOutput('ClipByValue', floatAttr, [x, lo, hi]);
  return tf.minimum(tf.maximum(x, lo), hi);
}

/**
 * Rows `indices` (int32, 1-D) of a float32 or int32 tensor: one GatherV2 with a kept axis tensor (tf.gather
 * uploads its axis as a new scalar on every call).
 */
export function gatherRows(x: Tensor, indices: Tensor): Tensor {
  const n = nativeBackend();
  if (!n) return tf.gather(x, indices);
  const { TF_ATTR_TYPE, TF_INT32 } = n.binding;
  axis0 ??= tf.keep(tf.scalar(0, 'int32'));
  gatherAttrs ??= [
    { name: 'Tparams', type: TF_ATTR_TYPE, value: n.binding.TF_FLOAT },
    { name: 'Tindices', type: TF_ATTR_TYPE, value: TF_INT32 },
    { name: 'Taxis', type: TF_ATTR_TYPE, value: TF_INT32 },
  ];
  if (indices.dtype !== 'int32') return tf.gather(x, indices);
  if (x.dtype === 'float32') return n.executeSingleOutput('GatherV2', gatherAttrs, [x, indices, axis0]);
  if (x.dtype !== 'int32') return tf.gather(x, indices);
  gatherIntAttrs ??= [{ name: 'Tparams', type: TF_ATTR_TYPE, value: TF_INT32 }, ...gatherAttrs.slice(1)];
  return n.executeSingleOutput('GatherV2', gatherIntAttrs, [x, indices, axis0]);
}
let gatherAttrs: OpAttr[] | null = null;
let gatherIntAttrs: OpAttr[] | null = null;

let flatSerial = 0;

/**
 * One trainable variable holding every parameter of a natively stepped model, flattened and
 * concatenated in `initial`'s order (copied: the caller keeps its tensors). The optimizer then updates
 * the whole model with a handful of ops. Its name is unique among the engine's registered variables.
 */
export function flatParameterVariable(initial: readonly Tensor[]): Variable {
  let name: string;
  do name = `radamLab/flatParams_${flatSerial++}`;
  while (tf.engine().registeredVariables[name] !== undefined);
  return tf.tidy(() => tf.variable(tf.concat(initial.map((t) => tf.reshape(t, [-1]))), true, name));
}
