// NativeCnn (the hand-written forward/backward pass of the cnn, src/trainer/nativeCnn.ts) against
// tf.variableGrads through the same layers model, against finite differences, and in the engine against the
// layers path (same seed: same first 20 losses).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { readRun } from '../../../src/runs';
import type { Activation, ComparisonSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading } from '../../../src/trainer/datasets';
import { runComparison } from '../../../src/trainer/engine';
import { buildModel, lossAndAccuracy, trainableVariables } from '../../../src/trainer/models';
import { NativeCnn, nativeCnnPlan } from '../../../src/trainer/nativeCnn';
import { Random } from '../../../src/trainer/random';

const native = tf.getBackend() === 'tensorflow';
const digits = datasetInfoWithoutLoading('digits')!;

function batch(n: number, seed: number): { x: Tensor; y: Tensor } {
  const r = new Random(seed, 'nativeCnn-test');
  const x = tf.tensor4d(Float32Array.from({ length: n * 784 }, () => r.next()), [n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, () => r.int(10)), 'int32'), 10).toFloat();
  return { x, y };
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  assert.equal(a.length, b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return w;
}

function reference(model: LayersModel, x: Tensor, y: Tensor): { loss: number; grad: Float32Array; out: Float32Array } {
  const la = lossAndAccuracy(digits);
  const vars = trainableVariables(model);
  const { value, grads } = tf.variableGrads(() => la.loss(y, model.apply(x, { training: true }) as Tensor), vars);
  const flat = tf.concat(vars.map((v) => tf.reshape(grads[v.name], [-1])));
  const out = model.apply(x) as Tensor;
  const r = { loss: value.dataSync()[0], grad: flat.dataSync() as Float32Array, out: out.dataSync() as Float32Array };
  tf.dispose([value, flat, out, ...Object.values(grads)]);
  return r;
}

(native ? describe : describe.skip)('trainer/nativeCnn: the native step equals autodiff through the layers model', function () {
  this.timeout(120_000);
  for (const activation of ['relu', 'tanh'] as Activation[]) {
    it(`${activation}: loss, flat gradient and outputs match within float32 rounding; no tensor leaks`, () => {
      const model = buildModel({ name: 'cnn', hiddenLayers: [], activation }, digits, 3);
      const plan = nativeCnnPlan(model, 'classification');
      assert.ok(plan, 'the cnn has a native plan');
      assert.deepEqual(plan.stages.map((s) => s.pool), [[13, 13, 8], [5, 5, 16]]);
      const { x, y } = batch(16, 2);
      const ref = reference(model, x, y);
      const net = new NativeCnn(plan, trainableVariables(model));
      let before = 0;
      for (let round = 0; round < 3; round++) {
        const { loss, gradient } = net.lossAndGradient(x, y);
        const out = net.predict(x);
        assert.ok(Math.abs(loss.dataSync()[0] - ref.loss) <= 1e-5 * Math.abs(ref.loss) + 1e-6, `loss ${loss.dataSync()[0]} vs ${ref.loss}`);
        const g = gradient.dataSync();
        assert.ok(worst(g, ref.grad, 1e-6, 1e-3) <= 1, `gradient: worst ${worst(g, ref.grad, 1e-6, 1e-3)}`);
        assert.ok(worst(out.dataSync(), ref.out, 1e-5, 1e-4) <= 1, 'outputs');
        tf.dispose([loss, gradient, out]);
        if (round === 0) before = tf.memory().numTensors;
        else assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
      }
      net.dispose();
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it('gradient against central finite differences (a random direction per parameter tensor)', () => {
    const model = buildModel({ name: 'cnn', hiddenLayers: [], activation: 'tanh' }, digits, 4);
    const plan = nativeCnnPlan(model, 'classification')!;
    const net = new NativeCnn(plan, trainableVariables(model));
    const { x, y } = batch(8, 5);
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
    const r = new Random(6, 'fd');
    let offset = 0;
    for (const [k, size] of plan.sizes.entries()) {
      const dir = new Float32Array(theta.length);
      for (let j = 0; j < size; j++) dir[offset + j] = r.normal();
      let analytic = 0;
      for (let j = 0; j < size; j++) analytic += g[offset + j] * dir[offset + j];
      const h = 1e-3;
      const numeric = (lossAt(theta.map((t, j) => t + h * dir[j])) - lossAt(theta.map((t, j) => t - h * dir[j]))) / (2 * h);
      assert.ok(Math.abs(numeric - analytic) <= 1e-2 + 3e-2 * Math.abs(analytic), `parameter ${k}: finite difference ${numeric}, gradient ${analytic}`);
      offset += size;
    }
    tf.dispose([l0, gradient, x, y]);
    net.dispose();
    model.dispose();
  });

  it('no plan for gelu (no native gelu gradient) or regression', () => {
    const gelu = buildModel({ name: 'cnn', hiddenLayers: [], activation: 'gelu' }, digits, 1);
    const relu = buildModel({ name: 'cnn', hiddenLayers: [], activation: 'relu' }, digits, 1);
    assert.equal(nativeCnnPlan(gelu, 'classification'), null);
    assert.equal(nativeCnnPlan(relu, 'regression'), null);
    gelu.dispose();
    relu.dispose();
  });

  it('in the engine (digits, batch 32, RAdam and Adam): the first 20 losses equal the tfjs-layers path; tensors flat over steps', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-ncnn-'));
    const spec = (steps: number): ComparisonSpec => ({
      kind: 'compare-adam',
      runs: (['radam', 'adam'] as const).map((name) => ({
        label: name,
        optimizer: { name, learningRate: 1e-3 },
        dataset: { name: 'digits', validationSplit: 0.1, samples: 1000 },
        model: { name: 'cnn', hiddenLayers: [], activation: 'relu' },
        steps,
        batchSize: 32,
        seed: 3,
        metrics: { histogramEvery: 10, histogramBins: 60, histogramRange: [-20, 0], perLayerHistograms: true, validationEvery: 10, normsEvery: 5 },
      })),
    });
    try {
      const losses = async (nativeModels: boolean, steps = 20) => {
        const counts: number[] = [];
        const res = await runComparison({ comparison: spec(steps), runsDir: dir, nativeModels, events: { step: (s) => (s === 11 || s === 19 ? counts.push(tf.memory().numTensors) : undefined) } });
        for (const r of res.runs) assert.equal(r.status, 'finished');
        return { out: res.runs.map((r) => readRun(dir, r.id)!.metrics.map((m) => m.loss)), counts };
      };
      await losses(true, 10); // first-use caches (kept shapes and scalars; a histogram step)
      await losses(false, 10);
      const before = tf.memory().numTensors;
      const fast = await losses(true);
      const slow = await losses(false);
      assert.equal(tf.memory().numTensors, before, 'nothing left after the comparisons');
      assert.equal(fast.counts[0], fast.counts[1], `native path: tensors at step 11 and 19 (after the first validation and histogram): ${fast.counts}`);
      for (let r = 0; r < 2; r++) {
        assert.equal(fast.out[r].length, 20);
        assert.ok(worst(fast.out[r], slow.out[r], 1e-5, 1e-3) <= 1, `run ${r}: ${fast.out[r]} vs ${slow.out[r]}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
