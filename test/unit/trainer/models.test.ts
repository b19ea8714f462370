import assert from 'node:assert/strict';
import type { LayersModel, Scalar, Tensor } from '@tensorflow/tfjs';
import type { ModelSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading, loadDataset, type DatasetInfo } from '../../../src/trainer/datasets';
import {
  buildModel,
  checkModelFits,
  lossAndAccuracy,
  modelNames,
  parameterNames,
  registerModel,
  trainableVariables,
} from '../../../src/trainer/models';
import { TinyTrainer } from './trainLoop';

const mlp = (hiddenLayers = [16, 16], activation: ModelSpec['activation'] = 'relu'): ModelSpec => ({
  name: 'mlp',
  hiddenLayers,
  activation,
});
const cnn: ModelSpec = { name: 'cnn', hiddenLayers: [], activation: 'relu' };
const info = (name: 'spiral' | 'digits' | 'sine'): DatasetInfo => datasetInfoWithoutLoading(name)!;
const weights = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('trainer/models: building', () => {
  it('gives identical initial weights for the same seed and different ones for another seed', () => {
    for (const [spec, data] of [
      [mlp([16, 16], 'tanh'), info('spiral')],
      [cnn, info('digits')],
    ] as const) {
      const a = buildModel(spec, data, 7);
      const b = buildModel(spec, data, 7);
      const c = buildModel(spec, data, 8);
      assert.deepEqual(weights(a), weights(b), `${spec.name}: same seed`);
      assert.notDeepEqual(weights(a), weights(c), `${spec.name}: other seed`);
      // Two layers of one model never start identical (each has its own derived seed).
      const deep = buildModel(mlp([8, 8, 8]), info('spiral'), 7);
      const [k0, , k1] = weights(deep).slice(2);
      assert.notDeepEqual(k0, k1);
      for (const m of [a, b, c, deep]) m.dispose();
    }
  });

  it('names layers and parameters per model, not from tfjs global counters', () => {
    const first = buildModel(mlp([16, 8]), info('spiral'), 1);
    const second = buildModel(mlp([16, 8]), info('spiral'), 1);
    for (const m of [first, second]) {
      assert.deepEqual(m.layers.map((l) => l.name), ['dense_0', 'dense_1', 'dense_2']);
      assert.deepEqual(parameterNames(m), [
        'dense_0/kernel', 'dense_0/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias',
      ]);
    }
    // tfjs keeps variable names unique per process, hence parameterNames.
    const tfNames = trainableVariables(second).map((v) => v.name);
    assert.equal(new Set([...trainableVariables(first).map((v) => v.name), ...tfNames]).size, 12);
    const c = buildModel(cnn, info('digits'), 1);
    assert.deepEqual(c.layers.map((l) => l.name), ['conv2d_0', 'max_pool_0', 'conv2d_1', 'max_pool_1', 'flatten_0', 'dense_0']);
    const flat = buildModel(mlp([4]), info('digits'), 1);
    assert.deepEqual(flat.layers.map((l) => l.name), ['flatten_0', 'dense_0', 'dense_1']);
    for (const m of [first, second, c, flat]) m.dispose();
  });

  it('outputs raw logits of the dataset size, and the shapes it should', () => {
    const m = buildModel(mlp([16]), info('spiral'), 1);
    assert.deepEqual(m.outputs[0].shape, [null, 3]);
    const out = tf.tidy(() => Array.from((m.predict(tf.ones([1, 2])) as Tensor).dataSync()));
    assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - 1) > 1e-3 || out.some((v) => v < 0), 'no softmax on the output');
    const c = buildModel(cnn, info('digits'), 1);
    assert.deepEqual(c.outputs[0].shape, [null, 10]);
    assert.equal(c.countParams(), 8 * 9 + 8 + 16 * 8 * 9 + 16 + 5 * 5 * 16 * 10 + 10);
    const linear = buildModel(mlp([]), info('sine'), 1);
    assert.deepEqual(linear.outputs[0].shape, [null, 1], 'no hidden layer: linear regression');
    for (const x of [m, c, linear]) x.dispose();
  });

  it('refuses a model that does not fit, with a message naming the setting and the dataset', () => {
    const msg = checkModelFits(cnn, info('spiral'));
    assert.match(msg ?? '', /^radam\.training\.model: "cnn" needs image data .* dataset "spiral" has 2 features per example/);
    assert.throws(() => buildModel(cnn, info('spiral'), 1), { message: msg! });
    assert.equal(checkModelFits(cnn, info('digits')), null);
    assert.equal(checkModelFits(mlp(), info('digits')), null);
    assert.match(checkModelFits(mlp([64, 0]), info('spiral')) ?? '', /^radam\.training\.hiddenLayers: .* got 0/);
    assert.match(checkModelFits(mlp(new Array(9).fill(4)), info('spiral')) ?? '', /at most 8/);
    assert.match(checkModelFits({ ...mlp(), name: 'rnn' as 'mlp' }, info('spiral')) ?? '', /unknown model "rnn"/);
  });

  it('is open to new models', () => {
    registerModel('linear-test', {
      build: (_spec, data) =>
        tf.sequential({ layers: [tf.layers.dense({ name: 'dense_0', units: data.outputSize, inputShape: data.inputShape })] }),
      check: (_spec, data) => (data.inputShape.length === 1 ? null : 'radam.training.model: flat data only'),
    });
    assert.ok(modelNames().includes('linear-test'));
    const spec = { ...mlp(), name: 'linear-test' as 'mlp' };
    const m = buildModel(spec, info('spiral'), 1);
    assert.equal(m.layers.length, 1);
    m.dispose();
    assert.equal(checkModelFits(spec, info('digits')), 'radam.training.model: flat data only');
  });
});

