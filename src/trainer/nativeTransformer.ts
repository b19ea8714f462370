// The training step of the `transformer` model (models/transformer.ts) as few native TensorFlow ops as it
// takes: the same treatment nativeMlp.ts gives dense models (issue 17).
//
// Why: through tfjs-layers and tf.variableGrads the paper preset (6 post-LN layers, d 64, 4 heads, ff 256,
// 12 tokens) dispatches thousands of small ops per step, each paying ~12 us of fixed cost on tfjs-node.
// Here the forward and backward pass are written out by hand with TF kernels dispatched straight to the
// binding, over ONE flat float32 parameter variable (model.trainableWeights order), so the optimizer
// updates the whole model with ~10 ops. With N = batch x length tokens, every activation is a 2-D [N, d]
// matrix (MatMul + BiasAdd for every linear map); attention runs for all heads at once:
//
//   views       SplitV of the flat parameters (views) + Reshape of each 2-D kernel
//   embedding   Cast ids, GatherV2(E, ids), AddV2 P, Mul sqrt(d), Reshape [N, d]
//   attention   qkv = x Wqkv + b (MatMul, BiasAdd) -> Reshape [b, l, 3, h, dk] -> Unpack q, k, v [b, l, h, dk];
//               Mul q by 1/sqrt(dk); Einsum q k^T -> [b, h, l, l]; [causal: AddV2 mask]; Softmax;
//               Einsum p v -> [b, l, h, dk]; Reshape [N, d]; MatMul, BiasAdd (no Transpose anywhere)
//   layer norm  Mean, Sub, Square, Mean, AddV2 eps, Rsqrt, Mul, Mul gamma, AddV2 beta (as LayerNorm.call)
//   ffn         MatMul, BiasAdd, Relu, MatMul, BiasAdd
//   loss        logits MatMul + BiasAdd; SparseSoftmaxCrossEntropyWithLogits (loss per token AND its
//               gradient in one kernel) + Mean; the labels are the int32 batch, Reshape [N]
//   backward    the chain rule of each of the above by hand (LN: dx = rstd (g - mean g - xhat mean(g xhat))
//               with g = dy gamma; softmax: p (dp - sum(dp p)); embedding: UnsortedSegmentSum for E, Sum
//               over the batch for P), each gradient Reshape'd flat and one ConcatV2.
//
// Equal to tf.variableGrads through the layers model up to float32 rounding, and to central finite
// differences (test/unit/trainer/nativeTransformer.test.ts). The layers model's variables keep the initial
// weights while training (copyTo writes the trained ones back).
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { flatParameterVariable, nativeBackend, type NativeBackend, type OpAttr } from './nativeOps';

const LAYER_NORM_EPSILON = 1e-5; // as models/transformer.ts
const MASKED = -1e9;

export interface NativeTransformerPlan {
  vocabulary: number;
  length: number;
  dModel: number;
  heads: number;
  ffDim: number;
  layers: number;
  norm: 'post' | 'pre';
  causal: boolean;
  classes: number;
  /** Stable names (originalName) and shapes of the parameters, model.trainableWeights order. */
  names: string[];
  shapes: number[][];
  /** Entries of each parameter tensor (same order): the pieces of the flat vector. */
  sizes: number[];
}

