// The transformer through the real engine: it learns the copy task, and its per-layer histograms are
// grouped by sublayer.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRun } from '../../../src/runs';
import { DEFAULT_METRICS, type ComparisonSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { runComparison } from '../../../src/trainer/engine';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-transformer-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('transformer: training in the engine', function () {
  this.timeout(120_000);

  it('learns copy-shift (8 tokens of 8, shift 1) to > 95% validation token accuracy in 250 RAdam steps', async () => {
    const comparison: ComparisonSpec = {
      kind: 'single',
      runs: [
        {
          label: 'RAdam',
          optimizer: { name: 'radam', learningRate: 3e-3, schedule: { kind: 'constant' } },
          dataset: { name: 'copy-shift', validationSplit: 0.1, sequenceLength: 8, vocabularySize: 8, samples: 4000 },
          model: { name: 'transformer', hiddenLayers: [], activation: 'relu', layers: 1, dModel: 32, heads: 2, ffDim: 64, norm: 'post' },
          steps: 250,
          batchSize: 32,
          seed: 3,
          metrics: { ...DEFAULT_METRICS, histogramEvery: 50, perLayerHistograms: true, validationEvery: 50 },
        },
      ],
    };
    // The engine's module-level caches (nativeOps' shape and axis tensors) are made on first use: warm up.
    const warm = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-transformer-'));
    const r0 = comparison.runs[0];
    await runComparison({ comparison: { ...comparison, runs: [{ ...r0, steps: 2, metrics: { ...r0.metrics, histogramEvery: 1, validationEvery: 1 } }] }, runsDir: warm });
    fs.rmSync(warm, { recursive: true, force: true });
    const before = tf.memory().numTensors;
    const res = await runComparison({ comparison, runsDir: dir });
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    const run = readRun(dir, res.runs[0].id)!;
    assert.equal(run.record.status, 'finished');
    assert.deepEqual(run.record.dataset, { task: 'classification', inputShape: [8], outputSize: 8, trainExamples: 3600, validationExamples: 400 });
    const first = run.metrics[0].loss;
    // Near chance (ln 8 = 2.08) plus the spread of the initial logits (unit-variance LN output times a Glorot kernel).
    assert.ok(first > Math.log(8) && first < Math.log(8) + 1, `starts near chance: ${first}`);
    const acc = run.record.summary!.finalValAccuracy!;
    assert.ok(acc > 0.95, `validation token accuracy ${acc}`);
    assert.ok(run.record.summary!.finalValLoss! < 0.2, `validation loss ${run.record.summary!.finalValLoss}`);
    // Per-layer histograms: one group per sublayer, in graph order, covering every gradient entry.
    const h = run.histograms[0];
    assert.deepEqual(
      h.layers!.map((l) => l.name),
      ['embedding', 'enc_0_attention', 'enc_0_norm_1', 'enc_0_ffn_1', 'enc_0_ffn_2', 'enc_0_norm_2', 'logits'],
    );
    assert.equal(h.layers!.reduce((n, l) => n + l.total, 0), h.total);
    assert.equal(h.total, run.record.parameters);
  });
});
