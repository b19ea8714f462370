// One default per field (issue 14), declared in src/runSpec/schema.ts: these tests check that what is made
// from it agrees end to end: package.json's settings (generated from the schema), the optimizers' own
// constructor and fromConfig defaults, DEFAULT_METRICS, the CLI's default spec.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultRunSpec } from '../../../src/cli/args';
import { AdamOptimizer, OPTIMIZER_DEFAULTS, RAdamOptimizer, SgdMomentumOptimizer, resolveOptimizerSpec } from '../../../src/optim';
import { runSpecFromSettings } from '../../../src/runSpec/fromSettings';
import { DEFAULT_METRICS } from '../../../src/runSpec/runSpec';
import type { SettingSchema } from '../../../src/runSpec/settingsSchema';
import { repoRoot } from '../../tools/readmeTables';

const schema = (
  JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, SettingSchema> } };
  }
).contributes.configuration.properties;
const setting = (key: string) => schema[`radam.${key}`].default;

/** An optimizer's defaults as its getConfig() reports them (dropping what is not an optimizer field). */
function configOf(opt: { getConfig(): object; dispose(): void }): Record<string, unknown> {
  const c = { ...(opt.getConfig() as Record<string, unknown>) };
  opt.dispose();
  delete c.schedule;
  return c;
}

describe('defaults agree wherever they are written', () => {
  it('RAdam: the optimizer settings = OPTIMIZER_DEFAULTS.radam', () => {
    const d = OPTIMIZER_DEFAULTS.radam;
    for (const k of ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'decoupledWeightDecay', 'rectificationThreshold', 'degeneratedToSgd'] as const) {
      assert.equal(setting(`optimizer.${k}`), d[k], `radam.optimizer.${k}`);
    }
  });

  it('RAdamOptimizer, AdamOptimizer and SgdMomentumOptimizer: constructor and fromConfig defaults = OPTIMIZER_DEFAULTS', () => {
    const { k: _k, ...radam } = OPTIMIZER_DEFAULTS.radam;
    assert.deepEqual(configOf(new RAdamOptimizer({})), radam);
    assert.deepEqual(configOf(RAdamOptimizer.fromConfig<RAdamOptimizer>(RAdamOptimizer, {})), radam);
    const adam = OPTIMIZER_DEFAULTS.adam;
    for (const opt of [new AdamOptimizer({}), AdamOptimizer.fromConfig<AdamOptimizer>(AdamOptimizer, {})]) {
      const c = configOf(opt);
      for (const k of ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'decoupledWeightDecay'] as const) assert.equal(c[k], adam[k], `adam ${k}`);
    }
    const sgd = OPTIMIZER_DEFAULTS['sgd-momentum'];
    for (const opt of [new SgdMomentumOptimizer({}), SgdMomentumOptimizer.fromConfig<SgdMomentumOptimizer>(SgdMomentumOptimizer, {})]) {
      const c = configOf(opt);
      assert.equal(c.learningRate, sgd.learningRate, 'sgd-momentum learningRate');
      assert.equal(c.momentum, sgd.beta1, 'sgd-momentum momentum = beta1');
      assert.equal(c.weightDecay, sgd.weightDecay, 'sgd-momentum weightDecay');
    }
  });

  it('the metrics settings = DEFAULT_METRICS', () => {
    assert.equal(setting('metrics.histogramEvery'), DEFAULT_METRICS.histogramEvery);
    assert.equal(setting('metrics.histogramBins'), DEFAULT_METRICS.histogramBins);
    assert.equal(setting('metrics.perLayerHistograms'), DEFAULT_METRICS.perLayerHistograms);
    assert.equal(setting('metrics.normsEvery'), DEFAULT_METRICS.normsEvery);
  });

  it('the run spec of untouched settings = the CLI default spec (its optimizer resolved)', () => {
    const fromSettings = runSpecFromSettings({}, schema);
    assert.ok(fromSettings.ok, JSON.stringify(fromSettings));
    const cli = defaultRunSpec();
    const { k: _k, ...resolved } = resolveOptimizerSpec(cli.optimizer);
    assert.deepEqual(fromSettings.spec, { ...cli, optimizer: { ...resolved, schedule: cli.optimizer.schedule } });
  });
});