/** The plan of a model built by buildTransformer on the native backend; null for anything else. */
export function nativeTransformerPlan(model: LayersModel): NativeTransformerPlan | null {
  if (!nativeBackend() || model.name !== 'transformer' || model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const byClass = (c: string) => model.layers.filter((l) => l.getClassName() === c);
  const embedding = byClass('RadamTokenPositionEmbedding')[0];
  const attentions = byClass('RadamSelfAttention');
  if (!embedding || !attentions.length) return null;
  const ec = embedding.getConfig() as { vocabulary: number; length: number; dModel: number };
  const ac = attentions[0].getConfig() as { heads: number; causal: boolean };
  const layerNames = new Set(model.layers.map((l) => l.name));
  const norm: 'post' | 'pre' = layerNames.has('final_norm') ? 'pre' : 'post';
  const ffn1 = model.layers.find((l) => l.name === 'enc_0_ffn_1');
  const logits = model.layers.find((l) => l.name === 'logits');
  if (!ffn1 || !logits) return null;
  const ffDim = (ffn1.getConfig() as { units: number }).units;
  const classes = (logits.getConfig() as { units: number }).units;
  const f1 = ffn1.getConfig() as { activation: string };
  if (f1.activation !== 'relu') return null;
  const names = model.trainableWeights.map((w) => w.originalName);
  const shapes = model.trainableWeights.map((w) => w.shape as number[]);
  const plan: NativeTransformerPlan = {
    vocabulary: ec.vocabulary,
    length: ec.length,
    dModel: ec.dModel,
    heads: ac.heads,
    ffDim,
    layers: attentions.length,
    norm,
    causal: ac.causal,
    classes,
    names,
    shapes,
    sizes: shapes.map((s) => s.reduce((a, b) => a * b, 1)),
  };
  // Every parameter this module knows of, with its shape, and nothing else.
  const expected = expectedShapes(plan);
  if (expected.size !== names.length || names.some((n, i) => JSON.stringify(expected.get(n)) !== JSON.stringify(shapes[i]))) return null;
  return plan;
}

function expectedShapes(p: NativeTransformerPlan): Map<string, number[]> {
  const d = p.dModel;
  const m = new Map<string, number[]>([
    ['embedding/tokens', [p.vocabulary, d]],
    ['embedding/positions', [p.length, d]],
    ['logits/kernel', [d, p.classes]],
    ['logits/bias', [p.classes]],
  ]);
  for (let i = 0; i < p.layers; i++) {
    const e = `enc_${i}_`;
    m.set(`${e}attention/qkv_kernel`, [d, 3 * d]);
    m.set(`${e}attention/qkv_bias`, [3 * d]);
    m.set(`${e}attention/out_kernel`, [d, d]);
    m.set(`${e}attention/out_bias`, [d]);
    for (const n of ['norm_1', 'norm_2']) {
      m.set(`${e}${n}/gamma`, [d]);
      m.set(`${e}${n}/beta`, [d]);
    }
    m.set(`${e}ffn_1/kernel`, [d, p.ffDim]);
    m.set(`${e}ffn_1/bias`, [p.ffDim]);
    m.set(`${e}ffn_2/kernel`, [p.ffDim, d]);
    m.set(`${e}ffn_2/bias`, [d]);
  }
  if (p.norm === 'pre') {
    m.set('final_norm/gamma', [d]);
    m.set('final_norm/beta', [d]);
  }
  return m;
}

interface LnCache {
  xhat: Tensor;
  rstd: Tensor;
  gamma: Tensor;
}
interface AttentionCache {
  x: Tensor;
  qs: Tensor;
  k: Tensor;
  v: Tensor;
  p: Tensor;
  ctx: Tensor;
}
interface FfnCache {
  x: Tensor;
  h: Tensor;
}
interface LayerCache {
  attention: AttentionCache;
  ffn: FfnCache;
  norm1: LnCache;
  norm2: LnCache;
}

/** Kept int32 shape tensors and float scalars of one batch size. */
interface BatchShapes {
  qkv5: Tensor; // [b, l, 3, h, dk]
  ctx4: Tensor; // [b, l, h, dk]
  rowsD: Tensor; // [N, d]
  rows3D: Tensor; // [N, 3d]
  tokens: Tensor; // [N]
  batchRows: Tensor; // [b, l*d]
  logits3: Tensor; // [b, l, classes]
  gradScale: Scalar; // 1/N
}

/** The parameter views of one call, by stable name. */
interface Views {
  get(name: string): Tensor;
}


export class NativeTransformer {
  readonly params: Variable;
  private readonly b: NativeBackend;
  private readonly a: ReturnType<typeof makeAttrs>;
  private readonly index = new Map<string, number>();
  /** Kept constants. */
  private readonly k: Record<string, Tensor>;
  private readonly kernelShapes: (Tensor | null)[];
  private readonly perBatch = new Map<number, BatchShapes>();
  /** Every temporary of the current call, disposed at its end. */
  private tmp: Tensor[] = [];

  constructor(
    readonly plan: NativeTransformerPlan,
    initial: readonly Tensor[],
  ) {
    const b = nativeBackend();
    if (!b) throw new Error('NativeTransformer needs the native TensorFlow backend');
    this.b = b;
    this.a = makeAttrs(b, plan.sizes.length);
    plan.names.forEach((n, i) => this.index.set(n, i));
    this.params = flatParameterVariable(initial);
    const l = plan.length;
    const mask = new Float32Array(l * l);
    for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) mask[i * l + j] = MASKED;
    const dk = plan.dModel / plan.heads;
    this.k = {
      splitSizes: tf.tensor1d(plan.sizes, 'int32'),
      flat: tf.tensor1d([-1], 'int32'),
      axis0: tf.scalar(0, 'int32'),
      lastAxis: tf.tensor1d([-1], 'int32'),
      scale: tf.scalar(1 / Math.sqrt(dk)),
      sqrtD: tf.scalar(Math.sqrt(plan.dModel)),
      eps: tf.scalar(LAYER_NORM_EPSILON),
      mask: tf.tensor2d(mask, [l, l]),
      vocabulary: tf.scalar(plan.vocabulary, 'int32'),
    };
    for (const t of Object.values(this.k)) tf.keep(t);
    this.kernelShapes = plan.shapes.map((s) => (s.length > 1 ? tf.keep(tf.tensor1d(s, 'int32')) : null));
  }

  get size(): number {
    return this.params.size;
  }

  get sizes(): readonly number[] {
    return this.plan.sizes;
  }

  /**
   * Mean per-token cross-entropy of the batch and its gradient with respect to `params` (flat).
   * x: token ids [batch, length] (float32, as uploaded); y: int32 class ids [batch, length].
   */
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor } {
    try {
      const { b, a } = this;
      const w = this.views();
      const s = this.shapes(x.shape[0]);
      const { logits, caches, top, ids } = this.forward(x, w, s);
      const labels = this.op('Reshape', a.reshapeInt, [y, s.tokens]);
      const [perToken, backprop] = b.executeMultipleOutputs('SparseSoftmaxCrossEntropyWithLogits', a.sparseXent, [logits, labels], 2);
      this.tmp.push(perToken, backprop);
      const loss = b.executeSingleOutput('Mean', a.mean, [perToken, this.k.axis0]) as Scalar;
      const grads: Tensor[] = new Array(this.plan.names.length);
      const put = (name: string, g: Tensor) => (grads[this.index.get(name) as number] = g);
      // logits
      const g0 = this.op('Mul', a.float, [backprop, s.gradScale]);
      put('logits/kernel', this.op('MatMul', a.mmTA, [top, g0]));
      put('logits/bias', this.op('BiasAddGrad', a.float, [g0]));
      let g = this.op('MatMul', a.mmTB, [g0, w.get('logits/kernel')]);
      const L = this.plan.layers;
      if (this.plan.norm === 'pre') g = this.normBackward(g, caches.final as LnCache, 'final_norm', put);
      for (let i = L - 1; i >= 0; i--) {
        const e = `enc_${i}_`;
        const c = caches.layers[i];
        if (this.plan.norm === 'post') {
          const dr2 = this.normBackward(g, c.norm2, `${e}norm_2`, put);
          const dx1 = this.op('AddV2', a.float, [dr2, this.ffnBackward(dr2, c.ffn, e, w, put)]);
          const dr1 = this.normBackward(dx1, c.norm1, `${e}norm_1`, put);
          g = this.op('AddV2', a.float, [dr1, this.attentionBackward(dr1, c.attention, e, w, s, put)]);
        } else {
          const dn2 = this.ffnBackward(g, c.ffn, e, w, put);
          const dx1 = this.op('AddV2', a.float, [g, this.normBackward(dn2, c.norm2, `${e}norm_2`, put)]);
          const dn1 = this.attentionBackward(dx1, c.attention, e, w, s, put);
          g = this.op('AddV2', a.float, [dx1, this.normBackward(dn1, c.norm1, `${e}norm_1`, put)]);
        }
      }
      // embedding: x0 = sqrt(d) (E[ids] + P)
      const ds = this.op('Mul', a.float, [g, this.k.sqrtD]); // [N, d]
      const idsFlat = this.op('Reshape', a.reshapeInt, [ids, s.tokens]);
      put('embedding/tokens', this.op('UnsortedSegmentSum', a.segmentSum, [ds, idsFlat, this.k.vocabulary]));
      put('embedding/positions', this.op('Sum', a.sum, [this.op('Reshape', a.reshape, [ds, s.batchRows]), this.k.axis0]));
      const flat = grads.map((t) => (t.rank > 1 ? this.op('Reshape', a.reshape, [t, this.k.flat]) : t));
      const gradient = b.executeSingleOutput('ConcatV2', a.concat, [...flat, this.k.axis0]);
      return { loss, gradient };
    } finally {
      this.release();
    }
  }

  /** Logits [n, length, classes] for token ids x [n, length]. */
  predict(x: Tensor): Tensor {
    try {
      const s = this.shapes(x.shape[0]);
      const { logits } = this.forward(x, this.views(), s);
      return this.b.executeSingleOutput('Reshape', this.a.reshape, [logits, s.logits3]);
    } finally {
      this.release();
    }
  }

  /** Writes the trained parameters into the model's variables (model.trainableWeights order). */
  copyTo(variables: readonly Variable[]): void {
    try {
      const w = this.views();
      variables.forEach((v, i) => v.assign(w.get(this.plan.names[i])));
    } finally {
      this.release();
    }
  }

  dispose(): void {
    this.release();
    tf.dispose([this.params, ...Object.values(this.k), ...this.kernelShapes.filter((t): t is Tensor => t !== null)]);
    for (const s of this.perBatch.values()) tf.dispose(Object.values(s));
    this.perBatch.clear();
  }

  // ---- forward ----

  private forward(x: Tensor, w: Views, s: BatchShapes) {
    const { a } = this;
    const ids = this.op('Cast', a.castToInt, [x]);
    const e = this.op('GatherV2', a.gather, [w.get('embedding/tokens'), ids, this.k.axis0]); // [b, l, d]
    const sum = this.op('AddV2', a.float, [e, w.get('embedding/positions')]);
    let h = this.op('Reshape', a.reshape, [this.op('Mul', a.float, [sum, this.k.sqrtD]), s.rowsD]);
    const layers: LayerCache[] = [];
    for (let i = 0; i < this.plan.layers; i++) {
      const p = `enc_${i}_`;
      if (this.plan.norm === 'post') {
        const att = this.attention(h, p, w, s);
        const n1 = this.norm(this.op('AddV2', a.float, [h, att.out]), `${p}norm_1`, w);
        const ff = this.ffn(n1.y, p, w);
        const n2 = this.norm(this.op('AddV2', a.float, [n1.y, ff.out]), `${p}norm_2`, w);
        layers.push({ attention: att.cache, ffn: ff.cache, norm1: n1.cache, norm2: n2.cache });
        h = n2.y;
      } else {
        const n1 = this.norm(h, `${p}norm_1`, w);
        const att = this.attention(n1.y, p, w, s);
        const x1 = this.op('AddV2', a.float, [h, att.out]);
        const n2 = this.norm(x1, `${p}norm_2`, w);
        const ff = this.ffn(n2.y, p, w);
        h = this.op('AddV2', a.float, [x1, ff.out]);
        layers.push({ attention: att.cache, ffn: ff.cache, norm1: n1.cache, norm2: n2.cache });
      }
    }
    let final: LnCache | null = null;
    if (this.plan.norm === 'pre') {
      const f = this.norm(h, 'final_norm', w);
      final = f.cache;
      h = f.y;
    }
    const logits = this.linear(h, 'logits', w);
    return { logits, top: h, ids, caches: { layers, final } };
  }

  private linear(x: Tensor, name: string, w: Views): Tensor {
    const product = this.op('MatMul', this.a.mm, [x, w.get(`${name}/kernel`)]);
    return this.op('BiasAdd', this.a.float, [product, w.get(`${name}/bias`)]);
  }

  private attention(x: Tensor, p: string, w: Views, s: BatchShapes): { out: Tensor; cache: AttentionCache } {
    const { a } = this;
    const qkv = this.op('BiasAdd', a.float, [this.op('MatMul', a.mm, [x, w.get(`${p}attention/qkv_kernel`)]), w.get(`${p}attention/qkv_bias`)]);
    // q, k, v stay in the projection's [b, l, h, dk] layout: Einsum contracts over it directly (one op where
    // Transpose + BatchMatMulV2 took three; the same products, bit for bit, measured).
    const parts = this.b.executeMultipleOutputs('Unpack', a.unpack, [this.op('Reshape', a.reshape, [qkv, s.qkv5])], 3);
    this.tmp.push(...parts);
    const [q, k, v] = parts as [Tensor, Tensor, Tensor];
    const qs = this.op('Mul', a.float, [q, this.k.scale]);
    let scores = this.op('Einsum', a.scores, [qs, k]); // [b, h, l, l]
    if (this.plan.causal) scores = this.op('AddV2', a.float, [scores, this.k.mask]);
    const prob = this.op('Softmax', a.float, [scores]);
    const ctx = this.op('Reshape', a.reshape, [this.op('Einsum', a.weigh, [prob, v]), s.rowsD]); // [b, l, h, dk] -> [N, d]
    const out = this.op('BiasAdd', a.float, [this.op('MatMul', a.mm, [ctx, w.get(`${p}attention/out_kernel`)]), w.get(`${p}attention/out_bias`)]);
    return { out, cache: { x, qs, k, v, p: prob, ctx } };
  }

  private ffn(x: Tensor, p: string, w: Views): { out: Tensor; cache: FfnCache } {
    const h = this.op('Relu', this.a.float, [this.linear(x, `${p}ffn_1`, w)]);
    return { out: this.linear(h, `${p}ffn_2`, w), cache: { x, h } };
  }

  /** LayerNorm.call over the last axis, keeping xhat and 1/sqrt(var + eps) for the backward pass. */
  private norm(x: Tensor, name: string, w: Views): { y: Tensor; cache: LnCache } {
    const { a } = this;
    const mean = this.op('Mean', a.meanKeep, [x, this.k.lastAxis]);
    const centred = this.op('Sub', a.float, [x, mean]);
    const variance = this.op('Mean', a.meanKeep, [this.op('Square', a.float, [centred]), this.k.lastAxis]);
    const rstd = this.op('Rsqrt', a.float, [this.op('AddV2', a.float, [variance, this.k.eps])]);
    const xhat = this.op('Mul', a.float, [centred, rstd]);
    const gamma = w.get(`${name}/gamma`);
    const y = this.op('AddV2', a.float, [this.op('Mul', a.float, [xhat, gamma]), w.get(`${name}/beta`)]);
    return { y, cache: { xhat, rstd, gamma } };
  }

  // ---- backward (each returns the gradient of its input; parameter gradients go through `put`) ----

  private normBackward(dy: Tensor, c: LnCache, name: string, put: (n: string, g: Tensor) => void): Tensor {
    const { a } = this;
    put(`${name}/beta`, this.op('BiasAddGrad', a.float, [dy]));
    put(`${name}/gamma`, this.op('BiasAddGrad', a.float, [this.op('Mul', a.float, [dy, c.xhat])]));
    const g = this.op('Mul', a.float, [dy, c.gamma]);
    const m1 = this.op('Mean', a.meanKeep, [g, this.k.lastAxis]);
    const m2 = this.op('Mean', a.meanKeep, [this.op('Mul', a.float, [g, c.xhat]), this.k.lastAxis]);
    const inner = this.op('Sub', a.float, [this.op('Sub', a.float, [g, m1]), this.op('Mul', a.float, [c.xhat, m2])]);
    return this.op('Mul', a.float, [inner, c.rstd]);
  }

  private ffnBackward(dy: Tensor, c: FfnCache, p: string, w: Views, put: (n: string, g: Tensor) => void): Tensor {
    const { a } = this;
    put(`${p}ffn_2/kernel`, this.op('MatMul', a.mmTA, [c.h, dy]));
    put(`${p}ffn_2/bias`, this.op('BiasAddGrad', a.float, [dy]));
    const dh = this.op('ReluGrad', a.float, [this.op('MatMul', a.mmTB, [dy, w.get(`${p}ffn_2/kernel`)]), c.h]);
    put(`${p}ffn_1/kernel`, this.op('MatMul', a.mmTA, [c.x, dh]));
    put(`${p}ffn_1/bias`, this.op('BiasAddGrad', a.float, [dh]));
    return this.op('MatMul', a.mmTB, [dh, w.get(`${p}ffn_1/kernel`)]);
  }

  private attentionBackward(dy: Tensor, c: AttentionCache, p: string, w: Views, s: BatchShapes, put: (n: string, g: Tensor) => void): Tensor {
    const { a } = this;
    put(`${p}attention/out_kernel`, this.op('MatMul', a.mmTA, [c.ctx, dy]));
    put(`${p}attention/out_bias`, this.op('BiasAddGrad', a.float, [dy]));
    const dctx2 = this.op('MatMul', a.mmTB, [dy, w.get(`${p}attention/out_kernel`)]);
    const dctx = this.op('Reshape', a.reshape, [dctx2, s.ctx4]); // [b, l, h, dk]
    const dp = this.op('Einsum', a.scores, [dctx, c.v]); // [b, h, l, l]
    const dv = this.op('Einsum', a.weighT, [c.p, dctx]); // [b, l, h, dk]
    // softmax: ds = p (dp - sum_j dp p)
    const dot = this.op('Sum', a.sumKeep, [this.op('Mul', a.float, [dp, c.p]), this.k.lastAxis]);
    const ds = this.op('Mul', a.float, [c.p, this.op('Sub', a.float, [dp, dot])]);
    const dq = this.op('Mul', a.float, [this.op('Einsum', a.weigh, [ds, c.k]), this.k.scale]);
    const dk = this.op('Einsum', a.weighT, [ds, c.qs]);
    const packed = this.op('Pack', a.pack, [dq, dk, dv]); // [b, l, 3, h, dk]
    const dqkv = this.op('Reshape', a.reshape, [packed, s.rows3D]);
    put(`${p}attention/qkv_kernel`, this.op('MatMul', a.mmTA, [c.x, dqkv]));
    put(`${p}attention/qkv_bias`, this.op('BiasAddGrad', a.float, [dqkv]));
    return this.op('MatMul', a.mmTB, [dqkv, w.get(`${p}attention/qkv_kernel`)]);
  }

  // ---- plumbing ----

  /** Views of the parameters by name (SplitV + a Reshape per 2-D kernel); temporaries of this call. */
  private views(): Views {
    const { b, a } = this;
    const parts = b.executeMultipleOutputs('SplitV', a.split, [this.params, this.k.splitSizes, this.k.axis0], this.plan.sizes.length);
    this.tmp.push(...parts);
    const m = new Map<string, Tensor>();
    parts.forEach((t, i) => {
      const shape = this.kernelShapes[i];
      m.set(this.plan.names[i], shape ? this.op('Reshape', a.reshape, [t, shape]) : t);
    });
    return {
      get(name: string): Tensor {
        const t = m.get(name);
        if (!t) throw new Error(`NativeTransformer: no parameter ${name}`);
        return t;
      },
    };
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

  private shapes(batch: number): BatchShapes {
    let s = this.perBatch.get(batch);
    if (!s) {
      const { length: l, dModel: d, heads: h, classes } = this.plan;
      const n = batch * l;
      s = {
        qkv5: tf.keep(tf.tensor1d([batch, l, 3, h, d / h], 'int32')),
        ctx4: tf.keep(tf.tensor1d([batch, l, h, d / h], 'int32')),
        rowsD: tf.keep(tf.tensor1d([n, d], 'int32')),
        rows3D: tf.keep(tf.tensor1d([n, 3 * d], 'int32')),
        tokens: tf.keep(tf.tensor1d([n], 'int32')),
        batchRows: tf.keep(tf.tensor1d([batch, l * d], 'int32')),
        logits3: tf.keep(tf.tensor1d([batch, l, classes], 'int32')),
        gradScale: tf.keep(tf.scalar(1 / n)),
      };
      this.perBatch.set(batch, s);
    }
    return s;
  }
}

