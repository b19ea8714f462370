// NativeCnn (the hand-written forward/backward pass of the cnn, src/trainer/nativeCnn.ts) against
// tf.variableGrads through the same layers model, against finite differences, and in the engine against the
// layers path (same seed: same first 20 losses).
import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs';
import type { Activation, ComparisonSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading } from '../../../src/trainer/datasets';
import { buildModel, trainableVariables } from '../../../src/trainer/models';
import { NativeCnn, nativeCnnPlan } from '../../../src/trainer/nativeCnn';
import { Random } from '../../../src/trainer/random';
import { assertFiniteDifferences, assertMatchesLayers, engineLosses, layersReference, worst } from './nativeChecks';

const native = tf.getBackend() === 'tensorflow';
const digits = datasetInfoWithoutLoading('digits')!;

function batch(n: number, seed: number): { x: Tensor; y: Tensor } {
  const r = new Random(seed, 'nativeCnn-test');
  const x = tf.tensor4d(Float32Array.from({ length: n * 784 }, () => r.next()), [n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, () => r.int(10)), 'int32'), 10).toFloat();
  return { x, y };
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
      const net = new NativeCnn(plan, trainableVariables(model));
      assertMatchesLayers(net, layersReference(model, digits, x, y), x, y);
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
    assertFiniteDifferences(net, plan.sizes, x, y, 6, (k) => `parameter ${k}`);
    tf.dispose([x, y]);
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
    const { fast, slow, counts } = await engineLosses(spec, [11, 19]);
    assert.equal(counts[0], counts[1], `native path: tensors at step 11 and 19 (after the first validation and histogram): ${counts}`);
    for (let r = 0; r < 2; r++) {
      assert.equal(fast[r].length, 20);
      assert.ok(worst(fast[r], slow[r], 1e-5, 1e-3) <= 1, `run ${r}: ${fast[r]} vs ${slow[r]}`);
    }
  });
});
