// The training step of the `cnn` model (models/cnn.ts) as few native TensorFlow ops as it takes (issue 17):
// the treatment nativeMlp.ts gives dense models, for [Conv2D (3x3-style, stride 1, valid) + activation +
// MaxPool (2x2, stride 2, valid)]+ -> Flatten -> Dense (logits), softmax cross-entropy, NHWC.
//
//   views      SplitV of the ONE flat parameter variable (model.trainableWeights order) + a Reshape per kernel
//   forward    per stage Conv2D, MaxPool, BiasAdd, activation (pooling first: the same numbers, see forward());
//              the first stage's Conv2D + MaxPool by phases (nativeCnnPhases.ts) when its sizes allow;
//              Reshape [batch, features]; MatMul, BiasAdd
//   loss       SoftmaxCrossEntropyWithLogits (loss per example and its gradient in one kernel) + Mean
//   backward   Mul 1/batch; MatMul (dW), BiasAddGrad, MatMul (dx), Reshape; per stage (top down)
//              activation grad, BiasAddGrad, MaxPoolGrad, Conv2DBackpropFilter and, below the top stage,
//              Conv2DBackpropInput; the kernel gradients Reshape'd flat and one ConcatV2
// so the optimizer updates the whole model with ~10 ops. Equal to tf.variableGrads through the layers model
// up to float32 rounding (test/unit/trainer/nativeCnn.test.ts). Anything else (gelu, same padding, strides,
// regression) has no plan and trains through tf.variableGrads.
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { Task } from '../shared/datasetInfo';
import { commonAttrs, FlatStep, FlatStepModel } from './nativeFlatStep';
import { ACTIVATIONS, type NativeActivation } from './nativeMlp';
import { PhaseConvPool, phaseConvFits } from './nativeCnnPhases';
import { nativeBackend, type NativeBackend } from './nativeOps';

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
  /** The first stage's convolution by phases (nativeCnnPhases.ts): its sizes allow it. */
  phases: boolean;
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
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  return { inputShape: inputShape as number[], stages, features, classes, shapes, sizes, phases: phaseConvFits(stages[0].input, stages[0].kernel) };
}


export class NativeCnn extends FlatStepModel {
  private readonly a: ReturnType<typeof makeAttrs>;
  private readonly kernelShapes: (Tensor | null)[];
  /** The first stage's convolution and pooling by phases, when plan.phases. */
  private readonly phases: PhaseConvPool | null;
  private readonly perBatch = new Map<number, { features: Tensor; pool: Tensor; inputs: Tensor[]; gradScale: Scalar }>();

  constructor(
    readonly plan: NativeCnnPlan,
    initial: readonly Tensor[],
  ) {
    const b = nativeBackend();
    if (!b) throw new Error('NativeCnn needs the native TensorFlow backend');
    const k0 = plan.stages[0].kernel;
    // By phases the first kernel is used as a [kh kw c, filters] matrix; the other kernels keep their shapes.
    const viewShapes = plan.shapes.map((s, i) => (i === 0 && plan.phases ? [k0[0] * k0[1] * k0[2], k0[3]] : s.length > 1 ? s : null));
    super(new FlatStep(plan.sizes, viewShapes, initial));
    this.a = makeAttrs(b, plan.sizes.length);
    this.kernelShapes = plan.shapes.map((s) => (s.length > 1 ? tf.keep(tf.tensor1d(s, 'int32')) : null));
    this.phases = plan.phases ? new PhaseConvPool(this.f, plan.stages[0].input, k0) : null;
  }