function makeAttrs(b: NativeBackend, pieces: number) {
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_INT, TF_FLOAT, TF_INT32 } = b.binding;
  const type = (name: string, value: number): OpAttr => ({ name, type: TF_ATTR_TYPE, value });
  const bool = (name: string, value: boolean): OpAttr => ({ name, type: TF_ATTR_BOOL, value });
  const int = (name: string, value: number): OpAttr => ({ name, type: TF_ATTR_INT, value });
  const float: OpAttr[] = [type('T', TF_FLOAT)];
  const mm = (x: boolean, y: boolean): OpAttr[] => [...float, bool('transpose_a', x), bool('transpose_b', y)];
  const einsum = (equation: string): OpAttr[] => [...float, { name: 'equation', type: b.binding.TF_ATTR_STRING, value: equation }, int('N', 2)];
  return {
    float,
    mm: mm(false, false),
    mmTA: mm(true, false),
    mmTB: mm(false, true),
    mean: [...float, type('Tidx', TF_INT32), bool('keep_dims', false)],
    meanKeep: [...float, type('Tidx', TF_INT32), bool('keep_dims', true)],
    sum: [...float, type('Tidx', TF_INT32), bool('keep_dims', false)],
    sumKeep: [...float, type('Tidx', TF_INT32), bool('keep_dims', true)],
    reshape: [...float, type('Tshape', TF_INT32)],
    reshapeInt: [type('T', TF_INT32), type('Tshape', TF_INT32)],
    unpack: [...float, int('num', 3), int('axis', 2)],
    pack: [...float, int('N', 3), int('axis', 2)],
    // attention over [b, l(q or k), h, dk] operands: scores q k^T, p v, and p^T x for the backward pass
    scores: einsum('bqhd,bkhd->bhqk'),
    weigh: einsum('bhqk,bkhd->bqhd'),
    weighT: einsum('bhqk,bqhd->bkhd'),
    castToInt: [type('SrcT', TF_FLOAT), type('DstT', TF_INT32), bool('Truncate', false)],
    gather: [type('Tparams', TF_FLOAT), type('Tindices', TF_INT32), type('Taxis', TF_INT32), int('batch_dims', 0)],
    segmentSum: [...float, type('Tindices', TF_INT32), type('Tnumsegments', TF_INT32)],
    sparseXent: [...float, type('Tlabels', TF_INT32)],
    split: [...float, type('Tlen', TF_INT32), int('num_split', pieces)],
    concat: [...float, int('N', pieces), type('Tidx', TF_INT32)],
  };
}
