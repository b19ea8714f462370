// The training step of the `transformer` model (models/transformer.ts) as few native TensorFlow ops as it
// takes: the same treatment nativeMlp.ts gives dense models (issue 17).
//
// Why: through tfjs-layers and tf.variableGrads the paper preset (6 post-LN layers, d 64, 4 heads, ff 256,
// 12 tokens) dispatches thousands of small ops per step, each paying ~12 us of fixed cost on tfjs-node.
// Here the forward and backward pass are written out by hand with TF kernels dispatched straight to the
// binding, over ONE flat float32 parameter variable (model.trainableWeights order; nativeFlatStep.ts), so the
// optimizer updates the whole model with ~10 ops. The model's plan: nativeTransformerPlan.ts; the layer's
// pieces (attention, LayerNorm, ffn) and their backward passes: nativeTransformerBlocks.ts. This module joins
// them:
//
//   views       SplitV of the flat parameters (views) + Reshape of each 2-D kernel
//   embedding   Cast ids, GatherV2(E, ids), AddV2 P, Mul sqrt(d), Reshape [N, d]
//   layers      post-LN: x = LN(x + attention(x)); x = LN(x + ffn(x)); pre-LN: x += attention(LN(x));
//               x += ffn(LN(x)), and a final LN
//   loss        logits MatMul + BiasAdd; SparseSoftmaxCrossEntropyWithLogits (loss per token AND its
//               gradient in one kernel) + Mean; the labels are the int32 batch, Reshape [N]
//   backward    the chain rule of each of the above; embedding: UnsortedSegmentSum for E, Sum over the
//               batch for P; each gradient Reshape'd flat and one ConcatV2
//
// Equal to tf.variableGrads through the layers model up to float32 rounding, and to central finite
// differences (test/unit/trainer/nativeTransformer.test.ts). The layers model's variables keep the initial
// weights while training (copyTo writes the trained ones back).
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { FlatStep, FlatStepModel } from './nativeFlatStep';
import { nativeBackend } from './nativeOps';
import {
  attention,
  attentionBackward,
  type BatchShapes,
  type BlockContext,
  ffn,
  ffnBackward,
  linear,
  type LnCache,
  norm,
  normBackward,
  type Put,
  transformerAttrs,
  type TransformerAttrs,
  type Views,
  type AttentionCache,
  type FfnCache,
} from './nativeTransformerBlocks';
import type { NativeTransformerPlan } from './nativeTransformerPlan';

export { nativeTransformerPlan, type NativeTransformerPlan } from './nativeTransformerPlan';

const LAYER_NORM_EPSILON = 1e-5; // as models/transformer.ts
const MASKED = -1e9;

interface LayerCache {
  attention: AttentionCache;
  ffn: FfnCache;
  norm1: LnCache;
  norm2: LnCache;
}

/** The blocks' shapes and the step's own of one batch size. */
interface StepShapes extends BatchShapes {
  tokens: Tensor; // [N]
  batchRows: Tensor; // [b, l*d]
  logits3: Tensor; // [b, l, classes]
  gradScale: Scalar; // 1/N
}

export class NativeTransformer extends FlatStepModel {
  private readonly a: TransformerAttrs;
  private readonly c: BlockContext;
  private readonly index = new Map<string, number>();
  private readonly k: { sqrtD: Scalar; vocabulary: Tensor } & BlockContext['k'];
  private readonly perBatch = new Map<number, StepShapes>();

