// The user's choices for imported runs (another loss tag, beta2 for a run that logs neither rho_t nor
// beta2), scalar tags charted on demand, and imported runs in the exports: on real event files in a
// temporary folder, read by the real reader and source.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exportContent } from '../../../src/panel/exportContent';
import { isHostToWebview, isWebviewToHost, type RunInfo } from '../../../src/protocol/webview';
import { assignRoles, rhoOrigin, scalarColumn, tensorBoardRunInfo } from '../../../src/tensorboard/dashboard';
import { runColumns } from '../../../src/tensorboard/runColumns';
import { importedRunExport, tagColumn } from '../../../src/tensorboard/exportRun';
import { LogdirReader, type LogRun } from '../../../src/tensorboard/logdir';
import { MAX_REMEMBERED_RUNS, RUN_CHOICES_KEY, RunChoicesStore, runChoiceKey, type KeyValueStore } from '../../../src/tensorboard/runChoices';
import { TensorBoardSource, type RunUpdate } from '../../../src/tensorboard/source';
import { concat, fileVersion, scalarEvent } from './helpers';

/** RAdam's rho_t written out from the paper (not through src/optim): rho_inf - 2 t b^t / (1 - b^t). */
const paperRho = (t: number, b: number) => 2 / (1 - b) - 1 - (2 * t * b ** t) / (1 - b ** t);

