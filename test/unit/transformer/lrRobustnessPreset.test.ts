// The preset "Paper: learning-rate robustness" (src/runSpec/presets.ts, media/presets/paper-lr-robustness-seed*.json):
// what it trains. Its result (docs/lr-robustness.md) needs the full 24 runs (minutes) and is recorded in the
// doc, from scripts/lr-robustness-search.mjs, not asserted here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LR_ROBUSTNESS_RATES,
  LR_ROBUSTNESS_SEEDS,
  PAPER_LR_ROBUSTNESS,
  paperLrRobustnessComparisons,
  presetById,
} from '../../../src/runSpec/presets';
import { comparisonProblems } from '../../../src/runSpec/validateComparison';
import { datasetInfoWithoutLoading } from '../../../src/trainer/datasets';
import { checkModelFits } from '../../../src/trainer/models';

describe('transformer: the preset "Paper: learning-rate robustness"', () => {
  it('is one lr sweep per seed: RAdam and Adam at 0.1, 0.03, 0.01, 0.003 on a 4-layer post-LN encoder, beta2 0.999', () => {
    assert.equal(presetById('paper-lr-robustness'), PAPER_LR_ROBUSTNESS);
    assert.equal(PAPER_LR_ROBUSTNESS.title, 'Paper: learning-rate robustness');
    assert.deepEqual(LR_ROBUSTNESS_RATES, [0.1, 0.03, 0.01, 0.003]);
    const comparisons = paperLrRobustnessComparisons();
    assert.deepEqual(
      comparisons.map((c) => c.runs[0].seed),
      [...LR_ROBUSTNESS_SEEDS],
    );
    for (const c of comparisons) {
      assert.equal(c.kind, 'lr-sweep');
      assert.deepEqual(comparisonProblems(c), [], 'runs of one comparison share data, model, seed, steps and batch size');
      const seed = c.runs[0].seed;
      assert.deepEqual(
        c.runs.map((r) => [r.optimizer.name, r.optimizer.learningRate, r.optimizer.schedule?.kind, r.label]),
        LR_ROBUSTNESS_RATES.flatMap((lr) => [
          ['radam', lr, 'constant', `RAdam, lr ${lr}, seed ${seed}`],
          ['adam', lr, 'constant', `Adam, lr ${lr}, seed ${seed}`],
        ]),
      );
      for (const r of c.runs) {
        assert.equal(r.optimizer.beta2, 0.999);
        assert.equal(r.steps, 300);
        assert.equal(r.model.layers, 4);
        assert.equal(r.model.norm, 'post');
        assert.equal(checkModelFits(r.model, datasetInfoWithoutLoading(r.dataset.name, r.dataset)!), null);
      }
      const file = JSON.parse(fs.readFileSync(path.join(__dirname, `../../../../media/presets/paper-lr-robustness-seed${seed}.json`), 'utf8'));
      assert.deepEqual(file, c, `media/presets/paper-lr-robustness-seed${seed}.json is the builder output (regenerate it when the preset changes)`);
    }
    assert.ok(paperLrRobustnessComparisons({ steps: 5 }).every((c) => c.runs.every((r) => r.steps === 5)), 'the steps override reaches every run');
  });
});
