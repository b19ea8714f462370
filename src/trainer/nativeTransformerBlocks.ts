// The pieces of a Transformer encoder layer for the native step (nativeTransformer.ts), each a forward that
// keeps what its backward needs and a backward that returns the gradient of its input and hands the
// parameters' gradients to `put`. Activations are 2-D [N, d] (N = batch x length tokens); attention runs for
// all heads at once in the projection's [b, l, h, dk] layout.
//
//   attention   qkv = x Wqkv + b (MatMul, BiasAdd) -> Reshape [b, l, 3, h, dk] -> Unpack q, k, v;
//               Mul q by 1/sqrt(dk); Einsum q k^T -> [b, h, l, l]; [causal: AddV2 mask]; Softmax;
//               Einsum p v -> [b, l, h, dk]; Reshape [N, d]; MatMul, BiasAdd (no Transpose anywhere)
//   layer norm  Mean, Sub, Square, Mean, AddV2 eps, Rsqrt, Mul, Mul gamma, AddV2 beta (as LayerNorm.call);
//               backward dx = rstd (g - mean g - xhat mean(g xhat)) with g = dy gamma
//   ffn         MatMul, BiasAdd, Relu, MatMul, BiasAdd
//   softmax     backward ds = p (dp - sum(dp p))
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { commonAttrs, type FlatStep } from './nativeFlatStep';
import type { NativeBackend } from './nativeOps';

/** The parameter views of one call, by stable name. */
export interface Views {
  get(name: string): Tensor;
}

export type Put = (name: string, gradient: Tensor) => void;

/** Kept constants of the model (scalars, the causal mask). */
export interface Constants {
  lastAxis: Tensor;
  scale: Scalar; // 1/sqrt(dk)
  eps: Scalar;
  mask: Tensor;
}

/** Kept int32 shape tensors of one batch size. */
export interface BatchShapes {
  qkv5: Tensor; // [b, l, 3, h, dk]
  ctx4: Tensor; // [b, l, h, dk]
  rowsD: Tensor; // [N, d]
  rows3D: Tensor; // [N, 3d]
}

export interface LnCache {
  xhat: Tensor;
  rstd: Tensor;
  gamma: Tensor;
}
export interface AttentionCache {
  x: Tensor;
  qs: Tensor;
  k: Tensor;
  v: Tensor;
  p: Tensor;
  ctx: Tensor;
}
export interface FfnCache {
  x: Tensor;
  h: Tensor;
}

/** The Transformer's attributes: the common ones and attention's. */
export function transformerAttrs(b: NativeBackend, pieces: number) {
  const c = commonAttrs(b, pieces);
  const { type, bool, int, string } = c.helpers;
  const { TF_FLOAT, TF_INT32 } = b.binding;
  const einsum = (equation: string) => [...c.float, string('equation', equation), int('N', 2)];
  return {
    ...c,
    unpack: [...c.float, int('num', 3), int('axis', 2)],
    pack: [...c.float, int('N', 3), int('axis', 2)],
    // attention over [b, l(q or k), h, dk] operands: scores q k^T, p v, and p^T x for the backward pass
    scores: einsum('bqhd,bkhd->bhqk'),
    weigh: einsum('bhqk,bkhd->bqhd'),
    weighT: einsum('bhqk,bqhd->bkhd'),
    castToInt: [type('SrcT', TF_FLOAT), type('DstT', TF_INT32), bool('Truncate', false)],
    gather: [type('Tparams', TF_FLOAT), type('Tindices', TF_INT32), type('Taxis', TF_INT32), int('batch_dims', 0)],
    segmentSum: [...c.float, type('Tindices', TF_INT32), type('Tnumsegments', TF_INT32)],
    sparseXent: [...c.float, type('Tlabels', TF_INT32)],
  };
}

export type TransformerAttrs = ReturnType<typeof transformerAttrs>;

/** What every block needs: the step's dispatch and temporaries, the attributes, the kept constants. */
export interface BlockContext {
  f: FlatStep;
  a: TransformerAttrs;
  k: Constants;
  causal: boolean;
}

export function linear({ f, a }: BlockContext, x: Tensor, name: string, w: Views): Tensor {
  return f.op('BiasAdd', a.float, [f.op('MatMul', a.mm, [x, w.get(`${name}/kernel`)]), w.get(`${name}/bias`)]);
}

export function attention(c: BlockContext, x: Tensor, p: string, w: Views, s: BatchShapes): { out: Tensor; cache: AttentionCache } {
  const { f, a, k } = c;
  const qkv = f.op('BiasAdd', a.float, [f.op('MatMul', a.mm, [x, w.get(`${p}attention/qkv_kernel`)]), w.get(`${p}attention/qkv_bias`)]);
  // q, k, v stay in the projection's [b, l, h, dk] layout: Einsum contracts over it directly (one op where
  // Transpose + BatchMatMulV2 took three; the same products, bit for bit, measured).
  const [q, kk, v] = f.ops('Unpack', a.unpack, [f.op('Reshape', a.reshape, [qkv, s.qkv5])], 3) as [Tensor, Tensor, Tensor];
  const qs = f.op('Mul', a.float, [q, k.scale]);
  let scores = f.op('Einsum', a.scores, [qs, kk]); // [b, h, l, l]
  if (c.causal) scores = f.op('AddV2', a.float, [scores, k.mask]);
  const prob = f.op('Softmax', a.float, [scores]);
  const ctx = f.op('Reshape', a.reshape, [f.op('Einsum', a.weigh, [prob, v]), s.rowsD]); // [b, l, h, dk] -> [N, d]
  const out = f.op('BiasAdd', a.float, [f.op('MatMul', a.mm, [ctx, w.get(`${p}attention/out_kernel`)]), w.get(`${p}attention/out_bias`)]);
  return { out, cache: { x, qs, k: kk, v, p: prob, ctx } };
}