  constructor(
    readonly plan: NativeTransformerPlan,
    initial: readonly Tensor[],
  ) {
    const b = nativeBackend();
    if (!b) throw new Error('NativeTransformer needs the native TensorFlow backend');
    super(
      new FlatStep(
        plan.sizes,
        plan.shapes.map((s) => (s.length > 1 ? s : null)),
        initial,
      ),
    );
    this.a = transformerAttrs(b, plan.sizes.length);
    plan.names.forEach((n, i) => this.index.set(n, i));
    const l = plan.length;
    const mask = new Float32Array(l * l);
    for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) mask[i * l + j] = MASKED;
    this.k = {
      lastAxis: tf.tensor1d([-1], 'int32'),
      scale: tf.scalar(1 / Math.sqrt(plan.dModel / plan.heads)),
      sqrtD: tf.scalar(Math.sqrt(plan.dModel)),
      eps: tf.scalar(LAYER_NORM_EPSILON),
      mask: tf.tensor2d(mask, [l, l]),
      vocabulary: tf.scalar(plan.vocabulary, 'int32'),
    };
    for (const t of Object.values(this.k)) tf.keep(t);
    this.c = { f: this.f, a: this.a, k: this.k, causal: plan.causal };
  }

  /**
   * Mean per-token cross-entropy of the batch and its gradient with respect to `params` (flat).
   * x: token ids [batch, length] (float32, as uploaded); y: int32 class ids [batch, length].
   */
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor } {
    const { f, a, c } = this;
    try {
      const w = this.views();
      const s = this.shapes(x.shape[0]);
      const { logits, caches, top, ids } = this.forward(x, w, s);
      const labels = f.op('Reshape', a.reshapeInt, [y, s.tokens]);
      const [perToken, backprop] = f.ops('SparseSoftmaxCrossEntropyWithLogits', a.sparseXent, [logits, labels], 2);
      const loss = f.owned('Mean', a.mean, [perToken, f.axis0]) as Scalar;
      const grads: Tensor[] = new Array(this.plan.names.length);
      const put: Put = (name, g) => (grads[this.index.get(name) as number] = g);
      // logits
      const g0 = f.op('Mul', a.float, [backprop, s.gradScale]);
      put('logits/kernel', f.op('MatMul', a.mmTA, [top, g0]));
      put('logits/bias', f.op('BiasAddGrad', a.float, [g0]));
      let g = f.op('MatMul', a.mmTB, [g0, w.get('logits/kernel')]);
      if (this.plan.norm === 'pre') g = normBackward(c, g, caches.final as LnCache, 'final_norm', put);
      for (let i = this.plan.layers - 1; i >= 0; i--) {
        const e = `enc_${i}_`;
        const l = caches.layers[i];
        if (this.plan.norm === 'post') {
          const dr2 = normBackward(c, g, l.norm2, `${e}norm_2`, put);
          const dx1 = f.op('AddV2', a.float, [dr2, ffnBackward(c, dr2, l.ffn, e, w, put)]);
          const dr1 = normBackward(c, dx1, l.norm1, `${e}norm_1`, put);
          g = f.op('AddV2', a.float, [dr1, attentionBackward(c, dr1, l.attention, e, w, s, put)]);
        } else {
          const dn2 = ffnBackward(c, g, l.ffn, e, w, put);
          const dx1 = f.op('AddV2', a.float, [g, normBackward(c, dn2, l.norm2, `${e}norm_2`, put)]);
          const dn1 = attentionBackward(c, dx1, l.attention, e, w, s, put);
          g = f.op('AddV2', a.float, [dx1, normBackward(c, dn1, l.norm1, `${e}norm_1`, put)]);
        }
      }
      // embedding: x0 = sqrt(d) (E[ids] + P)
      const ds = f.op('Mul', a.float, [g, this.k.sqrtD]); // [N, d]
      const idsFlat = f.op('Reshape', a.reshapeInt, [ids, s.tokens]);
      put('embedding/tokens', f.op('UnsortedSegmentSum', a.segmentSum, [ds, idsFlat, this.k.vocabulary]));
      put('embedding/positions', f.op('Sum', a.sum, [f.op('Reshape', a.reshape, [ds, s.batchRows]), f.axis0]));
      return { loss, gradient: f.flatGradient(grads) };
    } finally {
      f.release();
    }
  }

  /** Logits [n, length, classes] for token ids x [n, length]. */
  predict(x: Tensor): Tensor {
    try {
      const s = this.shapes(x.shape[0]);
      const { logits } = this.forward(x, this.views(), s);
      return this.f.owned('Reshape', this.a.reshape, [logits, s.logits3]);
    } finally {
      this.f.release();
    }
  }

  /** Writes the trained parameters into the model's variables (model.trainableWeights order). */
  copyTo(variables: readonly Variable[]): void {
    try {
      const w = this.views();
      variables.forEach((v, i) => v.assign(w.get(this.plan.names[i])));
    } finally {
      this.f.release();
    }
  }

  dispose(): void {
    this.f.dispose();
    tf.dispose(Object.values(this.k));
    for (const s of this.perBatch.values()) tf.dispose(Object.values(s));
    this.perBatch.clear();
  }

  private forward(x: Tensor, w: Views, s: StepShapes) {
    const { f, a, c } = this;
    const ids = f.op('Cast', a.castToInt, [x]);
    const e = f.op('GatherV2', a.gather, [w.get('embedding/tokens'), ids, f.axis0]); // [b, l, d]
    const sum = f.op('AddV2', a.float, [e, w.get('embedding/positions')]);
    let h = f.op('Reshape', a.reshape, [f.op('Mul', a.float, [sum, this.k.sqrtD]), s.rowsD]);
    const layers: LayerCache[] = [];
    for (let i = 0; i < this.plan.layers; i++) {
      const p = `enc_${i}_`;
      if (this.plan.norm === 'post') {
        const att = attention(c, h, p, w, s);
        const n1 = norm(c, f.op('AddV2', a.float, [h, att.out]), `${p}norm_1`, w);
        const ff = ffn(c, n1.y, p, w);
        const n2 = norm(c, f.op('AddV2', a.float, [n1.y, ff.out]), `${p}norm_2`, w);
        layers.push({ attention: att.cache, ffn: ff.cache, norm1: n1.cache, norm2: n2.cache });
        h = n2.y;
      } else {
        const n1 = norm(c, h, `${p}norm_1`, w);
        const att = attention(c, n1.y, p, w, s);
        const x1 = f.op('AddV2', a.float, [h, att.out]);
        const n2 = norm(c, x1, `${p}norm_2`, w);
        const ff = ffn(c, n2.y, p, w);
        h = f.op('AddV2', a.float, [x1, ff.out]);
        layers.push({ attention: att.cache, ffn: ff.cache, norm1: n1.cache, norm2: n2.cache });
      }
    }
    let final: LnCache | null = null;
    if (this.plan.norm === 'pre') {
      const n = norm(c, h, 'final_norm', w);
      final = n.cache;
      h = n.y;
    }
    const logits = linear(c, h, 'logits', w);
    return { logits, top: h, ids, caches: { layers, final } };
  }

  /** Views of the parameters by name (SplitV + a Reshape per 2-D kernel); temporaries of this call. */
  private views(): Views {
    const parts = this.f.views();
    return {
      get: (name: string): Tensor => {
        const i = this.index.get(name);
        if (i === undefined) throw new Error(`NativeTransformer: no parameter ${name}`);
        return parts[i];
      },
    };
  }

  private shapes(batch: number): StepShapes {
    let s = this.perBatch.get(batch);
    if (!s) {
      const { length: l, dModel: d, heads: h, classes } = this.plan;
      const n = batch * l;
      const shape = (dims: number[]) => tf.keep(tf.tensor1d(dims, 'int32'));
      s = {
        qkv5: shape([batch, l, 3, h, d / h]),
        ctx4: shape([batch, l, h, d / h]),
        rowsD: shape([n, d]),
        rows3D: shape([n, 3 * d]),
        tokens: shape([n]),
        batchRows: shape([batch, l * d]),
        logits3: shape([batch, l, classes]),
        gradScale: tf.keep(tf.scalar(1 / n)),
      };
      this.perBatch.set(batch, s);
    }
    return s;
  }
}
