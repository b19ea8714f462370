import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpecFromSettings } from '../../../src/runSpec/fromSettings';
import { checkSetting, describeAccepted, type SettingSchema } from '../../../src/runSpec/settingsSchema';
import { compareWarmups, compareWithAdam, learningRateSweep } from '../../../src/runSpec/comparisons';

// The schema the extension really contributes (package.json), not a copy.
const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8'));
const schema: Record<string, SettingSchema> = pkg.contributes.configuration.properties;

function base() {
  const r = runSpecFromSettings({}, schema);
  assert.ok(r.ok);
  return r.spec;
}

describe('settings → run spec', () => {
  it('every issue-7 setting is contributed with a type, a default and a markdown description', () => {
    const required = [
      'optimizer.learningRate', 'optimizer.beta1', 'optimizer.beta2', 'optimizer.epsilon', 'optimizer.weightDecay',
      'optimizer.decoupledWeightDecay', 'optimizer.rectificationThreshold', 'optimizer.degeneratedToSgd',
      'training.dataset', 'training.model', 'training.hiddenLayers', 'training.steps', 'training.batchSize', 'training.seed',
      'training.validationSplit', 'training.csvPath', 'training.csvLabelColumn', 'metrics.histogramEvery', 'metrics.histogramBins',
      'metrics.perLayerHistograms', 'compare.warmupSteps', 'compare.learningRates',
    ];
    for (const k of required) {
      const s = schema[`radam.${k}`] as SettingSchema & { markdownDescription?: string };
      assert.ok(s, `radam.${k} is contributed`);
      assert.ok(s.type && s.default !== undefined && s.markdownDescription, `radam.${k} has type, default, markdownDescription`);
      assert.equal(checkSetting(`radam.${k}`, s, s.default), null, `the default of radam.${k} passes its own schema`);
    }
  });

  it('defaults give a RAdam spec with the paper defaults', () => {
    const spec = base();
    assert.equal(spec.optimizer.name, 'radam');
    assert.equal(spec.optimizer.learningRate, 0.001);
    assert.equal(spec.optimizer.beta2, 0.999);
    assert.equal(spec.optimizer.rectificationThreshold, 5);
    assert.equal(spec.dataset.name, 'spiral');
    assert.deepEqual(spec.model.hiddenLayers, [64, 64]);
  });

  it('an out-of-range value names the setting, the value and what is accepted', () => {
    const r = runSpecFromSettings({ 'radam.training.steps': -5 }, schema);
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].key, 'radam.training.steps');
    assert.match(r.problems[0].message, /radam\.training\.steps is -5; it must be an integer at least 1 and at most 1000000/);
  });

  it('wrong types, enums and list items are rejected', () => {
    const r = runSpecFromSettings(
      { 'radam.optimizer.beta2': '0.9', 'radam.training.dataset': 'imagenet', 'radam.compare.learningRates': [0.1, -1], 'radam.optimizer.beta1': 1 },
      schema,
    );
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.key).sort(), ['radam.compare.learningRates', 'radam.optimizer.beta1', 'radam.optimizer.beta2', 'radam.training.dataset']);
    const ds = r.problems.find((p) => p.key === 'radam.training.dataset')!;
    assert.match(ds.accepted, /one of "spiral", "moons"/);
    assert.match(r.problems.find((p) => p.key === 'radam.optimizer.beta1')!.accepted, /less than 1/);
  });

  it('a cnn on 2-D data and a csv dataset without a path are refused', () => {
    const r = runSpecFromSettings({ 'radam.training.model': 'cnn', 'radam.training.dataset': 'csv', 'radam.training.csvPath': '' }, schema);
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.key).sort(), ['radam.training.csvPath', 'radam.training.model']);
  });

  it('describes array schemas', () => {
    assert.equal(describeAccepted({ type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 8 }), 'a list of 1 to 8 items, each an integer at least 0');
  });
});

describe('comparisons', () => {
  it('Compare with Adam: RAdam, Adam, Adam with the untuned 2/(1-beta2) warmup, sharing everything else', () => {
    const c = compareWithAdam(base(), { includeAdam2k: false, includeAdamEps: false });
    assert.deepEqual(c.runs.map((r) => r.optimizer.name), ['radam', 'adam', 'adam']);
    assert.equal(c.runs[2].optimizer.schedule?.kind, 'untuned-warmup');
    assert.match(c.runs[2].label, /2000 steps/);
    for (const r of c.runs) {
      assert.deepEqual([r.seed, r.steps, r.batchSize, r.dataset, r.model], [c.runs[0].seed, c.runs[0].steps, c.runs[0].batchSize, c.runs[0].dataset, c.runs[0].model]);
    }
    assert.equal(c.runs[1].optimizer.rectificationThreshold, undefined, 'RAdam-only options are not passed to Adam');
    assert.equal(compareWithAdam(base(), { includeAdam2k: true, includeAdamEps: true }).runs.length, 5);
  });

  it('Compare Warmup Schedules: one Adam per length, plus exponential ones when asked', () => {
    const c = compareWarmups(base(), [0, 100, 500, 2000], true);
    assert.deepEqual(c.runs.map((r) => r.label), [
      'RAdam', 'Adam, no warmup', 'Adam, linear warmup 100', 'Adam, linear warmup 500', 'Adam, linear warmup 2000',
      'Adam, exponential warmup 100', 'Adam, exponential warmup 500', 'Adam, exponential warmup 2000',
    ]);
    assert.deepEqual(c.runs[2].optimizer.schedule, { kind: 'linear-warmup', warmupSteps: 100 });
  });

  it('Learning-rate sweep: one RAdam and one Adam per rate', () => {
    const c = learningRateSweep(base(), [0.1, 0.01]);
    assert.deepEqual(c.runs.map((r) => [r.optimizer.name, r.optimizer.learningRate]), [['radam', 0.1], ['adam', 0.1], ['radam', 0.01], ['adam', 0.01]]);
  });
});
