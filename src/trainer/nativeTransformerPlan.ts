// What the native Transformer step (nativeTransformer.ts) needs to know of a `transformer` model
// (models/transformer.ts): its sizes, and that its parameters are exactly the ones the step computes with, in
// model.trainableWeights order. Anything else gets no plan and trains through tf.variableGrads.
import type { LayersModel } from '@tensorflow/tfjs';
import { nativeBackend } from './nativeOps';

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
