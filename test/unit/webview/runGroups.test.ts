import assert from 'node:assert/strict';
import type { RunInfo } from '../../../src/protocol/webview';
import { isWebviewToHost } from '../../../src/protocol/webview';
import { filterGroups, groupRuns, reasonWithStep, runMatcher, selectAfterClick, shortMeta, statusText, toggleGroup } from '../../../webview/data/runGroups';

const run = (id: string, extra: Partial<RunInfo> = {}): RunInfo => ({ id, label: id, status: 'finished', live: false, ...extra });

describe('webview: run list model (groups, filter, selection)', () => {
  it('groups runs of one comparison under one group, runs started alone stand alone', () => {
    const runs = [
      run('a1', { comparisonId: 'c1', startedAt: '2025-01-01T10:00:00Z', label: 'RAdam', dataset: 'spiral', model: 'mlp' }),
      run('b', { startedAt: '2025-01-02T10:00:00Z' }),
      run('a2', { comparisonId: 'c1', startedAt: '2025-01-01T10:00:00Z', label: 'Adam' }),
      // A comparison id held by one run only is not a group.
      run('solo', { comparisonId: 'c2', startedAt: '2024-12-31T10:00:00Z' }),
      run('live', { live: true, status: 'running', startedAt: '2024-01-01T00:00:00Z' }),
    ];
    const groups = groupRuns(runs);
    assert.deepEqual(
      groups.map((g) => [g.key, g.comparison, g.runs.map((r) => r.id)]),
      [
        ['run:live', false, ['live']],
        ['run:b', false, ['b']],
        ['cmp:c1', true, ['a2', 'a1']],
        ['run:solo', false, ['solo']],
      ],
    );
    assert.equal(groups[2].title, '2 runs · spiral · mlp · 2025-01-01 10:00');
  });

  it('filters by label, optimizer and status as typed, every term must match', () => {
    const runs = [
      run('r1', { label: 'RAdam lr=0.01', optimizer: 'radam', comparisonId: 'c' }),
      run('r2', { label: 'Adam lr=0.01', optimizer: 'adam', status: 'diverged', divergedAt: 40, error: 'loss became NaN', comparisonId: 'c' }),
      run('r3', { label: 'Adam, warmup 100', optimizer: 'adam' }),
    ];
    const groups = groupRuns(runs);
    const ids = (q: string) => filterGroups(groups, q).flatMap((g) => g.runs.map((r) => r.id)).sort();
    assert.deepEqual(ids(''), ['r1', 'r2', 'r3']);
    assert.deepEqual(ids('radam'), ['r1']);
    assert.deepEqual(ids('ADAM'), ['r1', 'r2', 'r3']);
    assert.deepEqual(ids('diverged'), ['r2']);
    assert.deepEqual(ids('adam warmup'), ['r3']);
    assert.deepEqual(ids('nan'), ['r2'], 'the reason is searchable too');
    assert.deepEqual(ids('sgd'), []);
    // A group whose runs do not match leaves the list.
    assert.deepEqual(filterGroups(groups, 'warmup').map((g) => g.group.key), ['run:r3']);
    assert.equal(runMatcher('  ')(runs[0]), true);
  });

  it('shows a failure or divergence reason with its step, and a short meta', () => {
    assert.equal(reasonWithStep(run('d', { status: 'diverged', divergedAt: 40, error: 'loss became NaN' })), 'step 40: loss became NaN');
    assert.equal(reasonWithStep(run('f', { status: 'failed', lastStep: 12, error: 'trainer exited with code 1' })), 'step 12: trainer exited with code 1');
    // Not repeated when the reason already names the step.
    assert.equal(reasonWithStep(run('g', { status: 'diverged', divergedAt: 7, error: 'loss is Infinity at step 7' })), 'loss is Infinity at step 7');
    assert.equal(reasonWithStep(run('ok', { error: 'ignored for finished runs' })), '');
    assert.equal(statusText(run('d', { status: 'diverged', divergedAt: 40 })), 'diverged @40');
    assert.equal(shortMeta(run('m', { optimizer: 'radam', learningRate: 0.001, lastStep: 30, steps: 30 })), 'radam · lr 0.001 · 30');
    assert.equal(shortMeta(run('m', { optimizer: 'adam', lastStep: 12, steps: 30 })), 'adam · 12/30');
  });

  it('one click on a comparison shows all its runs, a second hides them', () => {
    assert.deepEqual(toggleGroup(['x'], ['a', 'b']), ['x', 'a', 'b']);
    assert.deepEqual(toggleGroup(['a', 'x'], ['a', 'b']), ['a', 'x', 'b'], 'partly shown: all shown');
    assert.deepEqual(toggleGroup(['a', 'x', 'b'], ['a', 'b']), ['x']);
  });

  it('selects with click, ctrl-click and shift-click', () => {
    const order = ['a', 'b', 'c', 'd'];
    let s = selectAfterClick(new Set(), order, 'b', null, { toggle: false, range: false });
    assert.deepEqual([...s.selected], ['b']);
    s = selectAfterClick(s.selected, order, 'd', s.anchor, { toggle: false, range: true });
    assert.deepEqual([...s.selected].sort(), ['b', 'c', 'd']);
    s = selectAfterClick(s.selected, order, 'c', s.anchor, { toggle: true, range: false });
    assert.deepEqual([...s.selected].sort(), ['b', 'd']);
    s = selectAfterClick(s.selected, order, 'a', s.anchor, { toggle: false, range: false });
    assert.deepEqual([...s.selected], ['a']);
    s = selectAfterClick(s.selected, order, 'a', s.anchor, { toggle: false, range: false });
    assert.deepEqual([...s.selected], [], 'a second click on the only selected row clears it');
  });

  it('the host takes several runs to delete in one message, and nothing else', () => {
    assert.ok(isWebviewToHost({ type: 'deleteRuns', requestId: 1, runIds: ['20250101-000000-000-abcd-0-radam', 'x-1'] }));
    assert.ok(!isWebviewToHost({ type: 'deleteRuns', requestId: 1, runIds: [] }));
    assert.ok(!isWebviewToHost({ type: 'deleteRuns', requestId: 1, runIds: ['ok', '../../etc'] }));
    assert.ok(!isWebviewToHost({ type: 'deleteRuns', requestId: 1, runIds: 'ok' }));
  });
});
