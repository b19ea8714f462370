// A small Transformer encoder for the token-sequence sets (reverse, sort, copy-shift): one prediction per
// position, logits [batch, length, vocabulary].
//
//   embedding           x_0 = sqrt(d) * (E[token] + P[position])      E, P learned, N(0, 1/d) entries
//   per layer i, post-LN (the original Transformer, and the paper's setting):
//     x = LN(x + Attention(x))                      enc_i_attention, enc_i_norm_1
//     x = LN(x + W2 relu(W1 x + b1) + b2)           enc_i_ffn_1, enc_i_ffn_2, enc_i_norm_2
//   pre-LN (norm: 'pre'): x = x + Attention(LN(x)); x = x + FFN(LN(x)); one more LN (final_norm) at the end
//   logits              W x + b                                        logits
//
// Attention is multi-head scaled dot-product self-attention with one fused [d, 3d] projection for queries,
// keys and values (fewer kernels per step: on tfjs-node each costs ~12 us whatever its size) and an output
// projection; `causal` masks every key after the query's position. No dropout (runs must be reproducible
// and comparable step by step).
//
// Everything is a tfjs-layers Layer inside a functional tf.LayersModel, so the engine's
// model.apply(x, {training}), getWeights/setWeights, trainableWeights and dispose work as for the mlp.
// Parameter names are stable (`enc_0_attention/qkv_kernel`, `enc_0_norm_1/gamma`, ...; layerOf() cuts at
// the last '/', so per-layer histograms group them by sublayer), and every initializer is seeded from
// (seed, layer name). Linear maps use Glorot uniform as fairseq's Transformer does (the fused projection
// uses the limit of three separate d x d maps).
import { tf } from '../../tf';
// Types only (erased at build): the tfjs instance itself always comes from ../../tf.
import type { LayersModel, LayerVariable, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import type { ModelSpec } from '../../runSpec/runSpec';
import { deriveSeed } from '../random';
import type { DatasetInfo } from '../../shared/datasetInfo';
import { checkTransformer, transformerSizes } from './fit';
import { kernelInitializer } from './layers';

type Shape = (number | null)[];
/** The tfjs-layers base class of the loaded tfjs instance (types from the package). */
const Layer = tf.layers.Layer;

const LAYER_NORM_EPSILON = 1e-5;
/** Added to masked attention scores: exp underflows to exactly 0 in float32. */
const MASKED = -1e9;

function one(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function uniform(limit: number, seed: number, tag: string) {
  return tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: deriveSeed(seed, `init/${tag}`) });
}

function normal(std: number, seed: number, tag: string) {
  return tf.initializers.randomNormal({ mean: 0, stddev: std, seed: deriveSeed(seed, `init/${tag}`) });
}

/** Token ids (as floats or ints) [batch, length] -> sqrt(d) (E[token] + P[position]) [batch, length, d]. */
export class TokenPositionEmbedding extends Layer {
  static className = 'RadamTokenPositionEmbedding';
  private tokens!: LayerVariable;
  private positions!: LayerVariable;

  constructor(private readonly cfg: { name: string; vocabulary: number; length: number; dModel: number; seed: number }) {
    super({ name: cfg.name });
  }

  override build(): void {
    const { vocabulary, length, dModel, seed, name } = this.cfg;
    const std = 1 / Math.sqrt(dModel);
    this.tokens = this.addWeight('tokens', [vocabulary, dModel], 'float32', normal(std, seed, `${name}/tokens`));
    this.positions = this.addWeight('positions', [length, dModel], 'float32', normal(std, seed, `${name}/positions`));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], s[1], this.cfg.dModel];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(one(inputs), 'int32');
      const e = tf.gather(this.tokens.read(), ids); // [batch, length, d]
      return tf.mul(tf.add(e, this.positions.read()), tf.scalar(Math.sqrt(this.cfg.dModel)));
    });
  }

  override getConfig() {
    return { ...super.getConfig(), ...this.cfg };
  }
}

/** Multi-head scaled dot-product self-attention, [batch, length, d] -> [batch, length, d]. */
export class SelfAttention extends Layer {
  static className = 'RadamSelfAttention';
  private qkvKernel!: LayerVariable;
  private qkvBias!: LayerVariable;
  private outKernel!: LayerVariable;
  private outBias!: LayerVariable;

  constructor(private readonly cfg: { name: string; heads: number; causal: boolean; seed: number }) {
    super({ name: cfg.name });
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const d = s[s.length - 1] as number;
    const { seed, name } = this.cfg;
    const limit = Math.sqrt(6 / (d + d)); // Glorot of one d x d map
    this.qkvKernel = this.addWeight('qkv_kernel', [d, 3 * d], 'float32', uniform(limit, seed, `${name}/qkv`));
    this.qkvBias = this.addWeight('qkv_bias', [3 * d], 'float32', tf.initializers.zeros());
    this.outKernel = this.addWeight('out_kernel', [d, d], 'float32', uniform(limit, seed, `${name}/out`));
    this.outBias = this.addWeight('out_bias', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => this.attend(one(inputs)).output);
  }

