// The transformer model and the token-sequence sets: shapes, names, seeding, masking, the per-token loss,
// and gradients against finite differences.
import assert from 'node:assert/strict';
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { DatasetSpec, ModelSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading, DatasetError, loadDataset, sequenceTarget, type DatasetInfo } from '../../../src/trainer/datasets';
import { buildModel, checkModelFits, lossAndAccuracy, parameterNames, trainableVariables } from '../../../src/trainer/models';
import { SelfAttention } from '../../../src/trainer/models/transformer';
import { Random } from '../../../src/trainer/random';

const seq = (name: DatasetSpec['name'], extra: Partial<DatasetSpec> = {}): DatasetSpec => ({ name, validationSplit: 0.2, ...extra });
const info = (L: number, V: number): DatasetInfo => datasetInfoWithoutLoading('reverse', { sequenceLength: L, vocabularySize: V })!;
const tx = (over: Partial<ModelSpec> = {}): ModelSpec => ({ name: 'transformer', hiddenLayers: [], activation: 'relu', layers: 2, dModel: 16, heads: 4, ...over });
const weights = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/** Random token ids [b, L] as the engine uploads them (float32). */
function tokens(b: number, L: number, V: number, seed: number): Tensor {
  const r = new Random(seed, 'tokens');
  return tf.tensor2d(Float32Array.from({ length: b * L }, () => r.int(V)), [b, L]);
}

describe('transformer: sequence datasets', () => {
  it('reverse, sort and copy-shift targets, per position', () => {
    const x = [3, 1, 4, 1, 5, 9];
    const y = (name: 'reverse' | 'sort' | 'copy-shift', shift = 1) => {
      const out = new Array<number>(x.length);
      sequenceTarget(name, x, out, shift);
      return out;
    };
    assert.deepEqual(y('reverse'), [9, 5, 1, 4, 1, 3]);
    assert.deepEqual(y('sort'), [1, 1, 3, 4, 5, 9]);
    assert.deepEqual(y('copy-shift'), [9, 3, 1, 4, 1, 5]);
    assert.deepEqual(y('copy-shift', 2), [5, 9, 3, 1, 4, 1]);
    assert.deepEqual(y('copy-shift', 0), x);
  });

  it('loads deterministic token sequences of the asked sizes, with their targets', () => {
    for (const name of ['reverse', 'sort', 'copy-shift'] as const) {
      const a = loadDataset(seq(name, { sequenceLength: 7, vocabularySize: 5, samples: 200 }), 3);
      const b = loadDataset(seq(name, { sequenceLength: 7, vocabularySize: 5, samples: 200 }), 3);
      const c = loadDataset(seq(name, { sequenceLength: 7, vocabularySize: 5, samples: 200 }), 4);
      assert.deepEqual(a, b, `${name}: same seed, same data`);
      assert.notDeepEqual(a.train.x, c.train.x, `${name}: another seed, other data`);
      assert.deepEqual(a.info, { name, task: 'classification', inputShape: [7], outputSize: 5, sequence: { length: 7, vocabulary: 5 } });
      assert.deepEqual(a.info, datasetInfoWithoutLoading(name, { sequenceLength: 7, vocabularySize: 5 }));
      assert.equal(a.train.n + a.validation.n, 200);
      assert.equal(a.validation.n, 40);
      for (const split of [a.train, a.validation]) {
        assert.equal(split.x.length, split.n * 7);
        assert.equal(split.y.length, split.n * 7);
        for (let i = 0; i < split.n; i++) {
          const xi = Array.from(split.x.subarray(i * 7, (i + 1) * 7));
          assert.ok(xi.every((t) => Number.isInteger(t) && t >= 0 && t < 5), 'token ids, not scaled');
          const want = new Array<number>(7);
          sequenceTarget(name, xi, want, 1);
          assert.deepEqual(Array.from(split.y.subarray(i * 7, (i + 1) * 7)), want);
        }
      }
    }
    // Defaults: 12 tokens of 16, 10,000 sequences.
    const d = loadDataset(seq('sort'), 1);
    assert.deepEqual(d.info.inputShape, [12]);
    assert.equal(d.info.outputSize, 16);
    assert.equal(d.train.n + d.validation.n, 10_000);
  });

  it('rejects bad sizes with a DatasetError naming the field', () => {
    assert.throws(() => loadDataset(seq('reverse', { sequenceLength: 1 }), 1), /reverse: sequenceLength must be an integer in \[2, 64\]/);
    assert.throws(() => loadDataset(seq('sort', { vocabularySize: 300 }), 1), DatasetError);
    assert.throws(() => loadDataset(seq('copy-shift', { sequenceLength: 4, shift: 4 }), 1), /shift must be an integer in \[0, 3\]/);
  });
});

