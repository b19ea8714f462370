// The training step of the `cnn` model (models/cnn.ts) as few native TensorFlow ops as it takes (issue 17):
// the treatment nativeMlp.ts gives dense models, for [Conv2D (3x3-style, stride 1, valid) + activation +
// MaxPool (2x2, stride 2, valid)]+ -> Flatten -> Dense (logits), softmax cross-entropy, NHWC.
//
//   views      SplitV of the ONE flat parameter variable (model.trainableWeights order) + a Reshape per kernel
//   forward    per stage Conv2D, BiasAdd, activation, MaxPool; Reshape [batch, features]; MatMul, BiasAdd
//   loss       SoftmaxCrossEntropyWithLogits (loss per example and its gradient in one kernel) + Mean
//   backward   Mul 1/batch; MatMul (dW), BiasAddGrad, MatMul (dx), Reshape; per stage (top down)
//              MaxPoolGrad, activation grad, Conv2DBackpropFilter, BiasAddGrad and, below the top stage,
//              Conv2DBackpropInput; the kernel gradients Reshape'd flat and one ConcatV2
// so the optimizer updates the whole model with ~10 ops. Equal to tf.variableGrads through the layers model
// up to float32 rounding (test/unit/trainer/nativeCnn.test.ts). Anything else (gelu, same padding, strides,
// regression) has no plan and trains through tf.variableGrads.
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { Task } from '../shared/datasetInfo';
import { ACTIVATIONS, type NativeActivation } from './nativeMlp';
import { flatParameterVariable, nativeBackend, type NativeBackend, type OpAttr } from './nativeOps';

export interface ConvStagePlan {
  /** Input [h, w, c] of the stage, kernel [kh, kw, c, filters], conv output and pool output [h, w, filters]. */
  input: number[];
  kernel: number[];
  conv: number[];
  pool: number[];
  activation: NativeActivation;
}

export interface NativeCnnPlan {
  inputShape: number[];
  stages: ConvStagePlan[];
  features: number;
  classes: number;
  /** Entries of each parameter tensor (model.trainableWeights order) and their shapes. */
  sizes: number[];
  shapes: number[][];
}

