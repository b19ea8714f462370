// The training step of a dense network (the `mlp` model) as few native TensorFlow ops as it takes.
//
// Why (issue 8): on tfjs-node every op costs ~12 us of fixed overhead (~4 us in the binding, ~6 us in the
// tfjs engine, ~1.5 us in tidy's cleanup) however small it is, and tfjs's autodiff of a layers model
// dispatches ~100 ops for this network's forward and backward pass (reshapes around every matMul,
// a composite cross-entropy, step/cast/mul for every ReLU gradient). Here the forward and backward pass
// are written out by hand with the fused TF kernels, dispatched straight to the binding (nativeOps.ts):
//
//   parameters   one flat float32 variable P (all kernels and biases, model.trainableWeights order);
//                SplitV gives views of it (TF shares the buffer when the pieces are aligned), Reshape
//                gives the kernels their 2-D shape                         1 + layers ops
//   forward      per layer MatMul, BiasAdd, activation (Relu/Tanh/Sigmoid/Elu; none on the output)
//   loss         classification: SoftmaxCrossEntropyWithLogits (loss per example AND its gradient in
//                one kernel) + Mean; regression: SquaredDifference + Mean
//   backward     dlogits = backprop * (1/batch) [regression: (out - y) * 2/(batch*outputs)]; per layer
//                dW = MatMul(x^T, g), db = BiasAddGrad(g), and below the top g = ActGrad(MatMul(g, W^T))
//                (no input gradient for the first layer)
//   gradient     one flat vector matching P: Reshape of each kernel gradient + one ConcatV2
// so the optimizer updates ONE variable with ~10 ops (RAdam, Adam) instead of ~10 per tensor.
// For the 784-256-256-10 MLP: 29 native ops for loss and gradient (tf.variableGrads through the layers
// model: ~95), and 10 for the RAdam update (60 per tensor).
//
// The values are those of the layers model up to float32 rounding (unit-tested against tf.variableGrads
// on the model: test/unit/trainer/nativeMlp.test.ts). Anything this does not cover (the cnn, gelu,
// regularizers, the pure-JS backend) returns null from nativeMlpPlan and trains through tf.variableGrads.
//
// The flat variable is the truth while training: the layers model's own variables keep the initial
// weights (copyTo writes the trained ones back when a caller needs the model).
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { Task } from '../shared/datasetInfo';
import { flatParameterVariable, nativeBackend, type NativeBackend, type OpAttr } from './nativeOps';

export type NativeActivation = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'linear';

/** Forward op of each activation, and its gradient op with the argument order TF wants. */
export const ACTIVATIONS: Record<Exclude<NativeActivation, 'linear'>, { forward: string; grad: string; dyFirst: boolean }> = {
  // ReluGrad(gradients, features) / EluGrad(gradients, outputs): relu's output > 0 exactly where its input is.
  relu: { forward: 'Relu', grad: 'ReluGrad', dyFirst: true },
  elu: { forward: 'Elu', grad: 'EluGrad', dyFirst: true },
  // TanhGrad(y, dy) = dy (1 - y^2); SigmoidGrad(y, dy) = dy y (1 - y).
  tanh: { forward: 'Tanh', grad: 'TanhGrad', dyFirst: false },
  sigmoid: { forward: 'Sigmoid', grad: 'SigmoidGrad', dyFirst: false },
};

export interface DenseLayerPlan {
  inputs: number;
  units: number;
  activation: NativeActivation;
}

export interface NativeMlpPlan {
  /** Features per example after the (optional) leading Flatten: the data is uploaded flat. */
  inputSize: number;
  layers: DenseLayerPlan[];
  /** Entries of each parameter tensor, in model.trainableWeights order (kernel, bias, kernel, ...). */
  sizes: number[];
}

/**
 * The plan of a model this module can train: [Flatten] Dense+ with biases, no regularizers or
 * constraints, activations in ACTIVATIONS (any on the last layer: the losses take raw outputs, so
 * that is 'linear' in our builders), on the native backend. Null otherwise.
 */