describe('transformer: model', function () {
  this.timeout(60_000);

  it('maps [batch, length] tokens to [batch, length, vocabulary] logits, post-LN and pre-LN', () => {
    for (const norm of ['post', 'pre'] as const) {
      const m = buildModel(tx({ norm, layers: 3 }), info(9, 11), 1);
      assert.deepEqual(m.outputs[0].shape, [null, 9, 11]);
      const x = tokens(5, 9, 11, 1);
      const y = m.apply(x, { training: true }) as Tensor;
      assert.deepEqual(y.shape, [5, 9, 11]);
      assert.ok(Array.from(y.dataSync()).every(Number.isFinite));
      tf.dispose([x, y]);
      m.dispose();
    }
  });

  it('has stable parameter names (one layer per sublayer, for per-layer histograms) and the expected sizes', () => {
    const d = 16;
    const ff = 24;
    const V = 7;
    const L = 5;
    const post = buildModel(tx({ layers: 2, dModel: d, ffDim: ff }), info(L, V), 1);
    const again = buildModel(tx({ layers: 2, dModel: d, ffDim: ff }), info(L, V), 1);
    const block = (i: number) => [
      `enc_${i}_attention/qkv_kernel`, `enc_${i}_attention/qkv_bias`, `enc_${i}_attention/out_kernel`, `enc_${i}_attention/out_bias`,
      `enc_${i}_norm_1/gamma`, `enc_${i}_norm_1/beta`,
      `enc_${i}_ffn_1/kernel`, `enc_${i}_ffn_1/bias`, `enc_${i}_ffn_2/kernel`, `enc_${i}_ffn_2/bias`,
      `enc_${i}_norm_2/gamma`, `enc_${i}_norm_2/beta`,
    ];
    const names = ['embedding/tokens', 'embedding/positions', ...block(0), ...block(1), 'logits/kernel', 'logits/bias'];
    assert.deepEqual(parameterNames(post), names);
    assert.deepEqual(parameterNames(again), names, 'the same names in a second model of the process');
    const perLayer = 4 * d * d + 4 * d + 4 * d + (d * ff + ff + ff * d + d);
    assert.equal(post.countParams(), (V + L) * d + 2 * perLayer + d * V + V);
    const pre = buildModel(tx({ layers: 2, dModel: d, ffDim: ff, norm: 'pre' }), info(L, V), 1);
    // Pre-LN: each norm comes before its sublayer (trainableWeights follow the order of the graph).
    const preBlock = (i: number) => {
      const b = block(i);
      return [...b.slice(4, 6), ...b.slice(0, 4), ...b.slice(10, 12), ...b.slice(6, 10)];
    };
    assert.deepEqual(parameterNames(pre), [
      'embedding/tokens', 'embedding/positions', ...preBlock(0), ...preBlock(1), 'final_norm/gamma', 'final_norm/beta', 'logits/kernel', 'logits/bias',
    ]);
    // Defaults: ffDim = 4 dModel.
    const dflt = buildModel(tx({ dModel: 8, heads: 2, layers: 1 }), info(L, V), 1);
    assert.deepEqual(dflt.trainableWeights.find((w) => w.originalName === 'enc_0_ffn_1/kernel')!.shape, [8, 32]);
    for (const m of [post, again, pre, dflt]) m.dispose();
  });

  it('gives identical initial weights for one seed, other weights for another, and no two equal blocks', () => {
    const a = buildModel(tx(), info(6, 8), 5);
    const b = buildModel(tx(), info(6, 8), 5);
    const c = buildModel(tx(), info(6, 8), 6);
    assert.deepEqual(weights(a), weights(b));
    assert.notDeepEqual(weights(a), weights(c));
    const byName = (m: LayersModel, n: string) => Array.from(m.trainableWeights.find((w) => w.originalName === n)!.read().dataSync());
    assert.notDeepEqual(byName(a, 'enc_0_attention/qkv_kernel'), byName(a, 'enc_1_attention/qkv_kernel'));
    assert.notDeepEqual(byName(a, 'enc_0_ffn_1/kernel'), byName(a, 'enc_1_ffn_1/kernel'));
    for (const m of [a, b, c]) m.dispose();
  });

  it('is refused on non-sequence data and with dModel not a multiple of heads; mlp is refused on sequences', () => {
    const spiral = datasetInfoWithoutLoading('spiral')!;
    assert.match(checkModelFits(tx(), spiral)!, /radam\.training\.model: "transformer" needs a token-sequence dataset/);
    assert.match(checkModelFits(tx({ dModel: 18, heads: 4 }), info(4, 4))!, /dModel: 18 is not a multiple of radam\.transformer\.heads \(4\)/);
    assert.match(checkModelFits(tx({ layers: 7 }), info(4, 4))!, /radam\.transformer\.layers: expected an integer from 1 to 6/);
    assert.match(checkModelFits({ name: 'mlp', hiddenLayers: [8], activation: 'relu' }, info(4, 4))!, /use "transformer"/);
    assert.equal(checkModelFits(tx(), info(4, 4)), null);
  });
});

