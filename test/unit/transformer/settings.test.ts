// The transformer's settings (package.json contributes.configuration) and how fromSettings reads them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpecFromSettings } from '../../../src/runSpec/fromSettings';
import { comparisonProblems } from '../../../src/runSpec/validateComparison';
import { checkSetting, type SettingSchema } from '../../../src/runSpec/settingsSchema';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8'));
type Contributed = SettingSchema & { markdownDescription?: string; enumDescriptions?: string[] };
const schema: Record<string, Contributed> = pkg.contributes.configuration.properties;

describe('transformer: settings', () => {
  it('contributes the sizes with a type, a default, a range and a markdown description', () => {
    for (const k of ['layers', 'dModel', 'heads', 'sequenceLength', 'vocabularySize']) {
      const s = schema[`radam.transformer.${k}`];
      assert.ok(s, `radam.transformer.${k} is contributed`);
      assert.equal(s.type, 'integer');
      assert.ok(s.markdownDescription && s.minimum !== undefined && s.maximum !== undefined, `radam.transformer.${k}: description, minimum, maximum`);
      assert.equal(checkSetting(`radam.transformer.${k}`, s, s.default), null);
    }
    assert.deepEqual(schema['radam.transformer.layers'].maximum, 6);
    assert.deepEqual(schema['radam.transformer.norm'].enum, ['post', 'pre']);
    assert.equal(schema['radam.transformer.norm'].default, 'post');
    assert.equal(schema['radam.transformer.norm'].enumDescriptions?.length, 2);
    for (const k of ['radam.training.dataset', 'radam.training.model']) {
      assert.equal(schema[k].enum!.length, schema[k].enumDescriptions!.length, `${k}: one description per value`);
    }
    assert.ok(['reverse', 'sort', 'copy-shift'].every((d) => schema['radam.training.dataset'].enum!.includes(d)));
    assert.ok(schema['radam.training.model'].enum!.includes('transformer'));
  });

  it('a transformer on a sequence set gets its sizes from the settings; other models and sets do not', () => {
    const r = runSpecFromSettings(
      {
        'radam.training.dataset': 'sort',
        'radam.training.model': 'transformer',
        'radam.transformer.layers': 6,
        'radam.transformer.dModel': 32,
        'radam.transformer.heads': 2,
        'radam.transformer.norm': 'pre',
        'radam.transformer.sequenceLength': 10,
        'radam.transformer.vocabularySize': 20,
      },
      schema,
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(r.spec.model, { name: 'transformer', hiddenLayers: [64, 64], activation: 'relu', layers: 6, dModel: 32, heads: 2, norm: 'pre' });
    assert.deepEqual(r.spec.dataset, { name: 'sort', validationSplit: 0.2, sequenceLength: 10, vocabularySize: 20 });
    assert.deepEqual(comparisonProblems({ kind: 'single', runs: [r.spec] }), []);
    const mlp = runSpecFromSettings({ 'radam.transformer.layers': 6 }, schema);
    assert.ok(mlp.ok);
    assert.deepEqual(mlp.spec.model, { name: 'mlp', hiddenLayers: [64, 64], activation: 'relu' });
    assert.deepEqual(mlp.spec.dataset, { name: 'spiral', validationSplit: 0.2 });
  });

  it('refuses a transformer on points, an mlp or cnn on sequences, dModel not a multiple of heads, and out-of-range sizes', () => {
    const keys = (values: Record<string, unknown>) => {
      const r = runSpecFromSettings(values, schema);
      assert.ok(!r.ok);
      return r.problems.map((p) => p.key).sort();
    };
    assert.deepEqual(keys({ 'radam.training.model': 'transformer' }), ['radam.training.model']);
    assert.deepEqual(keys({ 'radam.training.dataset': 'reverse' }), ['radam.training.model']);
    const cnn = runSpecFromSettings({ 'radam.training.dataset': 'reverse', 'radam.training.model': 'cnn' }, schema);
    assert.ok(!cnn.ok);
    assert.equal(cnn.problems.length, 1);
    assert.match(cnn.problems[0].message, /use "transformer"/);
    const heads = runSpecFromSettings({ 'radam.training.dataset': 'reverse', 'radam.training.model': 'transformer', 'radam.transformer.heads': 3 }, schema);
    assert.ok(!heads.ok);
    assert.deepEqual(heads.problems.map((p) => p.key), ['radam.transformer.dModel']);
    assert.match(heads.problems[0].message, /64, which is not a multiple of radam\.transformer\.heads \(3\)/);
    assert.deepEqual(keys({ 'radam.training.dataset': 'reverse', 'radam.training.model': 'transformer', 'radam.transformer.layers': 7, 'radam.transformer.vocabularySize': 1 }), [
      'radam.transformer.layers',
      'radam.transformer.vocabularySize',
    ]);
  });

  it('validateComparison checks the optional transformer fields of a spec', () => {
    const r = runSpecFromSettings({ 'radam.training.dataset': 'reverse', 'radam.training.model': 'transformer' }, schema);
    assert.ok(r.ok);
    const bad = { ...r.spec, model: { ...r.spec.model, layers: 2.5, norm: 'middle', causal: 'yes' } };
    assert.deepEqual(comparisonProblems({ kind: 'single', runs: [bad] }), [
      'runs[0].model.layers: expected an integer >= 1, got 2.5',
      'runs[0].model.norm: expected "post" or "pre"',
      'runs[0].model.causal: expected true or false',
    ]);
  });
});
