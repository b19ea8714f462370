// Ops per training step (issue 8), counted at the tfjs-node binding: what each step of the trainer
// dispatches is pinned here, so a change that brings back per-tensor optimizer updates, scalar uploads or
// tfjs's composite kernels fails a test instead of silently costing ~12 us per op. No timings.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ComparisonSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { runComparison } from '../../../src/trainer/engine';
import type { OpCounts } from '../../../src/trainer/opCounter';
import { assertGraphStepOps, GRAPH_STEP_TITLE, opsPerStep as opsOver, UNFUSED_TITLE } from './opsPerStep';
import { runSpec } from './specs';
import { opsPerStep as threadRuleOps } from '../../../src/shared/threads';

let dir: string;

function mlpSpec(optimizer: 'radam' | 'adam', steps: number): ComparisonSpec {
  return {
    kind: 'single',
    runs: [
      runSpec(
        {
          label: optimizer,
          optimizer: { name: optimizer, learningRate: 1e-3 },
          dataset: { name: 'digits', validationSplit: 0.1, samples: 1000 },
          model: { name: 'mlp', hiddenLayers: [256, 256], activation: 'relu' },
          steps,
          batchSize: 128,
        },
        { validationEvery: 0, histogramEvery: 10, normsEvery: 10 },
      ),
    ],
  };
}

/** Native ops per step (over 20 steps). */
const opsPerStep = (optimizer: 'radam' | 'adam', watch: boolean, graphSteps = true, fusedUpdates = true): Promise<OpCounts> =>
  opsOver((steps) => mlpSpec(optimizer, steps), dir, watch, 20, graphSteps, fusedUpdates);

(tf.getBackend() === 'tensorflow' ? describe : describe.skip)('engine: native ops per training step (MLP 784-256-256-10, batch 128)', function () {
  this.timeout(120_000);
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-ops-'));
    await runComparison({ comparison: mlpSpec('radam', 5), runsDir: dir }); // module-level caches
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const optimizer of ['radam', 'adam'] as const) {
    it(`${optimizer}, watch off, op by op (graphSteps false): one forward/backward in fused kernels and ONE optimizer update for all parameters`, async () => {
      const c = await opsPerStep(optimizer, false, false);
      assert.equal(c.graphRuns, 0);
      // 2 gathers, SplitV + 3 Reshape, 3 x (MatMul, BiasAdd) + 2 Relu, SoftmaxCrossEntropyWithLogits + Mean,
      // Mul, 3 x (MatMul + Reshape + BiasAddGrad) + 2 x (MatMul + ReluGrad), ConcatV2, 10 for the update.
      assert.equal(c.ops, 41, JSON.stringify(c.byName));
      assert.equal(threadRuleOps(mlpSpec(optimizer, 20).runs[0]), c.ops, 'the thread rule sizes ops by this count (src/shared/threads.ts)');
      assert.equal(c.byName.MatMul, 8, 'forward 3, backward 5 (no input gradient for the first layer)');
      assert.equal(c.byName.Sqrt, 1, 'the update runs once, on the flat parameter vector');
      assert.equal(c.byName.BatchMatMulV2, undefined, "no tfjs matMul (reshapes around a BatchMatMul)");
      // The batch indices, and the optimizer's per-step scalars (step sizes, moment gains).
      assert.ok(c.uploads <= 5, `uploads per step: ${c.uploads}`);
    });
  }

  for (const optimizer of ['radam', 'adam'] as const) {
    it(`${optimizer}, ${GRAPH_STEP_TITLE}`, async () => assertGraphStepOps(await opsPerStep(optimizer, false), ['MatMul', 'BiasAdd', 'ReluGrad']));
    it(`${optimizer}, ${UNFUSED_TITLE}`, async () => assertGraphStepOps(await opsPerStep(optimizer, false, true, false), ['MatMul', 'BiasAdd', 'ReluGrad'], false));
  }

  it('watching (norms and a histogram every 10 steps) adds about one op per step on average', async () => {
    const off = await opsPerStep('radam', false);
    const on = await opsPerStep('radam', true);
    assert.ok(on.ops - off.ops <= 2, `${on.ops} vs ${off.ops}: ${JSON.stringify(on.byName)}`);
  });
});
