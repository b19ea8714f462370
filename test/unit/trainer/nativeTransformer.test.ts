// NativeTransformer (the hand-written forward/backward pass of the transformer, src/trainer/nativeTransformer.ts)
// against tf.variableGrads through the same layers model (loss, flat gradient, outputs), against central
// finite differences, and in the engine against the layers path (same seed: same losses step by step).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { readRun } from '../../../src/runs';
import type { ModelSpec } from '../../../src/runSpec/runSpec';
import { paperTransformerComparison } from '../../../src/runSpec/presets';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading, type DatasetInfo } from '../../../src/trainer/datasets';
import { runComparison } from '../../../src/trainer/engine';
import { buildModel, lossAndAccuracy, trainableVariables } from '../../../src/trainer/models';
import { NativeTransformer, nativeTransformerPlan } from '../../../src/trainer/nativeTransformer';
import { Random } from '../../../src/trainer/random';

const native = tf.getBackend() === 'tensorflow';
const info = (L: number, V: number): DatasetInfo => datasetInfoWithoutLoading('reverse', { sequenceLength: L, vocabularySize: V })!;
const tx = (over: Partial<ModelSpec> = {}): ModelSpec => ({ name: 'transformer', hiddenLayers: [], activation: 'relu', layers: 2, dModel: 16, heads: 4, ...over });

function batch(b: number, L: number, V: number, seed: number): { x: Tensor; y: Tensor } {
  const r = new Random(seed, 'nativeTransformer-test');
  const x = tf.tensor2d(Float32Array.from({ length: b * L }, () => r.int(V)), [b, L]);
  const y = tf.tensor2d(Int32Array.from({ length: b * L }, () => r.int(V)), [b, L], 'int32');
  return { x, y };
}