describe('trainer/models: loss and accuracy', () => {
  it('cross-entropy equals tf.losses.softmaxCrossEntropy, in value and gradient', () => {
    const la = lossAndAccuracy(info('spiral'));
    const split = { x: new Float32Array(12), y: Float32Array.from([0, 2, 1, 2, 0, 1]), n: 6 };
    tf.tidy(() => {
      const targets = la.targets(split);
      assert.deepEqual(targets.shape, [6, 3]);
      assert.deepEqual(Array.from(targets.argMax(1).dataSync()), [0, 2, 1, 2, 0, 1]);
      const logits = tf.tensor2d([3, -1, 0.5, 0.2, 0.1, 4, -2, 7, 1, 0, 0, 0, 10, 9, -3, 1, 2, 3], [6, 3]);
      const ours = tf.valueAndGrad((z: Tensor) => la.loss(targets, z))(logits);
      const ref = tf.valueAndGrad((z: Tensor) =>
        tf.losses.softmaxCrossEntropy<Tensor, Scalar>(targets, z, undefined, 0, tf.Reduction.MEAN),
      )(logits);
      assert.ok(Math.abs(ours.value.dataSync()[0] - ref.value.dataSync()[0]) < 1e-6);
      const d = tf.max(tf.abs(tf.sub(ours.grad, ref.grad))).dataSync()[0];
      assert.ok(d < 1e-6, `gradient differs by ${d}`);
      // argmax of rows: 0, 2, 1, (tie ->) 0, 0, 2 -> right on rows 0, 1, 2, 4: 4 of 6.
      assert.ok(Math.abs(la.accuracy!(targets, logits).dataSync()[0] - 4 / 6) < 1e-6);
    });
  });

  it('regression uses mean squared error and has no accuracy', () => {
    const la = lossAndAccuracy(info('sine'));
    assert.equal(la.accuracy, null);
    tf.tidy(() => {
      const t = la.targets({ x: new Float32Array(3), y: Float32Array.from([1, 2, 3]), n: 3 });
      assert.deepEqual(t.shape, [3, 1]);
      assert.ok(Math.abs(la.loss(t, tf.tensor2d([1, 2, 6], [3, 1])).dataSync()[0] - 3) < 1e-6);
    });
  });
});

describe('trainer/models: training (Adam, seeded batches)', function () {
  this.timeout(30000);

  /** Trains `steps` steps; returns [before, after] evaluations on a split. */
  function train(model: LayersModel, d: ReturnType<typeof loadDataset>, steps: number, lr: number, batch: number) {
    const t = new TinyTrainer(model, d, 1, lr, batch);
    const before = t.evaluate(d.validation);
    t.step(); // warms up the kernels; the count after is what every later step must keep
    const live = tf.memory().numTensors;
    for (let s = 1; s < steps; s++) t.step();
    assert.equal(tf.memory().numTensors, live, 'a training step leaks no tensors');
    const after = t.evaluate(d.validation);
    t.dispose();
    model.dispose();
    return { before, after };
  }

  it('spiral, mlp [32, 32] relu: validation loss falls below a quarter, accuracy >= 90% in 200 steps', () => {
    const d = loadDataset({ name: 'spiral', validationSplit: 0.2 }, 1);
    const { before, after } = train(buildModel(mlp([32, 32]), d.info, 1), d, 200, 0.01, 32);
    assert.ok(after.loss < before.loss / 4, `loss ${before.loss} -> ${after.loss}`);
    assert.ok(after.accuracy! >= 0.9, `accuracy ${after.accuracy}`);
  });

  it('sine, mlp [32, 32] tanh: mean squared error halves in 300 steps', () => {
    const d = loadDataset({ name: 'sine', validationSplit: 0.2 }, 1);
    const { before, after } = train(buildModel(mlp([32, 32], 'tanh'), d.info, 1), d, 300, 0.01, 32);
    assert.ok(after.loss < before.loss / 2, `mse ${before.loss} -> ${after.loss}`);
  });

  it('digits (3000 images), cnn: >= 93% validation accuracy after 200 steps of batch 64', () => {
    const d = loadDataset({ name: 'digits', validationSplit: 0.2 }, 1);
    const { after } = train(buildModel(cnn, d.info, 1), d, 200, 0.01, 64);
    assert.ok(after.accuracy! >= 0.93, `accuracy ${after.accuracy}`);
  });

  it('digits (3000 images), mlp [64]: >= 88% validation accuracy after 150 steps of batch 64', () => {
    const d = loadDataset({ name: 'digits', validationSplit: 0.2 }, 1);
    const { after } = train(buildModel(mlp([64]), d.info, 1), d, 150, 0.003, 64);
    assert.ok(after.accuracy! >= 0.88, `accuracy ${after.accuracy}`);
  });
});