  /**
   * The attention output and, when asked, the attention weights [batch, heads, length, length] (for tests
   * and views; not part of the model's output).
   */
  attend(x: Tensor, withWeights = false): { output: Tensor; weights?: Tensor } {
    const [b, l, d] = x.shape as [number, number, number];
    const h = this.cfg.heads;
    const dk = d / h;
    const qkv = tf.add(tf.matMul(tf.reshape(x, [b * l, d]), this.qkvKernel.read()), this.qkvBias.read());
    // [b*l, 3d] -> [3, b, h, l, dk]
    const [q, k, v] = tf.unstack(tf.transpose(tf.reshape(qkv, [b, l, 3, h, dk]), [2, 0, 3, 1, 4]));
    let scores = tf.matMul(tf.mul(q, tf.scalar(1 / Math.sqrt(dk))), k, false, true); // [b, h, l, l]
    if (this.cfg.causal) scores = tf.add(scores, causalMask(l));
    const p = tf.softmax(scores);
    const ctx = tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [b * l, d]);
    const output = tf.reshape(tf.add(tf.matMul(ctx, this.outKernel.read()), this.outBias.read()), [b, l, d]);
    return withWeights ? { output, weights: p } : { output };
  }

  override getConfig() {
    return { ...super.getConfig(), ...this.cfg };
  }
}

/** [l, l]: 0 where key j <= query i, MASKED after it. */
function causalMask(l: number): Tensor {
  const m = new Float32Array(l * l);
  for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) m[i * l + j] = MASKED;
  return tf.tensor2d(m, [l, l]);
}

/** Layer normalization over the last axis: gamma (x - mean) / sqrt(var + eps) + beta. */
export class LayerNorm extends Layer {
  static className = 'RadamLayerNorm';
  private gamma!: LayerVariable;
  private beta!: LayerVariable;

  constructor(args: { name: string }) {
    super(args);
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const d = s[s.length - 1] as number;
    this.gamma = this.addWeight('gamma', [d], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const axis = x.rank - 1;
      const centred = tf.sub(x, tf.mean(x, axis, true));
      const variance = tf.mean(tf.square(centred), axis, true);
      const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, tf.scalar(LAYER_NORM_EPSILON))));
      return tf.add(tf.mul(normed, this.gamma.read()), this.beta.read());
    });
  }
}

for (const cls of [TokenPositionEmbedding, SelfAttention, LayerNorm]) tf.serialization.registerClass(cls);

export function buildTransformer(spec: ModelSpec, info: DatasetInfo, seed: number): LayersModel {
  if (!info.sequence) throw new Error(`transformer: dataset "${info.name}" is not a token-sequence set`);
  const z = transformerSizes(spec);
  const { length, vocabulary } = info.sequence;
  const dense = (name: string, units: number, activation: 'relu' | 'linear') =>
    tf.layers.dense({
      name,
      units,
      activation,
      // Glorot uniform for every linear map (kernelInitializer('linear')), as fairseq's Transformer.
      kernelInitializer: kernelInitializer('linear', seed, name),
      biasInitializer: 'zeros',
    });
  const input = tf.input({ shape: [length], name: 'tokens' });
  let x = new TokenPositionEmbedding({ name: 'embedding', vocabulary, length, dModel: z.dModel, seed }).apply(input) as SymbolicTensor;
  const apply = (layer: { apply(x: SymbolicTensor | SymbolicTensor[]): unknown }, ...xs: SymbolicTensor[]) =>
    layer.apply(xs.length === 1 ? xs[0] : xs) as SymbolicTensor;
  for (let i = 0; i < z.layers; i++) {
    const p = `enc_${i}_`;
    const attention = new SelfAttention({ name: `${p}attention`, heads: z.heads, causal: z.causal, seed });
    const norm1 = new LayerNorm({ name: `${p}norm_1` });
    const norm2 = new LayerNorm({ name: `${p}norm_2` });
    const ffn = (h: SymbolicTensor) => apply(dense(`${p}ffn_2`, z.dModel, 'linear'), apply(dense(`${p}ffn_1`, z.ffDim, 'relu'), h));
    const add1 = tf.layers.add({ name: `${p}residual_1` });
    const add2 = tf.layers.add({ name: `${p}residual_2` });
    if (z.norm === 'post') {
      x = apply(norm1, apply(add1, x, apply(attention, x)));
      x = apply(norm2, apply(add2, x, ffn(x)));
    } else {
      x = apply(add1, x, apply(attention, apply(norm1, x)));
      x = apply(add2, x, ffn(apply(norm2, x)));
    }
  }
  if (z.norm === 'pre') x = apply(new LayerNorm({ name: 'final_norm' }), x);
  const logits = apply(dense('logits', info.outputSize, 'linear'), x);
  return tf.model({ inputs: input, outputs: logits, name: 'transformer' });
}

export const transformerBuilder = { build: buildTransformer, check: checkTransformer };
