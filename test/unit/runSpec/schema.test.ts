// The one declaration of a run (src/runSpec/schema.ts) and what is made of it: types are compile-time, so
// these tests pin the run-time half: strict keys with their paths at every entry point, the engine's
// domains against the users' ranges, the settings mapped without a hand-written table, one default each.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultRunSpec } from '../../../src/cli/args';
import { OPTIMIZER_DEFAULTS, validateOptimizerSpec } from '../../../src/optim/spec';
import { runSpecFromSettings } from '../../../src/runSpec/fromSettings';
import { describeDomain, leaves, type Leaf } from '../../../src/runSpec/fields';
import { specFileProblems } from '../../../src/runSpec/rules';
import { RunSpecFields, SETTINGS, fieldDefault } from '../../../src/runSpec/schema';
import { comparisonProblems } from '../../../src/runSpec/validateComparison';
import { repoRoot } from '../../tools/readmeTables';

type Tree = Record<string, Record<string, unknown>>;
const one = (patch: (r: Tree) => void) => {
  const r = defaultRunSpec() as unknown as Tree;
  patch(r);
  return { kind: 'single', runs: [r] };
};
/** The value at a dotted path. */
const at = (o: unknown, p: string): unknown => p.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);

/** A value of the leaf's range other than its default. */
function otherValue(leaf: Leaf): unknown {
  const r = leaf.range;
  const d = leaf.doc.default;
  if (r.enum) return r.enum.find((x) => x !== d);
  if (r.type === 'boolean') return !d;
  if (r.type === 'string') return 'x.csv';
  if (r.type === 'array') return [7];
  // Integers double (64 -> 128 stays a multiple of the heads), numbers move by 0.01.
  const n = d as number;
  const up = r.type === 'integer' ? (n === 0 ? 1 : n * 2) : n + 0.01;
  const step = r.type === 'integer' ? 1 : 0.01;
  return up <= (r.maximum ?? Infinity) && up < (r.exclusiveMaximum ?? Infinity) ? up : n - step;
}