export function attentionBackward(c: BlockContext, dy: Tensor, at: AttentionCache, p: string, w: Views, s: BatchShapes, put: Put): Tensor {
  const { f, a, k } = c;
  put(`${p}attention/out_kernel`, f.op('MatMul', a.mmTA, [at.ctx, dy]));
  put(`${p}attention/out_bias`, f.op('BiasAddGrad', a.float, [dy]));
  const dctx2 = f.op('MatMul', a.mmTB, [dy, w.get(`${p}attention/out_kernel`)]);
  const dctx = f.op('Reshape', a.reshape, [dctx2, s.ctx4]); // [b, l, h, dk]
  const dp = f.op('Einsum', a.scores, [dctx, at.v]); // [b, h, l, l]
  const dv = f.op('Einsum', a.weighT, [at.p, dctx]); // [b, l, h, dk]
  // softmax: ds = p (dp - sum_j dp p)
  const dot = f.op('Sum', a.sumKeep, [f.op('Mul', a.float, [dp, at.p]), k.lastAxis]);
  const ds = f.op('Mul', a.float, [at.p, f.op('Sub', a.float, [dp, dot])]);
  const dq = f.op('Mul', a.float, [f.op('Einsum', a.weigh, [ds, at.k]), k.scale]);
  const dk = f.op('Einsum', a.weighT, [ds, at.qs]);
  const packed = f.op('Pack', a.pack, [dq, dk, dv]); // [b, l, 3, h, dk]
  const dqkv = f.op('Reshape', a.reshape, [packed, s.rows3D]);
  put(`${p}attention/qkv_kernel`, f.op('MatMul', a.mmTA, [at.x, dqkv]));
  put(`${p}attention/qkv_bias`, f.op('BiasAddGrad', a.float, [dqkv]));
  return f.op('MatMul', a.mmTB, [dqkv, w.get(`${p}attention/qkv_kernel`)]);
}

export function ffn(c: BlockContext, x: Tensor, p: string, w: Views): { out: Tensor; cache: FfnCache } {
  const h = c.f.op('Relu', c.a.float, [linear(c, x, `${p}ffn_1`, w)]);
  return { out: linear(c, h, `${p}ffn_2`, w), cache: { x, h } };
}

export function ffnBackward({ f, a }: BlockContext, dy: Tensor, c: FfnCache, p: string, w: Views, put: Put): Tensor {
  put(`${p}ffn_2/kernel`, f.op('MatMul', a.mmTA, [c.h, dy]));
  put(`${p}ffn_2/bias`, f.op('BiasAddGrad', a.float, [dy]));
  const dh = f.op('ReluGrad', a.float, [f.op('MatMul', a.mmTB, [dy, w.get(`${p}ffn_2/kernel`)]), c.h]);
  put(`${p}ffn_1/kernel`, f.op('MatMul', a.mmTA, [c.x, dh]));
  put(`${p}ffn_1/bias`, f.op('BiasAddGrad', a.float, [dh]));
  return f.op('MatMul', a.mmTB, [dh, w.get(`${p}ffn_1/kernel`)]);
}

/** LayerNorm.call over the last axis, keeping xhat and 1/sqrt(var + eps) for the backward pass. */
export function norm({ f, a, k }: BlockContext, x: Tensor, name: string, w: Views): { y: Tensor; cache: LnCache } {
  const mean = f.op('Mean', a.meanKeep, [x, k.lastAxis]);
  const centred = f.op('Sub', a.float, [x, mean]);
  const variance = f.op('Mean', a.meanKeep, [f.op('Square', a.float, [centred]), k.lastAxis]);
  const rstd = f.op('Rsqrt', a.float, [f.op('AddV2', a.float, [variance, k.eps])]);
  const xhat = f.op('Mul', a.float, [centred, rstd]);
  const gamma = w.get(`${name}/gamma`);
  const y = f.op('AddV2', a.float, [f.op('Mul', a.float, [xhat, gamma]), w.get(`${name}/beta`)]);
  return { y, cache: { xhat, rstd, gamma } };
}

export function normBackward({ f, a, k }: BlockContext, dy: Tensor, c: LnCache, name: string, put: Put): Tensor {
  put(`${name}/beta`, f.op('BiasAddGrad', a.float, [dy]));
  put(`${name}/gamma`, f.op('BiasAddGrad', a.float, [f.op('Mul', a.float, [dy, c.xhat])]));
  const g = f.op('Mul', a.float, [dy, c.gamma]);
  const m1 = f.op('Mean', a.meanKeep, [g, k.lastAxis]);
  const m2 = f.op('Mean', a.meanKeep, [f.op('Mul', a.float, [g, c.xhat]), k.lastAxis]);
  const inner = f.op('Sub', a.float, [f.op('Sub', a.float, [g, m1]), f.op('Mul', a.float, [c.xhat, m2])]);
  return f.op('Mul', a.float, [inner, c.rstd]);
}
