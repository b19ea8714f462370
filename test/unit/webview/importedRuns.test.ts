// The webview's pure pieces for imported (TensorBoard) runs: the tag picker's choices, chart names,
// the rho_t / r_t sentence, reading a typed beta2, the run store's on-demand tags and the view state.
import assert from 'node:assert/strict';
import type { ImportedRunInfo, RunInfo } from '../../../src/protocol/webview';
import { MAX_CHARTED_TAGS, parseBeta2, rhoText, scalarChartName, scalarTagChoices, withTag } from '../../../webview/data/importedRuns';
import { RunStore } from '../../../webview/data/runStore';
import { sanitizeState } from '../../../webview/state';

const imported = (over: Partial<ImportedRunInfo> = {}): ImportedRunInfo => ({
  path: '/logs/run',
  scalarTags: ['loss'],
  lossTag: 'loss',
  autoLossTag: 'loss',
  rhoOrigin: 'none',
  userBeta2: null,
  ...over,
});
const run = (id: string, tags?: string[]): RunInfo => ({ id, label: id, status: 'finished', live: false, ...(tags ? { imported: imported({ scalarTags: tags }) } : {}) });

describe('webview: imported runs', () => {
  it('the tag picker offers the union of the shown imported runs’ tags, sorted; our runs add none', () => {
    assert.deepEqual(scalarTagChoices([run('a', ['z', 'lr']), run('b', ['lr', 'acc']), run('ours'), undefined]), ['acc', 'lr', 'z']);
    assert.deepEqual(scalarTagChoices([run('ours')]), []);
  });

  it('withTag: no duplicates, newest last, at most MAX_CHARTED_TAGS (the oldest goes)', () => {
    assert.deepEqual(withTag(['a', 'b'], 'a'), ['b', 'a']);
    const full = Array.from({ length: MAX_CHARTED_TAGS }, (_, i) => `t${i}`);
    const next = withTag(full, 'new');
    assert.equal(next.length, MAX_CHARTED_TAGS);
    assert.equal(next[0], 't1');
    assert.equal(next.at(-1), 'new');
  });

  it('chart names are valid export names and differ for tags that slug alike', () => {
    const names = ['a/b', 'a.b', 'A B', 'ρ_t', '/'.repeat(300)].map(scalarChartName);
    for (const n of names) assert.match(n, /^[a-z0-9-]{1,64}$/);
    assert.equal(new Set(names).size, names.length);
    assert.equal(scalarChartName('a/b'), scalarChartName('a/b'));
  });

  it('rho_t text: says where it comes from, and without beta2 that it cannot be derived and how to supply it', () => {
    const none = rhoText(imported(), undefined);
    assert.match(none, /cannot be derived/);
    assert.match(none, /beta2/);
    assert.match(none, /gradient accumulation/);
    assert.match(rhoText(imported({ rhoOrigin: 'beta2User', userBeta2: 0.98 }), 0.98), /you set \(0\.98\)/);
    assert.match(rhoText(imported({ rhoOrigin: 'beta2Logged' }), 0.999), /logs \(0\.999\)/);
    assert.match(rhoText(imported({ rhoOrigin: 'logged' }), undefined), /from the tags/);
  });

  it('parseBeta2: a number in (0, 1); empty clears; anything else is an error naming the value', () => {
    assert.deepEqual(parseBeta2(' 0.999 '), { beta2: 0.999 });
    assert.deepEqual(parseBeta2(''), { beta2: null });
    for (const bad of ['1', '0', '-0.5', 'abc', '0.9x', 'Infinity']) {
      const r = parseBeta2(bad);
      assert.ok('error' in r && r.error.includes(bad), bad);
    }
  });

  it('run store: a tag’s points append past the last step, reset replaces them, dropScalars forgets tags', () => {
    const store = new RunStore();
    const d = store.ingestScalar('r', 'acc', [1, 2, 3], [0.1, 0.2, 0.3]);
    const v0 = d.scalarsVersion;
    store.ingestScalar('r', 'acc', [3, 4], [9, 0.4]); // step 3 is held already
    const col = d.scalars.get('acc')!;
    assert.deepEqual([...col.xs.subarray(0, col.length)], [1, 2, 3, 4]);
    assert.ok(Math.abs(col.ys[3] - 0.4) < 1e-6);
    assert.ok(d.scalarsVersion > v0);
    store.ingestScalar('r', 'acc', [1], [5], true);
    assert.equal(d.scalars.get('acc')!.length, 1);
    store.ingestScalar('r', 'other', [1], [1]);
    d.dropScalars(new Set(['other']));
    assert.deepEqual([...d.scalars.keys()], ['other']);
  });

  it('view state: charted tags survive a reload; junk is dropped', () => {
    assert.deepEqual(sanitizeState({ scalarTags: ['a', 'a', 3, '', 'b'] }).scalarTags, ['a', 'b']);
    assert.deepEqual(sanitizeState({}).scalarTags, []);
    const many = Array.from({ length: 40 }, (_, i) => `t${i}`);
    assert.deepEqual(sanitizeState({ scalarTags: many }).scalarTags, many.slice(-MAX_CHARTED_TAGS));
  });
});