/** A Memento stand-in that keeps values in a Map and records every update. */
class MapMemento implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  updates = 0;
  get(key: string): unknown {
    return this.data.get(key);
  }
  update(key: string, value: unknown): Promise<void> {
    this.updates++;
    this.data.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

describe('tensorboard: the user’s loss tag and beta2, tags on demand, exports', () => {
  let dir: string;
  const file = () => path.join(dir, 'run1', 'events.out.tfevents.1000.host.1.0');
  /** Steps 1..n of train/loss (1/s), my_objective (10 s) and a bare lr; no rho_t, no beta2. */
  const writeRun = (n: number, extra: Uint8Array[] = []) => {
    const parts = [fileVersion()];
    for (let s = 1; s <= n; s++) parts.push(scalarEvent('train/loss', s, 1 / s), scalarEvent('my_objective', s, 10 * s), scalarEvent('lr', s, 0.001));
    writeFileSync(file(), concat([...parts, ...extra]));
  };
  const readRun = async (): Promise<LogRun> => {
    const r = new LogdirReader(dir);
    await r.poll();
    return r.run('run1')!;
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'radam-tb-choice-'));
    mkdirSync(path.join(dir, 'run1'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a chosen loss tag replaces the auto-detected one; a tag the run does not have is ignored', async () => {
    writeRun(4);
    const run = await readRun();
    const tags = [...run.series.scalars.keys()];
    assert.equal(assignRoles(tags).get('loss'), 'train/loss');
    assert.equal(assignRoles(tags, { lossTag: 'my_objective' }).get('loss'), 'my_objective');
    assert.deepEqual([...runColumns(run, -Infinity, { lossTag: 'my_objective' }).loss], [10, 20, 30, 40]);
    assert.deepEqual([...runColumns(run, -Infinity, { lossTag: 'gone' }).loss], [1, 1 / 2, 1 / 3, 1 / 4].map(Math.fround));
    const info = tensorBoardRunInfo(dir, run, false, { lossTag: 'my_objective' });
    assert.equal(info.imported?.lossTag, 'my_objective');
    assert.equal(info.imported?.autoLossTag, 'train/loss');
    assert.deepEqual(info.imported?.scalarTags, ['train/loss', 'my_objective', 'lr']);
    assert.equal(info.imported?.path, path.join(dir, 'run1'));
  });

  it('beta2: none logged and none set → no rho_t; set → rho_t and r_t from the step; a logged beta2 wins', async () => {
    writeRun(8);
    const run = await readRun();
    assert.deepEqual(rhoOrigin(run), { origin: 'none' });
    assert.ok(runColumns(run).rhoT.every(Number.isNaN));
    assert.equal(tensorBoardRunInfo(dir, run, false).imported?.rhoOrigin, 'none');
    const c = runColumns(run, -Infinity, { beta2: 0.9 });
    assert.deepEqual(rhoOrigin(run, { beta2: 0.9 }), { origin: 'beta2User', beta2: 0.9 });
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(c.rhoT[i] - paperRho(i + 1, 0.9)) < 1e-4, `rho_t at step ${i + 1}`);
    // Rectified where the paper's rho_t > 5; r_t is defined there only, 0 < r_t < 1.
    const expected = Array.from({ length: 8 }, (_, i) => (paperRho(i + 1, 0.9) > 5 ? 1 : 0));
    assert.ok(expected.includes(0) && expected.includes(1));
    assert.deepEqual([...c.rectified], expected);
    for (let i = 0; i < 8; i++) assert.equal(Number.isNaN(c.rT[i]), expected[i] === 0, `r_t at step ${i + 1}`);
    assert.ok(c.rT[7] > 0 && c.rT[7] < 1);
    assert.ok(Math.abs(c.effectiveStepSize[7] - 0.001 * c.rT[7]) < 1e-9);
    const info = tensorBoardRunInfo(dir, run, false, { beta2: 0.9 });
    assert.equal(info.imported?.rhoOrigin, 'beta2User');
    assert.equal(info.imported?.userBeta2, 0.9);
    assert.equal(info.beta2, 0.9);

    appendFileSync(file(), scalarEvent('optimizer/beta2', 9, 0.999));
    const logged = await readRun();
    assert.deepEqual(rhoOrigin(logged, { beta2: 0.9 }), { origin: 'beta2Logged', beta2: Math.fround(0.999) });
    assert.ok(Math.abs(runColumns(logged, -Infinity, { beta2: 0.9 }).rhoT[0] - paperRho(1, 0.999)) < 1e-4);
  });

  it('RunChoicesStore: kept in the memento by run path, read back by a new store, cleared with null, checked', async () => {
    const memento = new MapMemento();
    const store = new RunChoicesStore(memento);
    const key = runChoiceKey('/logs', { key: 'a/b#1', dir: 'a/b' });
    assert.equal(key, path.resolve('/logs/a/b') + '#1');
    await store.set(key, { lossTag: 'x', beta2: 0.99 });
    assert.deepEqual(new RunChoicesStore(memento).get(key), { lossTag: 'x', beta2: 0.99 });
    await store.set(key, { lossTag: null });
    assert.deepEqual(new RunChoicesStore(memento).get(key), { beta2: 0.99 });
    await store.set(key, { beta2: null });
    assert.deepEqual(memento.get(RUN_CHOICES_KEY), {});
    await assert.rejects(store.set(key, { beta2: 1 }), /between 0 and 1/);
    await assert.rejects(store.set(key, { lossTag: '' }), /tag/);
    // Garbage in the workspace state is dropped field by field.
    memento.data.set(RUN_CHOICES_KEY, { p: { lossTag: 3, beta2: 0.5 }, q: 'junk', r: { beta2: 2 } });
    const reread = new RunChoicesStore(memento);
    assert.deepEqual(reread.get('p'), { beta2: 0.5 });
    assert.deepEqual(reread.get('q'), {});
    assert.deepEqual(reread.get('r'), {});
  });

  it('RunChoicesStore: past its limit the choice set longest ago goes', async () => {
    const memento = new MapMemento();
    const store = new RunChoicesStore(memento, 3);
    for (let i = 0; i < 4; i++) await store.set(`run${i}`, { beta2: 0.5 });
    assert.deepEqual(store.get('run0'), {});
    assert.deepEqual(store.get('run3'), { beta2: 0.5 });
    // Setting a run again makes it the newest: run1 outlives run2.
    await store.set('run1', { lossTag: 'x' });
    await store.set('run4', { beta2: 0.5 });
    assert.deepEqual(Object.keys(memento.get(RUN_CHOICES_KEY) as object), ['run3', 'run1', 'run4']);
    assert.ok(MAX_REMEMBERED_RUNS >= 1000);
  });

  it('TensorBoardSource.choose: the run’s info and whole record are sent again with the choice, and kept', async () => {
    writeRun(3);
    const memento = new MapMemento();
    const src = new TensorBoardSource({ choices: new RunChoicesStore(memento), now: () => 0 });
    src.setRoots([dir]);
    await src.pollNow();
    const id = src.list()[0].id;
    assert.ok(src.whole(id));
    const infos: RunInfo[] = [];
    const updates: RunUpdate[] = [];
    src.onRunsChanged((c) => infos.push(...c.changed));
    src.onData((u) => updates.push(u));
    await src.choose(id, { lossTag: 'my_objective' });
    assert.equal(infos.at(-1)?.imported?.lossTag, 'my_objective');
    assert.equal(updates.length, 1);
    assert.equal(updates[0].reset, true);
    assert.deepEqual([...updates[0].columns.loss], [10, 20, 30]);
    await src.choose(id, { beta2: 0.999 });
    assert.equal(infos.at(-1)?.imported?.rhoOrigin, 'beta2User');
    assert.ok(Math.abs(updates.at(-1)!.columns.rhoT[2] - paperRho(3, 0.999)) < 1e-4);
    await assert.rejects(src.choose(id, { lossTag: 'not-a-tag' }), /no scalar tag/);
    src.dispose();

    // A new source (a reloaded window) with the same workspace state applies both at once.
    const again = new TensorBoardSource({ choices: new RunChoicesStore(memento), now: () => 0 });
    again.setRoots([dir]);
    await again.pollNow();
    const info = again.list()[0];
    assert.equal(info.imported?.lossTag, 'my_objective');
    assert.equal(info.imported?.userBeta2, 0.999);
    assert.deepEqual([...(await again.whole(id))!.columns.loss], [10, 20, 30]);
    again.dispose();
  });

  it('watched scalar tags: whole() carries all their points, live updates only the new ones', async () => {
    writeRun(2);
    const src = new TensorBoardSource({ now: () => 0 });
    src.setRoots([dir]);
    await src.pollNow();
    const id = src.list()[0].id;
    assert.deepEqual(src.setWatchedTags(['my_objective', 'my_objective', 'absent']), ['my_objective', 'absent']);
    const whole = (await src.whole(id))!;
    assert.equal(whole.scalars.length, 1);
    assert.deepEqual({ ...whole.scalars[0], steps: [...whole.scalars[0].steps], values: [...whole.scalars[0].values] }, { tag: 'my_objective', steps: [1, 2], values: [10, 20], reset: true });
    const updates: RunUpdate[] = [];
    src.onData((u) => updates.push(u));
    appendFileSync(file(), concat([scalarEvent('my_objective', 3, 30), scalarEvent('train/loss', 3, 1 / 3)]));
    await src.pollNow();
    const u = updates.at(-1)!;
    assert.equal(u.reset, false);
    assert.deepEqual(u.scalars.map((s) => ({ tag: s.tag, steps: [...s.steps], values: [...s.values], reset: s.reset })), [{ tag: 'my_objective', steps: [3], values: [30], reset: false }]);
    assert.deepEqual(src.scalarSeries(id, ['lr']).map((s) => [...s.values]), [[0.001, 0.001]].map((v) => v.map(Math.fround)));
    src.dispose();
  });

  it('scalarColumn: one tag from an index; undefined for a tag the run does not have', async () => {
    writeRun(3);
    const run = await readRun();
    assert.deepEqual([...scalarColumn(run, 'my_objective', 1)!.steps], [2, 3]);
    assert.equal(scalarColumn(run, 'nope'), undefined);
  });

  it('exports: an imported run’s rows have our columns and one tag:<name> column per tag; JSON keeps points and raw buckets', async () => {
    writeRun(2);
    const run = await readRun();
    const exp = importedRunExport(dir, run, { lossTag: 'my_objective', beta2: 0.999 }, { id: 'tb-00000000-run1', label: 'TensorBoard: run1' });
    assert.equal(exp.lossTag, 'my_objective');
    assert.equal(exp.rhoOrigin, 'beta2User');
    assert.equal(exp.rows.length, 2);
    assert.equal(exp.rows[1].loss, 20);
    assert.equal(exp.rows[1][tagColumn('train/loss')], Math.fround(0.5));
    assert.ok(Math.abs((exp.rows[1].rhoT as number) - paperRho(2, 0.999)) < 1e-4);

    const csv = exportContent('metrics-csv', [], [exp]).split('\r\n');
    const header = csv[0].split(',');
    assert.deepEqual(header.slice(0, 3), ['run', 'step', 'loss']);
    for (const c of ['tag:lr', 'tag:my_objective', 'tag:train/loss']) assert.ok(header.includes(c), c);
    const second = csv[2].split(',');
    assert.equal(second[0], 'tb-00000000-run1');
    assert.equal(second[header.indexOf('loss')], '20');
    assert.equal(second[header.indexOf('tag:my_objective')], '20');
    assert.equal(second[header.indexOf('tag:train/loss')], '0.5');

    const json = JSON.parse(exportContent('metrics-json', [], [exp])) as { runs: Array<{ source: string; scalars: Record<string, { values: number[] }> }> };
    assert.equal(json.runs[0].source, 'tensorboard');
    assert.deepEqual(json.runs[0].scalars.my_objective.values, [10, 20]);
  });

  it('protocol: the new messages pass their validators; malformed ones do not', () => {
    assert.ok(isWebviewToHost({ type: 'chooseLossTag', runId: 'tb-0a0b0c0d-x', tag: 'my_objective' }));
    assert.ok(isWebviewToHost({ type: 'chooseLossTag', runId: 'tb-0a0b0c0d-x', tag: null }));
    assert.ok(!isWebviewToHost({ type: 'chooseLossTag', runId: '../x', tag: 'a' }));
    assert.ok(!isWebviewToHost({ type: 'chooseLossTag', runId: 'tb-0a0b0c0d-x', tag: '' }));
    assert.ok(isWebviewToHost({ type: 'setRunBeta2', runId: 'tb-0a0b0c0d-x', beta2: 0.999 }));
    assert.ok(isWebviewToHost({ type: 'setRunBeta2', runId: 'tb-0a0b0c0d-x', beta2: null }));
    for (const bad of [0, 1, 1.5, -0.1, NaN, '0.9']) assert.ok(!isWebviewToHost({ type: 'setRunBeta2', runId: 'tb-0a0b0c0d-x', beta2: bad }), String(bad));
    assert.ok(isWebviewToHost({ type: 'watchScalarTags', tags: ['a', 'b/c'] }));
    assert.ok(!isWebviewToHost({ type: 'watchScalarTags', tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }));
    const steps = Float64Array.of(1, 2);
    assert.ok(isHostToWebview({ type: 'scalarSeries', runId: 'tb-0a0b0c0d-x', tag: 'a', steps, values: Float64Array.of(3, 4), reset: true }));
    assert.ok(!isHostToWebview({ type: 'scalarSeries', runId: 'tb-0a0b0c0d-x', tag: 'a', steps, values: Float64Array.of(3), reset: true }));
    assert.ok(!isHostToWebview({ type: 'scalarSeries', runId: 'tb-0a0b0c0d-x', tag: 'a', steps: [1, 2], values: [3, 4], reset: true }));
    const run = { id: 'tb-0a0b0c0d-x', label: 'x', status: 'finished', live: false };
    const imported = { path: '/l/x', scalarTags: ['a'], lossTag: 'a', autoLossTag: 'a', rhoOrigin: 'none', userBeta2: null };
    assert.ok(isHostToWebview({ type: 'runStatus', run: { ...run, imported } }));
    assert.ok(!isHostToWebview({ type: 'runStatus', run: { ...run, imported: { ...imported, rhoOrigin: 'guess' } } }));
    assert.ok(!isHostToWebview({ type: 'runStatus', run: { ...run, imported: { ...imported, userBeta2: 2 } } }));
  });
});
