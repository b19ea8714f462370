import assert from 'node:assert/strict';
import { isHostToWebview, isRunId, isWebviewToHost, toMetricColumns } from '../../../src/protocol/webview';

describe('webview protocol: validation', () => {
  it('run ids cannot name another path', () => {
    for (const ok of ['20250101-120000-radam', 'a', 'run_1.2-x']) assert.ok(isRunId(ok), ok);
    for (const bad of ['', '..', '../x', 'a/b', 'a\\b', '.hidden', 'a..b', 'x'.repeat(200), 5, null]) assert.ok(!isRunId(bad), String(bad));
  });

  it('accepts well-formed webview messages and rejects the rest', () => {
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'exportData', format: 'metrics-csv', runIds: ['a'] }));
    assert.ok(isWebviewToHost({ type: 'exportImage', chart: 'loss', dataUrl: 'data:image/png;base64,AAAA' }));
    assert.ok(!isWebviewToHost({ type: 'exportData', format: 'metrics-csv', runIds: [] }));
    assert.ok(!isWebviewToHost({ type: 'exportData', format: 'exe', runIds: ['a'] }));
    assert.ok(!isWebviewToHost({ type: 'deleteRun', runId: '../../etc' }));
    assert.ok(!isWebviewToHost({ type: 'exportImage', chart: 'loss', dataUrl: 'data:text/html;base64,AAAA' }));
    assert.ok(!isWebviewToHost({ type: 'exportImage', chart: '../x', dataUrl: 'data:image/png;base64,AAAA' }));
    assert.ok(!isWebviewToHost({ type: 'runCommand', command: 'x' }));
    assert.ok(!isWebviewToHost('ready'));
    assert.ok(!isWebviewToHost(null));
  });

  it('validates host messages, including every row', () => {
    const columns = toMetricColumns([{ step: 1, loss: 0.5, rT: null, rectified: false }]);
    assert.ok(isHostToWebview({ type: 'metricColumns', runId: 'a', columns }));
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: '../a', columns }));
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: 'a', columns: { ...columns, steps: [1] } }));
    assert.ok(!isHostToWebview({ type: 'metrics', runId: 'a', rows: [{ step: 1, loss: 0.5 }] }), 'metrics travel as columns only');
    assert.ok(isHostToWebview({ type: 'histograms', runId: 'a', rows: [{ step: 1, edges: [0, 1], counts: [3], zeros: 0, total: 3 }] }));
    assert.ok(!isHostToWebview({ type: 'histograms', runId: 'a', rows: [{ step: 1, edges: [0, 1, 2], counts: [3], zeros: 0, total: 3 }] }));
    assert.ok(isHostToWebview({ type: 'runStatus', run: { id: 'a', label: 'A', status: 'running', live: true } }));
    assert.ok(!isHostToWebview({ type: 'runStatus', run: { id: 'a', label: 'A', status: 'exploded', live: true } }));
    assert.ok(isHostToWebview({ type: 'showRuns', runIds: ['a', 'b'], replace: true }));
    assert.ok(isHostToWebview({ type: 'sweep', sweep: null }));
    assert.ok(isHostToWebview({ type: 'sweep', sweep: { metric: 'loss', points: [{ optimizer: 'radam', lr: 0.1, value: null }] } }));
  });
});