/** max |a - b| / (atol + rtol |b|) over entries; <= 1 means close. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  assert.equal(a.length, b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return w;
}

function reference(model: LayersModel, i: DatasetInfo, x: Tensor, y: Tensor): { loss: number; grad: Float32Array; out: Float32Array } {
  const la = lossAndAccuracy(i);
  const vars = trainableVariables(model);
  const { value, grads } = tf.variableGrads(() => la.loss(y, model.apply(x, { training: true }) as Tensor), vars);
  const flat = tf.concat(vars.map((v) => tf.reshape(grads[v.name], [-1])));
  const out = model.apply(x) as Tensor;
  const r = { loss: value.dataSync()[0], grad: flat.dataSync() as Float32Array, out: out.dataSync() as Float32Array };
  tf.dispose([value, flat, out, ...Object.values(grads)]);
  return r;
}

(native ? describe : describe.skip)('trainer/nativeTransformer: the native step equals autodiff through the layers model', function () {
  this.timeout(120_000);
  const cases: Array<{ name: string; spec: ModelSpec; L: number; V: number }> = [
    { name: 'post-LN, 2 layers, 4 heads', spec: tx(), L: 6, V: 7 },
    { name: 'pre-LN, causal, 1 head, ff 8', spec: tx({ norm: 'pre', causal: true, heads: 1, ffDim: 8, layers: 3 }), L: 5, V: 4 },
    { name: 'the paper preset sizes (6 post-LN layers, d 64, 4 heads, ff 256, 12 tokens)', spec: tx({ layers: 6, dModel: 64, heads: 4, ffDim: 256 }), L: 12, V: 16 },
  ];
  for (const c of cases) {
    it(`${c.name}: loss, flat gradient and outputs match within float32 rounding; no tensor leaks`, () => {
      const i = info(c.L, c.V);
      const model = buildModel(c.spec, i, 5);
      const plan = nativeTransformerPlan(model);
      assert.ok(plan, 'a transformer has a native plan');
      assert.equal(plan.norm, c.spec.norm ?? 'post');
      assert.equal(plan.causal, c.spec.causal ?? false);
      const { x, y } = batch(8, c.L, c.V, 3);
      const ref = reference(model, i, x, y);
      const net = new NativeTransformer(plan, trainableVariables(model));
      let before = 0;
      for (let round = 0; round < 3; round++) {
        const { loss, gradient } = net.lossAndGradient(x, y);
        const out = net.predict(x);
        assert.deepEqual(out.shape, [8, c.L, c.V]);
        assert.ok(Math.abs(loss.dataSync()[0] - ref.loss) <= 1e-5 * Math.abs(ref.loss) + 1e-6, `loss ${loss.dataSync()[0]} vs ${ref.loss}`);
        const g = gradient.dataSync();
        assert.ok(worst(g, ref.grad, 1e-6, 1e-3) <= 1, `gradient: worst ${worst(g, ref.grad, 1e-6, 1e-3)}`);
        assert.ok(worst(out.dataSync(), ref.out, 1e-5, 1e-4) <= 1, 'outputs');
        tf.dispose([loss, gradient, out]);
        // The first call keeps the shape tensors of its batch size; after that nothing is left behind.
        if (round === 0) before = tf.memory().numTensors;
        else assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
      }
      net.dispose();
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it('gradient against central finite differences (random directions, per parameter group)', () => {
    const L = 5;
    const V = 6;
    for (const spec of [tx({ layers: 2, dModel: 8, heads: 2, ffDim: 12 }), tx({ layers: 2, dModel: 8, heads: 2, ffDim: 12, norm: 'pre', causal: true })]) {
      const model = buildModel(spec, info(L, V), 9);
      const plan = nativeTransformerPlan(model)!;
      const net = new NativeTransformer(plan, trainableVariables(model));
      const { x, y } = batch(4, L, V, 8);
      const { loss: l0, gradient } = net.lossAndGradient(x, y);
      const g = gradient.dataSync();
      const theta = net.params.dataSync().slice() as Float32Array;
      const lossAt = (p: Float32Array) => {
        const t = tf.tensor1d(p);
        net.params.assign(t);
        t.dispose();
        const r = net.lossAndGradient(x, y);
        const v = r.loss.dataSync()[0];
        tf.dispose([r.loss, r.gradient]);
        return v;
      };
      const r = new Random(4, 'fd');
      // One random direction inside each parameter tensor: every gradient piece is checked.
      let offset = 0;
      for (const [k, size] of plan.sizes.entries()) {
        const dir = new Float32Array(theta.length);
        for (let j = 0; j < size; j++) dir[offset + j] = r.normal();
        let analytic = 0;
        for (let j = 0; j < size; j++) analytic += g[offset + j] * dir[offset + j];
        // float32 loss: h = 1e-3 keeps the rounding noise ~1e-4 while staying clear of most ReLU kinks
        const h = 1e-3;
        const plus = theta.map((t, j) => t + h * dir[j]);
        const minus = theta.map((t, j) => t - h * dir[j]);
        const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
        assert.ok(Math.abs(numeric - analytic) <= 1e-2 + 3e-2 * Math.abs(analytic), `${plan.names[k]}: finite difference ${numeric}, gradient ${analytic}`);
        offset += size;
      }
      tf.dispose([l0, gradient, x, y]);
      net.dispose();
      model.dispose();
    }
  });

  it('leaves models it does not know to the other paths (no plan)', () => {
    const digits = datasetInfoWithoutLoading('digits')!;
    const mlp = buildModel({ name: 'mlp', hiddenLayers: [8], activation: 'relu' }, digits, 1);
    const cnn = buildModel({ name: 'cnn', hiddenLayers: [], activation: 'relu' }, digits, 1);
    assert.equal(nativeTransformerPlan(mlp), null);
    assert.equal(nativeTransformerPlan(cnn), null);
    mlp.dispose();
    cnn.dispose();
  });

  it('the paper preset in the engine: the first 20 losses of all three runs equal the tfjs-layers path; tensors flat over steps', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-ntx-'));
    try {
      const losses = async (nativeModels: boolean, steps = 20) => {
        const counts: number[] = [];
        const res = await runComparison({
          comparison: paperTransformerComparison({ steps }),
          runsDir: dir,
          nativeModels,
          events: { step: (s) => (s === 6 || s === 19 ? counts.push(tf.memory().numTensors) : undefined) },
        });
        const out = res.runs.map((r) => readRun(dir, r.id)!.metrics.map((m) => m.loss));
        return { out, counts };
      };
      await losses(true, 10); // first-use caches (kept shapes and scalars of the optimizers, the batch gather, a histogram step)
      await losses(false, 10);
      const before = tf.memory().numTensors;
      const fast = await losses(true);
      const slow = await losses(false);
      assert.equal(tf.memory().numTensors, before, 'nothing left after the comparisons');
      assert.equal(fast.counts[0], fast.counts[1], `native path: tensors at step 6 and 19: ${fast.counts}`);
      for (let r = 0; r < 3; r++) {
        assert.equal(fast.out[r].length, 20);
        assert.equal(slow.out[r].length, 20);
        // float32 rounding of two summation orders, grown over 20 optimizer steps
        assert.ok(worst(fast.out[r], slow.out[r], 1e-5, 1e-3) <= 1, `run ${r}: ${fast.out[r]} vs ${slow.out[r]}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