describe('transformer: attention masking', function () {
  this.timeout(60_000);

  it('attention weights are a distribution over keys; causal ones are zero after the query', () => {
    for (const causal of [false, true]) {
      const layer = new SelfAttention({ name: `att_test_${causal}`, heads: 2, causal, seed: 3 });
      const x = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 1);
      tf.dispose(layer.apply(x) as Tensor); // builds the weights
      const { output, weights: p } = tf.tidy(() => layer.attend(x, true)) as { output: Tensor; weights: Tensor };
      assert.deepEqual(output.shape, [3, 5, 8]);
      assert.deepEqual(p.shape, [3, 2, 5, 5]);
      const w = p.arraySync() as number[][][][];
      for (const head of w.flat())
        head.forEach((row, i) => {
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'each query row sums to 1');
          row.forEach((v, j) => {
            if (causal && j > i) assert.equal(v, 0, `causal: query ${i} gives key ${j} weight 0`);
            else assert.ok(v > 0, `query ${i} attends to key ${j}`);
          });
        });
      tf.dispose([x, output, p]);
      layer.dispose();
    }
  });

  it('causal: changing token j leaves the logits before j unchanged; bidirectional: it changes every position', () => {
    const L = 6;
    const V = 9;
    for (const causal of [true, false]) {
      const m = buildModel(tx({ causal, layers: 2 }), info(L, V), 2);
      const base = Array.from({ length: L }, (_, i) => i % V);
      for (const j of [0, 3, L - 1]) {
        const changed = base.slice();
        changed[j] = (changed[j] + 4) % V;
        const out = tf.tidy(() => m.apply(tf.tensor2d([base, changed]), { training: false }) as Tensor).arraySync() as number[][][];
        for (let i = 0; i < L; i++) {
          const diff = Math.max(...out[0][i].map((v, k) => Math.abs(v - out[1][i][k])));
          const expectSame = causal && i < j;
          if (expectSame) assert.ok(diff < 1e-6, `causal, token ${j} changed: position ${i} must not change (max diff ${diff})`);
          else assert.ok(diff > 1e-4, `token ${j} changed: position ${i} must change (max diff ${diff})`);
        }
      }
      m.dispose();
    }
  });
});

describe('transformer: per-token loss and accuracy', () => {
  it('equal tfjs softmax cross-entropy over all tokens and the fraction of right tokens', () => {
    const L = 4;
    const V = 5;
    const la = lossAndAccuracy(info(L, V));
    const split = { x: new Float32Array(3 * L), y: Float32Array.from([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]), n: 3 };
    const t = la.targets(split);
    assert.equal(t.dtype, 'int32');
    assert.deepEqual(t.shape, [3, L]);
    const z = tf.randomNormal([3, L, V], 0, 2, 'float32', 9);
    const got = la.loss(t, z).dataSync()[0];
    const want = tf.tidy(() =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(tf.reshape(t, [-1]), V), tf.reshape(z, [-1, V]), undefined, 0, tf.Reduction.MEAN).dataSync()[0],
    );
    assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
    // Gradient too: (softmax - onehot) / tokens.
    const g = tf.grad((zz: Tensor) => la.loss(t, zz))(z);
    const gWant = tf.grad((zz: Tensor) =>
      tf.losses.softmaxCrossEntropy<Tensor, Scalar>(tf.oneHot(tf.reshape(t, [-1]), V), tf.reshape(zz, [-1, V]), undefined, 0, tf.Reduction.MEAN),
    )(z);
    assert.ok(tf.max(tf.abs(tf.sub(g, gWant))).dataSync()[0] < 1e-6);
    const pred = z.argMax(-1).dataSync();
    const right = Array.from(pred).filter((p, i) => p === split.y[i]).length;
    assert.ok(Math.abs(la.accuracy!(t, z).dataSync()[0] - right / 12) < 1e-6);
    tf.dispose([t, z, g, gWant]);
  });
});