export function nativeMlpPlan(model: LayersModel): NativeMlpPlan | null {
  if (!nativeBackend() || model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const inputShape = model.inputs[0].shape.slice(1);
  if (inputShape.some((d) => d === null)) return null;
  const layers = model.layers;
  let at = 0;
  if (layers[0]?.getClassName() === 'Flatten') at = 1;
  else if (inputShape.length !== 1) return null;
  let width = (inputShape as number[]).reduce((a, b) => a * b, 1);
  const inputSize = width;
  const plan: DenseLayerPlan[] = [];
  const weights: Variable[] = [];
  for (; at < layers.length; at++) {
    const layer = layers[at];
    if (layer.getClassName() !== 'Dense') return null;
    const c = layer.getConfig() as Record<string, unknown>;
    const activation = c.activation as string;
    if (c.useBias !== true || c.kernelRegularizer || c.biasRegularizer || c.activityRegularizer || c.kernelConstraint || c.biasConstraint) return null;
    if (activation !== 'linear' && !(activation in ACTIVATIONS)) return null;
    const [kernel, bias] = layer.trainableWeights;
    if (layer.trainableWeights.length !== 2 || kernel.shape.length !== 2 || kernel.shape[0] !== width || bias.shape.length !== 1 || bias.shape[0] !== kernel.shape[1]) {
      return null;
    }
    plan.push({ inputs: width, units: kernel.shape[1] as number, activation: activation as NativeActivation });
    weights.push(kernel.read() as Variable, bias.read() as Variable);
    width = kernel.shape[1] as number;
  }
  if (!plan.length) return null;
  // The flat vector follows model.trainableWeights: it must be exactly these tensors in this order.
  const trainable = model.trainableWeights.map((w) => w.read());
  if (trainable.length !== weights.length || trainable.some((w, i) => w !== weights[i])) return null;
  return { inputSize, layers: plan, sizes: weights.map((w) => w.size) };
}


export class NativeMlp {
  /** All parameters, flat; the optimizer updates this one variable. */
  readonly params: Variable;
  private readonly b: NativeBackend;
  private readonly attrs: ReturnType<typeof makeAttrs>;
  /** Kept int32 tensors: SplitV's sizes, each kernel's shape, [-1], axis 0, the axes of a full mean. */
  private readonly splitSizes: Tensor;
  private readonly kernelShapes: Tensor[];
  private readonly flatShape: Tensor;
  private readonly axis0: Tensor;
  private readonly allAxes: Tensor;
  /** 1/batch (classification) or 2/(batch*outputs) (regression) per batch size, kept. */
  private readonly gradScales = new Map<string, Scalar>();

  constructor(
    readonly plan: NativeMlpPlan,
    /** The initial values, model.trainableWeights order (copied: the caller keeps its tensors). */
    initial: readonly Tensor[],
    readonly task: Task,
  ) {
    const b = nativeBackend();
    if (!b) throw new Error('NativeMlp needs the native TensorFlow backend');
    this.b = b;
    this.attrs = makeAttrs(b, plan.sizes.length);
    this.params = flatParameterVariable(initial);
    this.splitSizes = tf.keep(tf.tensor1d(plan.sizes, 'int32'));
    this.kernelShapes = plan.layers.map((l) => tf.keep(tf.tensor1d([l.inputs, l.units], 'int32')));
    this.flatShape = tf.keep(tf.tensor1d([-1], 'int32'));
    this.axis0 = tf.keep(tf.scalar(0, 'int32'));
    this.allAxes = tf.keep(tf.tensor1d([0, 1], 'int32'));
  }

  /** Parameter count. */
  get size(): number {
    return this.params.size;
  }

  /** Entries of each parameter tensor, model.trainableWeights order. */
  get sizes(): readonly number[] {
    return this.plan.sizes;
  }

  /**
   * Mean loss of the batch and its gradient with respect to `params` (a flat vector of the same size).
   * x: [batch, inputSize] (flat features); y: one-hot [batch, classes] or targets [batch, outputs].
   * The caller disposes both results.
   */
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor } {
    const { b, attrs } = this;
    const L = this.plan.layers.length;
    const w = this.views();
    // Forward, keeping each layer's input (the next layer's activation output) for the backward pass.
    const inputs: Tensor[] = [x];
    let h = x;
    for (let l = 0; l < L; l++) {
      h = this.dense(h, w[2 * l], w[2 * l + 1], this.plan.layers[l].activation);
      if (l < L - 1) inputs.push(h);
    }
    const batch = x.shape[0];
    let loss: Scalar;
    let g: Tensor;
    if (this.task === 'classification') {
      const [perExample, backprop] = b.executeMultipleOutputs('SoftmaxCrossEntropyWithLogits', attrs.float, [h, y], 2);
      h.dispose();
      loss = b.executeSingleOutput('Mean', attrs.mean, [perExample, this.axis0]) as Scalar;
      perExample.dispose();
      g = b.executeSingleOutput('Mul', attrs.float, [backprop, this.gradScale(batch, 1)]);
      backprop.dispose();
    } else {
      const squared = b.executeSingleOutput('SquaredDifference', attrs.float, [h, y]);
      loss = b.executeSingleOutput('Mean', attrs.mean, [squared, this.allAxes]) as Scalar;
      squared.dispose();
      const diff = b.executeSingleOutput('Sub', attrs.float, [h, y]);
      const outputs = h.shape[1] as number;
      h.dispose();
      g = b.executeSingleOutput('Mul', attrs.float, [diff, this.gradScale(batch, 2 / outputs)]);
      diff.dispose();
    }
    const grads: Tensor[] = new Array(2 * L);
    for (let l = L - 1; l >= 0; l--) {
      const dW = b.executeSingleOutput('MatMul', attrs.matMulTransA, [inputs[l], g]);
      grads[2 * l] = b.executeSingleOutput('Reshape', attrs.reshape, [dW, this.flatShape]);
      dW.dispose();
      grads[2 * l + 1] = b.executeSingleOutput('BiasAddGrad', attrs.float, [g]);
      if (l > 0) {
        const dh = b.executeSingleOutput('MatMul', attrs.matMulTransB, [g, w[2 * l]]);
        g.dispose();
        const below = inputs[l];
        const act = this.plan.layers[l - 1].activation;
        if (act === 'linear') g = dh;
        else {
          const a = ACTIVATIONS[act];
          g = b.executeSingleOutput(a.grad, attrs.float, a.dyFirst ? [dh, below] : [below, dh]);
          dh.dispose();
        }
        below.dispose();
      } else {
        g.dispose();
      }
    }
    for (const v of w) v.dispose();
    const gradient = b.executeSingleOutput('ConcatV2', attrs.concat, [...grads, this.axis0]);
    for (const t of grads) t.dispose();
    return { loss, gradient };
  }

  /** The model's output (logits or predictions) for x: [n, inputSize]. */
  predict(x: Tensor): Tensor {
    const w = this.views();
    let h = x;
    this.plan.layers.forEach((layer, l) => {
      const next = this.dense(h, w[2 * l], w[2 * l + 1], layer.activation);
      if (h !== x) h.dispose();
      h = next;
    });
    for (const v of w) v.dispose();
    return h;
  }

  /** Writes the trained parameters into the model's variables (model.trainableWeights order). */
  copyTo(variables: readonly Variable[]): void {
    const w = this.views();
    variables.forEach((v, i) => v.assign(w[i]));
    for (const t of w) t.dispose();
  }

  dispose(): void {
    tf.dispose([this.params, this.splitSizes, ...this.kernelShapes, this.flatShape, this.axis0, this.allAxes, ...this.gradScales.values()]);
    this.gradScales.clear();
  }

  /** Views of the parameters: [kernel_0 (2-D), bias_0, kernel_1, ...]. */
  private views(): Tensor[] {
    const { b, attrs } = this;
    const parts = b.executeMultipleOutputs('SplitV', attrs.split, [this.params, this.splitSizes, this.axis0], this.plan.sizes.length);
    return parts.map((p, i) => {
      if (i % 2 === 1) return p;
      const kernel = b.executeSingleOutput('Reshape', attrs.reshape, [p, this.kernelShapes[i / 2]]);
      p.dispose();
      return kernel;
    });
  }

  /** activation(h W + bias): 2-3 ops. */
  private dense(h: Tensor, kernel: Tensor, bias: Tensor, activation: NativeActivation): Tensor {
    const { b, attrs } = this;
    const product = b.executeSingleOutput('MatMul', attrs.matMul, [h, kernel]);
    const z = b.executeSingleOutput('BiasAdd', attrs.float, [product, bias]);
    product.dispose();
    if (activation === 'linear') return z;
    const out = b.executeSingleOutput(ACTIVATIONS[activation].forward, attrs.float, [z]);
    z.dispose();
    return out;
  }

  private gradScale(batch: number, factor: number): Scalar {
    const key = `${batch}:${factor}`;
    let s = this.gradScales.get(key);
    if (s === undefined) {
      s = tf.keep(tf.scalar(factor / batch));
      this.gradScales.set(key, s);
    }
    return s;
  }
}

function makeAttrs(b: NativeBackend, pieces: number) {
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_INT, TF_FLOAT, TF_INT32 } = b.binding;
  const float: OpAttr[] = [{ name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT }];
  const matMul = (a: boolean, c: boolean): OpAttr[] => [
    ...float,
    { name: 'transpose_a', type: TF_ATTR_BOOL, value: a },
    { name: 'transpose_b', type: TF_ATTR_BOOL, value: c },
  ];
  const int32 = (name: string): OpAttr => ({ name, type: TF_ATTR_TYPE, value: TF_INT32 });
  return {
    float,
    matMul: matMul(false, false),
    matMulTransA: matMul(true, false),
    matMulTransB: matMul(false, true),
    mean: [...float, int32('Tidx'), { name: 'keep_dims', type: TF_ATTR_BOOL, value: false }],
    reshape: [...float, int32('Tshape')],
    split: [...float, int32('Tlen'), { name: 'num_split', type: TF_ATTR_INT, value: pieces }],
    concat: [...float, { name: 'N', type: TF_ATTR_INT, value: pieces }, int32('Tidx')],
  };
}
