// Ops per training step of the transformer and the cnn (issue 17), counted at the tfjs-node binding: the paper preset's
// model (6 post-LN layers, d 64, 4 heads, ff 256, 12 tokens, batch 32) trains through NativeTransformer
// (src/trainer/nativeTransformer.ts), one hand-written forward/backward pass over one flat parameter
// variable; the cnn (digits, 8/16 filters) through NativeCnn (src/trainer/nativeCnn.ts). Pinned so that a change that brings back per-tensor updates, per-head loops, scalar uploads or
// the tf.variableGrads path fails here instead of silently costing ~12 us per op. No timings.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { paperTransformerBase } from '../../../src/runSpec/presets';
import type { ComparisonSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { runComparison } from '../../../src/trainer/engine';
import type { OpCounts } from '../../../src/trainer/opCounter';
import { assertGraphStepOps, GRAPH_STEP_TITLE, opsPerStep as opsOver } from './opsPerStep';
import { runSpec } from './specs';
import { opsPerStep as threadRuleOps } from '../../../src/shared/threads';

let dir: string;

function spec(optimizer: 'radam' | 'adam', steps: number): ComparisonSpec {
  const base = paperTransformerBase({ steps });
  return { kind: 'single', runs: [{ ...base, label: optimizer, optimizer: { ...base.optimizer, name: optimizer }, metrics: { ...base.metrics, validationEvery: 0 } }] };
}

/** Native ops per step (over 10 steps). */
const opsPerStep = (optimizer: 'radam' | 'adam', watch: boolean, graphSteps = true): Promise<OpCounts> =>
  opsOver((steps) => spec(optimizer, steps), dir, watch, 10, graphSteps);

(tf.getBackend() === 'tensorflow' ? describe : describe.skip)('engine: native ops per training step (transformer paper preset, batch 32)', function () {
  this.timeout(300_000);
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-ops-tx-'));
    await runComparison({ comparison: spec('radam', 3), runsDir: dir }); // module-level caches
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const optimizer of ['radam', 'adam'] as const) {
    it(`${optimizer}, watch off, op by op (graphSteps false): one fused forward/backward for all heads and layers, ONE optimizer update`, async () => {
      const c = await opsPerStep(optimizer, false, false);
      assert.equal(c.graphRuns, 0);
      // (tf.variableGrads through the layers model: 1966 ops and 651 uploads per step for the RAdam run.)
      // 2 batch gathers; views: SplitV + 27 kernel Reshapes; embedding 5; per layer forward 36 (attention 11,
      // 2 x LayerNorm 9, ffn 5, 2 residual adds) and backward 49 (attention 18, 2 x LayerNorm 11, ffn 7, 2 adds),
      // x 6; logits + loss 5, their backward 4; embedding backward 5; 27 gradient Reshapes + ConcatV2; the update.
      assert.equal(c.ops, 596, JSON.stringify(c.byName));
      assert.equal(threadRuleOps(spec(optimizer, 10).runs[0]), c.ops, 'the thread rule sizes ops by this count (src/shared/threads.ts)');
      assert.equal(c.byName.Rsqrt, 12, 'one per LayerNorm');
      assert.equal(c.byName.MatMul, 75, 'per layer 4 forward + 8 backward, logits 1 + 2');
      assert.equal(c.byName.Einsum, 36, 'per layer 2 forward + 4 backward: all heads in each');
      assert.equal(c.byName.Transpose, undefined, 'attention contracts over the projection layout (Einsum)');
      assert.equal(c.byName.Softmax, 6, 'one per layer, all heads');
      assert.equal(c.byName.SplitV, 1, 'one flat parameter variable');
      assert.equal(c.byName.ConcatV2, 1, 'one flat gradient');
      assert.equal(c.byName.Sqrt, 1, 'the update runs once, on the flat parameter vector');
      assert.equal(c.byName.OneHot, undefined, 'labels are used as ids (SparseSoftmaxCrossEntropyWithLogits)');
      // The batch indices, and the optimizer's per-step scalars.
      assert.ok(c.uploads <= 5, `uploads per step: ${c.uploads}`);
    });
  }

  for (const optimizer of ['radam', 'adam'] as const) {
    it(`${optimizer}, ${GRAPH_STEP_TITLE}`, async () => assertGraphStepOps(await opsPerStep(optimizer, false), ['Einsum', 'MatMul', 'Softmax', 'Rsqrt']));
  }

  it('watching (norms and a histogram every 10 steps) adds a few ops per step on average', async () => {
    const off = await opsPerStep('radam', false);
    const on = await opsPerStep('radam', true);
    assert.ok(on.ops - off.ops <= 3, `${on.ops} vs ${off.ops}: ${JSON.stringify(on.byName)}`);
  });
});

