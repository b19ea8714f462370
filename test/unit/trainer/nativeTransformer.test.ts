// NativeTransformer (the hand-written forward/backward pass of the transformer, src/trainer/nativeTransformer.ts)
// against tf.variableGrads through the same layers model (loss, flat gradient, outputs), against central
// finite differences, and in the engine against the layers path (same seed: same losses step by step).
import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs';
import type { ModelSpec } from '../../../src/runSpec/runSpec';
import { paperTransformerComparison } from '../../../src/runSpec/presets';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading, type DatasetInfo } from '../../../src/trainer/datasets';
import { buildModel, trainableVariables } from '../../../src/trainer/models';
import { NativeTransformer, nativeTransformerPlan } from '../../../src/trainer/nativeTransformer';
import { Random } from '../../../src/trainer/random';
import { assertFiniteDifferences, assertMatchesLayers, engineLosses, layersReference, worst } from './nativeChecks';

const native = tf.getBackend() === 'tensorflow';
const info = (L: number, V: number): DatasetInfo => datasetInfoWithoutLoading('reverse', { sequenceLength: L, vocabularySize: V })!;
const tx = (over: Partial<ModelSpec> = {}): ModelSpec => ({ name: 'transformer', hiddenLayers: [], activation: 'relu', layers: 2, dModel: 16, heads: 4, ...over });

function batch(b: number, L: number, V: number, seed: number): { x: Tensor; y: Tensor } {
  const r = new Random(seed, 'nativeTransformer-test');
  const x = tf.tensor2d(Float32Array.from({ length: b * L }, () => r.int(V)), [b, L]);
  const y = tf.tensor2d(Int32Array.from({ length: b * L }, () => r.int(V)), [b, L], 'int32');
  return { x, y };
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
      const net = new NativeTransformer(plan, trainableVariables(model));
      assertMatchesLayers(net, layersReference(model, i, x, y), x, y, [8, c.L, c.V]);
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
      // One random direction inside each parameter tensor: every gradient piece is checked.
      assertFiniteDifferences(net, plan.sizes, x, y, 4, (k) => plan.names[k]);
      tf.dispose([x, y]);
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
    const { fast, slow, counts } = await engineLosses((steps) => paperTransformerComparison({ steps }), [6, 19]);
    assert.equal(counts[0], counts[1], `native path: tensors at step 6 and 19: ${counts}`);
    for (let r = 0; r < 3; r++) {
      assert.equal(fast[r].length, 20);
      assert.equal(slow[r].length, 20);
      // float32 rounding of two summation orders, grown over 20 optimizer steps
      assert.ok(worst(fast[r], slow[r], 1e-5, 1e-3) <= 1, `run ${r}: ${fast[r]} vs ${slow[r]}`);
    }
  });
});