describe('transformer: gradients against finite differences (float32)', function () {
  this.timeout(60_000);

  // A tiny instance: 2 layers, d = 8, 2 heads, ffDim 12, 4 tokens of 5, batch 3. For each parameter tensor
  // we compare the directional derivative along a random unit direction u, g . u from tf.variableGrads,
  // with the central difference (L(theta + h u) - L(theta - h u)) / 2h of the float32 loss, h = 1e-3.
  // Honest tolerance: the loss (~1.6) is float32, so each evaluation carries a rounding error of ~1e-7 * 1.6
  // and the quotient up to ~1.6e-4; the O(h^2) truncation is far below that, but a step can cross a ReLU kink
  // (measured: at h = 1e-2 some tensors were off by 40-60%, at h = 1e-3 all within 6%, most within 0.1%).
  // Required per tensor: |fd - g.u| <= 3e-2 * max(|g.u|, |fd|) + 2e-4; and along one direction over all
  // parameters at once, a relative error below 1e-2.
  for (const spec of [
    { norm: 'post' as const, causal: false },
    { norm: 'pre' as const, causal: false },
    { norm: 'post' as const, causal: true },
  ]) {
    it(`${spec.norm}-LN${spec.causal ? ', causal' : ''}: every parameter tensor's gradient`, () => {
      const L = 4;
      const V = 5;
      const data = info(L, V);
      const m = buildModel(tx({ layers: 2, dModel: 8, heads: 2, ffDim: 12, ...spec }), data, 11);
      const la = lossAndAccuracy(data);
      const x = tokens(3, L, V, 4);
      const y = tf.tidy(() => tf.cast(tokens(3, L, V, 5), 'int32'));
      const vars = trainableVariables(m);
      const names = parameterNames(m);
      const lossOf = () => tf.tidy(() => la.loss(y, m.apply(x, { training: true }) as Tensor).dataSync()[0]);
      const { value, grads } = tf.variableGrads(() => la.loss(y, m.apply(x, { training: true }) as Tensor), vars);
      const r = new Random(1, 'directions');
      const h = 1e-3;
      const unit = (n: number) => {
        const u = Float32Array.from({ length: n }, () => r.normal());
        const norm = Math.hypot(...u);
        return u.map((c) => c / norm);
      };
      /** Central difference of the loss along `dirs` (one tensor per variable, null = not moved) and g . u. */
      const compare = (dirs: (Tensor | null)[]) => {
        const thetas = vars.map((v) => v.clone());
        const at = (s: number) => {
          vars.forEach((v, i) => dirs[i] && v.assign(tf.tidy(() => tf.add(thetas[i], tf.mul(dirs[i] as Tensor, s)))));
          return lossOf();
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        vars.forEach((v, i) => v.assign(thetas[i]));
        const gu = tf.tidy(() => vars.reduce((acc, v, i) => (dirs[i] ? acc + tf.sum(tf.mul(grads[v.name], dirs[i])).dataSync()[0] : acc), 0));
        tf.dispose(thetas);
        return { fd, gu, err: Math.abs(fd - gu) };
      };
      vars.forEach((v: Variable, i) => {
        const dir = tf.tensor(unit(v.size), v.shape);
        const { fd, gu, err } = compare(vars.map((_, j) => (j === i ? dir : null)));
        dir.dispose();
        assert.ok(err <= 3e-2 * Math.max(Math.abs(gu), Math.abs(fd)) + 2e-4, `${names[i]}: finite difference ${fd}, gradient ${gu} (error ${err})`);
      });
      const total = vars.reduce((n, v) => n + v.size, 0);
      const all = unit(total);
      let off = 0;
      const dirs = vars.map((v) => {
        const t = tf.tensor(all.subarray(off, off + v.size), v.shape);
        off += v.size;
        return t;
      });
      const { fd, gu, err } = compare(dirs);
      tf.dispose(dirs);
      assert.ok(err <= 1e-2 * Math.abs(gu), `all parameters: finite difference ${fd}, gradient ${gu}`);
      tf.dispose([value, x, y, ...Object.values(grads)]);
      m.dispose();
    });
  }
});