function cnnSpec(optimizer: 'radam' | 'adam', steps: number): ComparisonSpec {
  return {
    kind: 'single',
    runs: [
      runSpec(
        {
          label: optimizer,
          optimizer: { name: optimizer, learningRate: 1e-3 },
          dataset: { name: 'digits', validationSplit: 0.1, samples: 1000 },
          model: { name: 'cnn', hiddenLayers: [], activation: 'relu' },
          steps,
          batchSize: 128,
        },
        { validationEvery: 0, histogramEvery: 10, normsEvery: 10 },
      ),
    ],
  };
}

(tf.getBackend() === 'tensorflow' ? describe : describe.skip)('engine: native ops per training step (cnn, digits, batch 128)', function () {
  this.timeout(300_000);
  let cnnDir: string;
  const perStepOf = (optimizer: 'radam' | 'adam', watch: boolean, graphSteps = true): Promise<OpCounts> =>
    opsOver((steps) => cnnSpec(optimizer, steps), cnnDir, watch, 10, graphSteps);
  before(async () => {
    cnnDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-ops-cnn-'));
    await runComparison({ comparison: cnnSpec('radam', 3), runsDir: cnnDir });
  });
  after(() => fs.rmSync(cnnDir, { recursive: true, force: true }));

  for (const optimizer of ['radam', 'adam'] as const) {
    it(`${optimizer}, watch off, op by op (graphSteps false): one fused forward/backward, ONE optimizer update`, async () => {
      const c = await perStepOf(optimizer, false, false);
      assert.equal(c.graphRuns, 0);
      // (tf.variableGrads through the layers model: 128 ops and 40 uploads per step.)
      // 2 batch gathers; SplitV + 3 kernel Reshapes; per stage conv + pool by phases (src/trainer/nativeCnnPhases.ts:
      // MatMul, Reshape, [the second stage: Slice to 12x12], SpaceToDepth, Conv2D, Reshape, Unpack, 3 Maximum,
      // Reshape), BiasAdd, Relu; Reshape, MatMul, BiasAdd; SoftmaxCrossEntropyWithLogits, Mean, Mul; MatMul,
      // BiasAddGrad, MatMul, Reshape; per stage ReluGrad, BiasAddGrad and by phases Reshape, 3 GreaterEqual,
      // 6 Select, Pack, Reshape, Conv2DBackpropFilter, Reshape, MatMul [the second stage: Conv2DBackpropInput,
      // DepthToSpace, Pad]; 3 gradient Reshapes + ConcatV2; the update. (47 ops with Conv2D + MaxPool per stage:
      // more ops now, but no MaxPool/MaxPoolGrad and no 1-channel Conv2D, which took most of the step.)
      assert.equal(c.ops, 92, JSON.stringify(c.byName));
      assert.equal(threadRuleOps(cnnSpec(optimizer, 10).runs[0]), c.ops, 'the thread rule sizes ops by this count (src/shared/threads.ts)');
      assert.equal(c.byName.Conv2D, 2);
      assert.equal(c.byName.SpaceToDepth, 2, 'each stage\'s input split into its 2x2 phases once, for forward and backward');
      assert.equal(c.byName.MaxPool, undefined, 'pooling is Maximum over the phases');
      assert.equal(c.byName.MaxPoolGrad, undefined);
      assert.equal(c.byName.Conv2DBackpropFilter, 2);
      assert.equal(c.byName.Conv2DBackpropInput, 1, 'no input gradient for the first stage');
      assert.equal(c.byName.Sqrt, 1, 'the update runs once, on the flat parameter vector');
      assert.equal(c.byName.BatchMatMulV2, undefined, 'no tfjs matMul (reshapes around a BatchMatMul)');
      assert.ok(c.uploads <= 5, `uploads per step: ${c.uploads}`);
    });
  }

  it(`radam, ${GRAPH_STEP_TITLE}`, async () => assertGraphStepOps(await perStepOf('radam', false), ['Conv2D', 'Conv2DBackpropFilter', 'SpaceToDepth']));
});