/** The plan of a model of the cnn's shape on the native backend, for classification; null otherwise. */
export function nativeCnnPlan(model: LayersModel, task: Task): NativeCnnPlan | null {
  if (!nativeBackend() || task !== 'classification' || model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const inputShape = model.inputs[0].shape.slice(1);
  if (inputShape.length !== 3 || inputShape.some((d) => d === null)) return null;
  const layers = model.layers;
  const stages: ConvStagePlan[] = [];
  let shape = inputShape as number[];
  let at = 0;
  const plain = (c: Record<string, unknown>) => !c.kernelRegularizer && !c.biasRegularizer && !c.activityRegularizer && !c.kernelConstraint && !c.biasConstraint;
  const pair = (v: unknown) => (Array.isArray(v) ? v : [v, v]) as number[];
  while (layers[at]?.getClassName() === 'Conv2D') {
    const c = layers[at].getConfig() as Record<string, unknown>;
    const activation = c.activation as string;
    const [sh, sw] = pair(c.strides);
    const [dh, dw] = pair(c.dilationRate);
    if (c.padding !== 'valid' || sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1 || c.useBias !== true || !plain(c)) return null;
    if (c.dataFormat !== 'channelsLast' || (activation !== 'linear' && !(activation in ACTIVATIONS))) return null;
    const [kh, kw] = pair(c.kernelSize);
    const filters = c.filters as number;
    const conv = [shape[0] - kh + 1, shape[1] - kw + 1, filters];
    const pool = layers[at + 1];
    if (pool?.getClassName() !== 'MaxPooling2D') return null;
    const p = pool.getConfig() as Record<string, unknown>;
    const [ph, pw] = pair(p.poolSize);
    const [qh, qw] = pair(p.strides);
    if (ph !== 2 || pw !== 2 || qh !== 2 || qw !== 2 || p.padding !== 'valid' || p.dataFormat !== 'channelsLast') return null;
    const pooled = [Math.floor((conv[0] - 2) / 2) + 1, Math.floor((conv[1] - 2) / 2) + 1, filters];
    stages.push({ input: shape, kernel: [kh, kw, shape[2], filters], conv, pool: pooled, activation: activation as NativeActivation });
    shape = pooled;
    at += 2;
  }
  if (!stages.length || layers[at]?.getClassName() !== 'Flatten' || layers[at + 1]?.getClassName() !== 'Dense' || layers.length !== at + 2) return null;
  const d = layers[at + 1].getConfig() as Record<string, unknown>;
  if (d.activation !== 'linear' || d.useBias !== true || !plain(d)) return null;
  const features = shape[0] * shape[1] * shape[2];
  const classes = d.units as number;
  const expected: number[][] = [];
  for (const s of stages) expected.push(s.kernel, [s.kernel[3]]);
  expected.push([features, classes], [classes]);
  const shapes = model.trainableWeights.map((w) => w.shape as number[]);
  if (JSON.stringify(shapes) !== JSON.stringify(expected)) return null;
  return { inputShape: inputShape as number[], stages, features, classes, shapes, sizes: shapes.map((s) => s.reduce((a, b) => a * b, 1)) };
}


export class NativeCnn {
  readonly params: Variable;
  private readonly b: NativeBackend;
  private readonly a: ReturnType<typeof makeAttrs>;
  private readonly splitSizes: Tensor;
  private readonly kernelShapes: (Tensor | null)[];
  private readonly flat: Tensor;
  private readonly axis0: Tensor;
  private readonly perBatch = new Map<number, { features: Tensor; pool: Tensor; inputs: Tensor[]; gradScale: Scalar }>();
  private tmp: Tensor[] = [];

  constructor(
    readonly plan: NativeCnnPlan,
    initial: readonly Tensor[],
  ) {
    const b = nativeBackend();
    if (!b) throw new Error('NativeCnn needs the native TensorFlow backend');
    this.b = b;
    this.a = makeAttrs(b, plan.sizes.length);
    this.params = flatParameterVariable(initial);
    this.splitSizes = tf.keep(tf.tensor1d(plan.sizes, 'int32'));
    this.kernelShapes = plan.shapes.map((s) => (s.length > 1 ? tf.keep(tf.tensor1d(s, 'int32')) : null));
    this.flat = tf.keep(tf.tensor1d([-1], 'int32'));
    this.axis0 = tf.keep(tf.scalar(0, 'int32'));
  }

  get size(): number {
    return this.params.size;
  }

  get sizes(): readonly number[] {
    return this.plan.sizes;
  }

  /** Mean softmax cross-entropy of x [batch, h, w, c] against one-hot y [batch, classes], and its flat gradient. */
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor } {
    try {
      const { b, a } = this;
      const s = this.shapes(x.shape[0]);
      const w = this.views();
      const f = this.forward(x, w, s);
      const [perExample, backprop] = b.executeMultipleOutputs('SoftmaxCrossEntropyWithLogits', a.float, [f.logits, y], 2);
      this.tmp.push(perExample, backprop);
      const loss = b.executeSingleOutput('Mean', a.mean, [perExample, this.axis0]) as Scalar;
      const S = this.plan.stages.length;
      const grads: Tensor[] = new Array(2 * S + 2);
      const g = this.op('Mul', a.float, [backprop, s.gradScale]);
      grads[2 * S] = this.op('MatMul', a.mmTA, [f.features, g]);
      grads[2 * S + 1] = this.op('BiasAddGrad', a.float, [g]);
      let d = this.op('Reshape', a.reshape, [this.op('MatMul', a.mmTB, [g, w[2 * S]]), s.pool]);
      for (let i = S - 1; i >= 0; i--) {
        const st = f.stages[i];
        const da = this.op('MaxPoolGrad', a.pool, [st.act, st.pooled, d]);
        const act = this.plan.stages[i].activation;
        let dz = da;
        if (act !== 'linear') {
          const g = ACTIVATIONS[act];
          dz = this.op(g.grad, a.float, g.dyFirst ? [da, st.act] : [st.act, da]);
        }
        grads[2 * i] = this.op('Conv2DBackpropFilter', a.conv, [st.input, this.kernelShapes[2 * i] as Tensor, dz]);
        grads[2 * i + 1] = this.op('BiasAddGrad', a.float, [dz]);
        if (i > 0) d = this.op('Conv2DBackpropInput', a.conv, [s.inputs[i], w[2 * i], dz]);
      }
      const flat = grads.map((t) => (t.rank > 1 ? this.op('Reshape', a.reshape, [t, this.flat]) : t));
      const gradient = b.executeSingleOutput('ConcatV2', a.concat, [...flat, this.axis0]);
      return { loss, gradient };
    } finally {
      this.release();
    }
  }

  /** Logits [n, classes]. */
  predict(x: Tensor): Tensor {
    try {
      const f = this.forward(x, this.views(), this.shapes(x.shape[0]));
      this.tmp = this.tmp.filter((t) => t !== f.logits);
      return f.logits;
    } finally {
      this.release();
    }
  }

  /** Writes the trained parameters into the model's variables (model.trainableWeights order). */
  copyTo(variables: readonly Variable[]): void {
    try {
      const w = this.views();
      variables.forEach((v, i) => v.assign(w[i]));
    } finally {
      this.release();
    }
  }

  dispose(): void {
    this.release();
    tf.dispose([this.params, this.splitSizes, this.flat, this.axis0, ...this.kernelShapes.filter((t): t is Tensor => t !== null)]);
    for (const s of this.perBatch.values()) tf.dispose([s.features, s.pool, s.gradScale, ...s.inputs]);
    this.perBatch.clear();
  }

  private forward(x: Tensor, w: Tensor[], s: { features: Tensor }) {
    const { a } = this;
    const stages: { input: Tensor; act: Tensor; pooled: Tensor }[] = [];
    let h = x;
    this.plan.stages.forEach((st, i) => {
      const z = this.op('BiasAdd', a.float, [this.op('Conv2D', a.conv, [h, w[2 * i]]), w[2 * i + 1]]);
      const act = st.activation === 'linear' ? z : this.op(ACTIVATIONS[st.activation].forward, a.float, [z]);
      const pooled = this.op('MaxPool', a.pool, [act]);
      stages.push({ input: h, act, pooled });
      h = pooled;
    });
    const features = this.op('Reshape', a.reshape, [h, s.features]);
    const S = this.plan.stages.length;
    const logits = this.op('BiasAdd', a.float, [this.op('MatMul', a.mm, [features, w[2 * S]]), w[2 * S + 1]]);
    return { stages, features, logits };
  }

  private views(): Tensor[] {
    const parts = this.b.executeMultipleOutputs('SplitV', this.a.split, [this.params, this.splitSizes, this.axis0], this.plan.sizes.length);
    this.tmp.push(...parts);
    return parts.map((p, i) => {
      const shape = this.kernelShapes[i];
      return shape ? this.op('Reshape', this.a.reshape, [p, shape]) : p;
    });
  }

  private op(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor {
    const t = this.b.executeSingleOutput(name, attrs, inputs);
    this.tmp.push(t);
    return t;
  }

  private release(): void {
    for (const t of this.tmp) t.dispose();
    this.tmp = [];
  }

  private shapes(batch: number) {
    let s = this.perBatch.get(batch);
    if (!s) {
      const st = this.plan.stages;
      s = {
        features: tf.keep(tf.tensor1d([batch, this.plan.features], 'int32')),
        pool: tf.keep(tf.tensor1d([batch, ...st[st.length - 1].pool], 'int32')),
        // input sizes of each stage, for Conv2DBackpropInput
        inputs: st.map((x) => tf.keep(tf.tensor1d([batch, ...x.input], 'int32'))),
        gradScale: tf.keep(tf.scalar(1 / batch)),
      };
      this.perBatch.set(batch, s);
    }
    return s;
  }
}

function makeAttrs(b: NativeBackend, pieces: number) {
  const binding = b.binding as NativeBackend['binding'] & { TF_ATTR_STRING: number };
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_INT, TF_ATTR_STRING, TF_FLOAT, TF_INT32 } = binding;
  const type = (name: string, value: number): OpAttr => ({ name, type: TF_ATTR_TYPE, value });
  const float: OpAttr[] = [type('T', TF_FLOAT)];
  const mm = (x: boolean, y: boolean): OpAttr[] => [...float, { name: 'transpose_a', type: TF_ATTR_BOOL, value: x }, { name: 'transpose_b', type: TF_ATTR_BOOL, value: y }];
  const nhwc: OpAttr[] = [
    { name: 'padding', type: TF_ATTR_STRING, value: 'VALID' },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
  ];
  return {
    float,
    mm: mm(false, false),
    mmTA: mm(true, false),
    mmTB: mm(false, true),
    conv: [
      ...float,
      { name: 'strides', type: TF_ATTR_INT, value: [1, 1, 1, 1] },
      ...nhwc,
      { name: 'use_cudnn_on_gpu', type: TF_ATTR_BOOL, value: true },
      { name: 'dilations', type: TF_ATTR_INT, value: [1, 1, 1, 1] },
    ],
    pool: [...float, { name: 'ksize', type: TF_ATTR_INT, value: [1, 2, 2, 1] }, { name: 'strides', type: TF_ATTR_INT, value: [1, 2, 2, 1] }, ...nhwc],
    mean: [...float, type('Tidx', TF_INT32), { name: 'keep_dims', type: TF_ATTR_BOOL, value: false }],
    reshape: [...float, type('Tshape', TF_INT32)],
    split: [...float, type('Tlen', TF_INT32), { name: 'num_split', type: TF_ATTR_INT, value: pieces }],
    concat: [...float, { name: 'N', type: TF_ATTR_INT, value: pieces }, type('Tidx', TF_INT32)],
  };
}
