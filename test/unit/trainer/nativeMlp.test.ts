// NativeMlp (the hand-written forward/backward pass of dense models, src/trainer/nativeMlp.ts) against
// tf.variableGrads through the same layers model: same loss, same gradients, same outputs, to float32
// rounding; and the models it must leave to the generic path.
import assert from 'node:assert/strict';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { ModelSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading, type DatasetInfo } from '../../../src/trainer/datasets';
import { buildModel, lossAndAccuracy, trainableVariables } from '../../../src/trainer/models';
import { NativeMlp, nativeMlpPlan } from '../../../src/trainer/nativeMlp';
import { Random } from '../../../src/trainer/random';
import { worst } from './nativeChecks';

const native = tf.getBackend() === 'tensorflow';
const info = (name: 'spiral' | 'digits' | 'sine'): DatasetInfo => datasetInfoWithoutLoading(name)!;

/** A batch of random inputs and targets for `info` (one-hot for classification). */
function batch(i: DatasetInfo, n: number, seed: number): { x: Tensor; xFlat: Tensor; y: Tensor } {
  const r = new Random(seed, 'nativeMlp-test');
  const features = i.inputShape.reduce((a, b) => a * b, 1);
  const xs = Float32Array.from({ length: n * features }, () => r.normal());
  const y =
    i.task === 'classification'
      ? tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, () => Math.floor(r.next() * i.outputSize)), 'int32'), i.outputSize).toFloat()
      : tf.tensor2d(Float32Array.from({ length: n * i.outputSize }, () => r.normal()), [n, i.outputSize]);
  return { x: tf.tensor(xs, [n, ...i.inputShape]), xFlat: tf.tensor2d(xs, [n, features]), y };
}

function reference(model: LayersModel, i: DatasetInfo, x: Tensor, y: Tensor): { loss: number; grad: Float32Array } {
  const la = lossAndAccuracy(i);
  const vars = trainableVariables(model);
  const { value, grads } = tf.variableGrads(() => la.loss(y, model.apply(x, { training: true }) as Tensor), vars);
  const flat = tf.concat(vars.map((v) => tf.reshape(grads[v.name], [-1])));
  const out = { loss: value.dataSync()[0], grad: flat.dataSync() as Float32Array };
  tf.dispose([value, flat, ...Object.values(grads)]);
  return out;
}

(native ? describe : describe.skip)('trainer/nativeMlp: the native step equals autodiff through the layers model', () => {
  const cases: Array<{ name: string; spec: ModelSpec; data: DatasetInfo }> = [
    { name: 'relu, spiral (classification)', spec: { name: 'mlp', hiddenLayers: [16, 12], activation: 'relu' }, data: info('spiral') },
    { name: 'tanh, spiral', spec: { name: 'mlp', hiddenLayers: [16, 12], activation: 'tanh' }, data: info('spiral') },
    { name: 'sigmoid, spiral', spec: { name: 'mlp', hiddenLayers: [8], activation: 'sigmoid' }, data: info('spiral') },
    { name: 'elu, sine (regression)', spec: { name: 'mlp', hiddenLayers: [16, 16], activation: 'elu' }, data: info('sine') },
    { name: 'relu, digits (Flatten first)', spec: { name: 'mlp', hiddenLayers: [32], activation: 'relu' }, data: info('digits') },
    { name: 'no hidden layer (softmax regression)', spec: { name: 'mlp', hiddenLayers: [], activation: 'relu' }, data: info('spiral') },
  ];
  for (const c of cases) {
    it(`${c.name}: loss, flat gradient and outputs match within float32 rounding; no tensor leaks`, () => {
      const model = buildModel(c.spec, c.data, 11);
      const plan = nativeMlpPlan(model);
      assert.ok(plan, 'a dense model has a native plan');
      const vars = trainableVariables(model);
      assert.deepEqual(plan.sizes, vars.map((v) => v.size));
      const { x, xFlat, y } = batch(c.data, 24, 3);
      const ref = reference(model, c.data, x, y);
      const before = tf.memory().numTensors;
      const net = new NativeMlp(plan, vars, c.data.task);
      const { loss, gradient } = net.lossAndGradient(xFlat, y);
      assert.deepEqual(gradient.shape, [plan.sizes.reduce((a, b) => a + b, 0)]);
      assert.ok(Math.abs(loss.dataSync()[0] - ref.loss) <= 1e-5 * Math.max(1, Math.abs(ref.loss)), `loss ${loss.dataSync()[0]} vs ${ref.loss}`);
      const scale = Math.max(...Array.from(ref.grad, Math.abs));
      const w = worst(gradient.dataSync(), ref.grad, 1e-5 * scale, 1e-4);
      assert.ok(w <= 1, `gradient off by ${w} tolerances`);
      const out = net.predict(xFlat);
      const refOut = model.apply(x) as Tensor;
      assert.ok(worst(out.dataSync(), refOut.dataSync(), 1e-5, 1e-5) <= 1, 'predict = model.apply');
      tf.dispose([loss, gradient, out, refOut]);
      net.dispose();
      assert.equal(tf.memory().numTensors, before, 'lossAndGradient, predict and dispose leave no tensor behind');
      tf.dispose([x, xFlat, y]);
      model.dispose();
    });
  }

  it('trains the flat variable; copyTo writes it back into the model in model.trainableWeights order', () => {
    const i = info('spiral');
    const model = buildModel({ name: 'mlp', hiddenLayers: [8, 8], activation: 'relu' }, i, 5);
    const vars = trainableVariables(model);
    const net = new NativeMlp(nativeMlpPlan(model)!, vars, i.task);
    const updated = tf.tidy(() => tf.add(net.params, tf.scalar(0.5)));
    net.params.assign(updated);
    updated.dispose();
    const before = vars.map((v) => Array.from(v.dataSync()));
    net.copyTo(vars);
    vars.forEach((v, k) => {
      const now = Array.from(v.dataSync());
      assert.ok(now.every((x, j) => Math.abs(x - (before[k][j] + 0.5)) < 1e-6), `variable ${k} holds the flat values`);
    });
    net.dispose();
    model.dispose();
  });

  it('leaves the cnn and gelu to tf.variableGrads (no plan)', () => {
    const cnn = buildModel({ name: 'cnn', hiddenLayers: [], activation: 'relu' }, info('digits'), 1);
    const gelu = buildModel({ name: 'mlp', hiddenLayers: [8], activation: 'gelu' }, info('spiral'), 1);
    assert.equal(nativeMlpPlan(cnn), null);
    assert.equal(nativeMlpPlan(gelu), null);
    cnn.dispose();
    gelu.dispose();
  });
});