  /** Mean softmax cross-entropy of x [batch, h, w, c] against one-hot y [batch, classes], and its flat gradient. */
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor } {
    const { f, a } = this;
    try {
      const s = this.shapes(x.shape[0]);
      const w = f.views();
      const fw = this.forward(x, w, s);
      const [perExample, backprop] = f.ops('SoftmaxCrossEntropyWithLogits', a.float, [fw.logits, y], 2);
      const loss = f.owned('Mean', a.mean, [perExample, f.axis0]) as Scalar;
      const S = this.plan.stages.length;
      const grads: Tensor[] = new Array(2 * S + 2);
      const g = f.op('Mul', a.float, [backprop, s.gradScale]);
      grads[2 * S] = f.op('MatMul', a.mmTA, [fw.features, g]);
      grads[2 * S + 1] = f.op('BiasAddGrad', a.float, [g]);
      let d = f.op('Reshape', a.reshape, [f.op('MatMul', a.mmTB, [g, w[2 * S]]), s.pool]);
      for (let i = S - 1; i >= 0; i--) {
        const st = fw.stages[i];
        const act = this.plan.stages[i].activation;
        let dz = d;
        if (act !== 'linear') {
          const g = ACTIVATIONS[act];
          dz = f.op(g.grad, a.float, g.dyFirst ? [d, st.act] : [st.act, d]);
        }
        grads[2 * i + 1] = f.op('BiasAddGrad', a.float, [dz]);
        if (i === 0 && this.phases) {
          grads[0] = this.phases.kernelGradient(dz);
          continue;
        }
        const dc = f.op('MaxPoolGrad', a.pool, [st.conv as Tensor, st.pooled, dz]);
        grads[2 * i] = f.op('Conv2DBackpropFilter', a.conv, [st.input, this.kernelShapes[2 * i] as Tensor, dc]);
        if (i > 0) d = f.op('Conv2DBackpropInput', a.conv, [s.inputs[i], w[2 * i], dc]);
      }
      return { loss, gradient: f.flatGradient(grads) };
    } finally {
      f.release();
    }
  }

  /** Logits [n, classes]. */
  predict(x: Tensor): Tensor {
    try {
      const w = this.f.views();
      const { features } = this.forward(x, w, this.shapes(x.shape[0]), false);
      const S = this.plan.stages.length;
      return this.f.owned('BiasAdd', this.a.float, [this.f.op('MatMul', this.a.mm, [features, w[2 * S]]), w[2 * S + 1]]);
    } finally {
      this.f.release();
    }
  }

  /** Writes the trained parameters into the model's variables (model.trainableWeights order). */
  copyTo(variables: readonly Variable[]): void {
    try {
      const w = this.f.views();
      variables.forEach((v, i) => v.assign(tf.reshape(w[i], v.shape)));
    } finally {
      this.f.release();
    }
  }

  dispose(): void {
    this.f.dispose();
    this.phases?.dispose();
    tf.dispose(this.kernelShapes.filter((t): t is Tensor => t !== null));
    for (const s of this.perBatch.values()) tf.dispose([s.features, s.pool, s.gradScale, ...s.inputs]);
    this.perBatch.clear();
  }

  private forward(x: Tensor, w: Tensor[], s: { features: Tensor }, logits = true) {
    const { f, a } = this;
    const stages: { input: Tensor; conv: Tensor | null; pooled: Tensor; act: Tensor }[] = [];
    let h = x;
    // The layers model computes pool(f(conv + b)); this computes f(pool(conv) + b), the same numbers: every
    // activation here is nondecreasing, so the window's largest f(c + b) is f(largest c + b) (float rounding
    // is monotone too). The bias and the activation (and their gradients) then run on the pooled tensor, a
    // quarter of the size (measured at batch 128: BiasAdd + Relu + ReluGrad + BiasAddGrad of the first stage
    // ~3 ms of ~35 ms CPU per step on the full-size tensor). Gradients route to the same window entries,
    // except where f ties distinct inputs (relu below 0, saturated tanh), where f's gradient is 0 anyway.
    this.plan.stages.forEach((st, i) => {
      const byPhases = i === 0 && this.phases;
      const conv = byPhases ? null : f.op('Conv2D', a.conv, [h, w[2 * i]]);
      const pooled = byPhases ? byPhases.forward(h, w[0]) : f.op('MaxPool', a.pool, [conv as Tensor]);
      const z = f.op('BiasAdd', a.float, [pooled, w[2 * i + 1]]);
      const act = st.activation === 'linear' ? z : f.op(ACTIVATIONS[st.activation].forward, a.float, [z]);
      stages.push({ input: h, conv, pooled, act });
      h = act;
    });
    const features = f.op('Reshape', a.reshape, [h, s.features]);
    const S = this.plan.stages.length;
    const out = logits ? f.op('BiasAdd', a.float, [f.op('MatMul', a.mm, [features, w[2 * S]]), w[2 * S + 1]]) : features;
    return { stages, features, logits: out };
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

/** The cnn's attributes: the common ones, NHWC VALID convolution and 2x2 pooling. */
export function makeAttrs(b: NativeBackend, pieces: number) {
  const c = commonAttrs(b, pieces);
  const { int, string, bool } = c.helpers;
  const nhwc = [string('padding', 'VALID'), string('data_format', 'NHWC')];
  return {
    ...c,
    conv: [...c.float, int('strides', [1, 1, 1, 1]), ...nhwc, bool('use_cudnn_on_gpu', true), int('dilations', [1, 1, 1, 1])],
    pool: [...c.float, int('ksize', [1, 2, 2, 1]), int('strides', [1, 2, 2, 1]), ...nhwc],
  };
}