describe('schema: strict keys named by their path', () => {
  it('on receipt (validateComparison): a typo deep in a run, a list for an object, a missing field', () => {
    assert.deepEqual(comparisonProblems(one((r) => (r.optimizer.learningRte = 0.1))), ['runs[0].optimizer.learningRte: unknown key']);
    assert.deepEqual(comparisonProblems(one((r) => ((r as Record<string, unknown>).model = []))), ['runs[0].model: expected an object, got an array']);
    assert.deepEqual(comparisonProblems(one((r) => delete (r as Record<string, unknown>).steps)), ['runs[0].steps: expected an integer >= 1, got undefined']);
    assert.deepEqual(comparisonProblems([]), ['comparison: expected an object, got an array']);
    assert.deepEqual(comparisonProblems({ kind: 'single', runs: [] }), ['comparison.runs: expected at least one run, at most 64']);
    assert.deepEqual(comparisonProblems({ kind: 'single', runs: [defaultRunSpec()], extra: 1 }), ['comparison.extra: unknown key']);
  });

  it('in spec files (partial): unknown keys list the known ones; an empty list where an object belongs is refused too', () => {
    const p = specFileProblems({ runs: [{ optimizer: { name: 'adam', learningRte: 0.1 } }] });
    assert.deepEqual(p.map((x) => x.path), ['runs[0].optimizer.learningRte']);
    assert.match(p[0].message, /^unknown key \(known here: name, learningRate, beta1,/);
    assert.deepEqual(specFileProblems({ model: [] }), [{ path: 'model', message: 'expected an object, got an array' }]);
  });
});

describe('schema: users\' ranges and the engine\'s domains come from one entry', () => {
  it('a learning rate of 1e20 (to force a divergence) passes the engine and the optimizer library, not a spec file', () => {
    assert.deepEqual(comparisonProblems(one((r) => (r.optimizer.learningRate = 1e20))), []);
    assert.deepEqual(validateOptimizerSpec({ name: 'adam', learningRate: 1e20 }), []);
    assert.deepEqual(specFileProblems({ optimizer: { learningRate: 1e20 } }).map((p) => p.message), ['is 100000000000000000000; it must be a number greater than 0 and at most 10']);
    assert.deepEqual(validateOptimizerSpec({ name: 'adam', learningRate: -1 }).map((p) => `${p.field}: ${p.message}`), ['learningRate: must be a finite number >= 0; got -1']);
    assert.deepEqual(validateOptimizerSpec({ name: 'adam', lr: 0.1 }).map((p) => p.field), ['lr']);
    assert.deepEqual(validateOptimizerSpec({ name: 'radam', rectificationThreshold: 3 }).map((p) => p.message), ['must be a finite number >= 4 (r_t is undefined below 4); got 3']);
  });
});

describe('schema: settings → spec without a hand-written table', () => {
  it('every setting with a RunSpec path lands there (changing each one changes exactly that field)', () => {
    const base = runSpecFromSettings({});
    assert.ok(base.ok);
    // A transformer on a sequence set (every transformer-only and sequence-only field applies), or a csv file.
    const transformer = { 'radam.training.dataset': 'reverse', 'radam.training.model': 'transformer' };
    const csv = { 'radam.training.dataset': 'csv', 'radam.training.csvPath': 'a.csv' };
    let checked = 0;
    for (const { id, path: p, leaf } of SETTINGS) {
      // The model and dataset names pair by cross-checks (settings.test.ts and transformer/settings.test.ts).
      if (!p || p === 'model.name' || p === 'dataset.name') continue;
      const context = leaf.doc.onlyWhen?.values.includes('csv') ? csv : leaf.doc.onlyWhen ? transformer : {};
      const value = otherValue(leaf);
      const r = runSpecFromSettings({ ...context, [id]: value });
      assert.ok(r.ok, `${id}=${JSON.stringify(value)}: ${JSON.stringify(!r.ok && r.problems)}`);
      assert.deepEqual(at(r.spec, p), value, `${id} → ${p}`);
      assert.deepEqual(at(base.spec, p), leaf.doc.onlyWhen ? undefined : leaf.doc.default, `${id} untouched → ${p}`);
      checked++;
    }
    assert.ok(checked >= 25, `${checked} settings checked`);
  });
});

describe('schema: one default per field', () => {
  it('the CLI default spec, the untouched settings and OPTIMIZER_DEFAULTS.radam take the declared defaults', () => {
    for (const [p, l] of leaves(RunSpecFields)) {
      if (l.doc.default === undefined || (l.optional && !l.doc.inDefaults)) continue;
      assert.deepEqual(at(defaultRunSpec(), p), l.doc.default, p);
    }
    assert.equal(OPTIMIZER_DEFAULTS.radam.learningRate, fieldDefault('optimizer.learningRate'));
    assert.equal(OPTIMIZER_DEFAULTS['sgd-momentum'].learningRate, 1e-2, 'a per-name difference');
  });

  it('the default learning rate is written once in src/ (src/runSpec/schema.ts), outside comments', () => {
    const hits: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const f = path.join(dir, e.name);
        if (e.isDirectory()) walk(f);
        else if (f.endsWith('.ts')) {
          fs.readFileSync(f, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '').replace(/\/\*.*?\*\//g, '');
              if (/learningRate[^\n]*\b(1e-3|0\.001)\b|\?\? 1e-3\b/.test(code)) hits.push(`${path.relative(repoRoot(), f)}:${i + 1}`);
            });
        }
      }
    };
    walk(path.join(repoRoot(), 'src'));
    assert.deepEqual(hits, [], 'the default learning rate written outside the schema');
    assert.match(fs.readFileSync(path.join(repoRoot(), 'src/runSpec/schema.ts'), 'utf8'), /learningRate: optional\(\s*number\([^)]*?default: 1e-3,/s, 'and once in the schema');
  });
});

describe('schema: the engine\'s words for what it accepts', () => {
  it('names lists by their items', () => {
    assert.equal(describeDomain({ type: 'array', items: { type: 'integer', minimum: 1 } }), 'a list of integers >= 1');
    assert.equal(describeDomain({ type: 'array', items: { type: 'number' } }), 'a list of finite numbers');
    assert.deepEqual(comparisonProblems(one((r) => (r.model.hiddenLayers = [8, 'x']))), ['runs[0].model.hiddenLayers: expected a list of integers, got [8,"x"]']);
  });
});
