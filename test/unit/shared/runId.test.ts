// The one run-id rule (src/shared/runId.ts): every id the engine and the TensorBoard view make passes
// every check that meets it (the run reader, the trainer protocol, the dashboard protocol), and the
// checks refuse what no side makes.
import assert from 'node:assert/strict';
import { isStartComparison } from '../../../src/protocol/trainer';
import { isRunId as isDashboardRunId } from '../../../src/protocol/webview';
import { isComparisonId, isRunId, isShownRunId, newComparisonId, runIdFor, tensorBoardRunId } from '../../../src/shared/runId';
import { runSpec } from '../engine/specs';

const LABELS = ['RAdam', 'Adam, warmup 500', 'lr=0.01 (x2)', '', '..', 'Ünïcode ☃', 'x'.repeat(200)];

describe('shared/runId: one rule for every run id', () => {
  it('ids the engine makes pass the reader, the trainer protocol and the dashboard', () => {
    for (let i = 0; i < 20; i++) {
      const cid = newComparisonId(new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)));
      assert.ok(isComparisonId(cid), cid);
      const runIds = LABELS.map((label, index) => runIdFor(cid, index, label));
      for (const id of runIds) {
        assert.ok(isRunId(id), id);
        assert.ok(isShownRunId(id) && isDashboardRunId(id), id);
        assert.ok(!isComparisonId(id), id);
      }
      const comparison = { kind: 'single' as const, runs: LABELS.map((label) => runSpec({ label: label || 'run' })) };
      assert.ok(isStartComparison({ type: 'start', comparisonId: cid, runIds, comparison, runsDir: '/tmp/runs' }), cid);
    }
  });

  it('TensorBoard run ids are shown ids, never run folders', () => {
    for (const [root, key] of [['/logs', 'lightning_logs/version_0'], ['/x', '.'], ['/x', 'a/../../b'], ['/x', 'ddp#1'], ['C:\\logs', 'run 1']]) {
      const id = tensorBoardRunId(root, key);
      assert.ok(isShownRunId(id), id);
      assert.ok(!isRunId(id), id);
    }
  });

  it('the trainer refuses ids no host makes: paths, loose tokens, a comparison id for a run id', () => {
    // A fixed random tag with letters, so the upper-case spelling differs (an all-digit tag would not).
    const cid = newComparisonId(new Date(Date.UTC(2026, 10, 30, 16, 0, 0, 5)), 'k3f9');
    const comparison = { kind: 'single' as const, runs: [runSpec()] };
    const start = (comparisonId: string, runIds: string[]) => isStartComparison({ type: 'start', comparisonId, runIds, comparison, runsDir: '/tmp/runs' });
    assert.ok(start(cid, [runIdFor(cid, 0, 'RAdam')]));
    for (const bad of ['../x', 'c1', `${cid}-0-radam`, cid.toUpperCase(), '']) assert.ok(!start(bad, [runIdFor(cid, 0, 'RAdam')]), bad);
    for (const bad of ['../x', 'run-1', cid, `${cid}-0-RAdam`, `${cid}-0-a/b`]) assert.ok(!start(cid, [bad]), bad);
  });

  it('the dashboard refuses paths and odd tokens whatever their kind', () => {
    for (const bad of ['', '..', '../x', 'a/b', 'a\\b', '.hidden', 'a..b', 'x'.repeat(200), 5, null]) assert.ok(!isShownRunId(bad), String(bad));
  });
});
