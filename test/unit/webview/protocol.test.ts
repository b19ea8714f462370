import assert from 'node:assert/strict';
import { answer, Requester, type Reply } from '../../../src/protocol/requests';
import { problemsOf } from '../../../src/protocol/check';
import {
  isHostToWebview,
  isRunId,
  isWebviewRequest,
  isWebviewToHost,
  toMetricColumns,
  WEBVIEW_REQUEST_RESULTS,
  WebviewToHostSchema,
  type WebviewRequest,
  type WebviewRequestResults,
} from '../../../src/protocol/webview';

describe('webview protocol: validation', () => {
  it('run ids cannot name another path', () => {
    for (const ok of ['20250101-120000-radam', 'a', 'run_1.2-x']) assert.ok(isRunId(ok), ok);
    for (const bad of ['', '..', '../x', 'a/b', 'a\\b', '.hidden', 'a..b', 'x'.repeat(200), 5, null]) assert.ok(!isRunId(bad), String(bad));
  });

  it('accepts well-formed webview messages and rejects the rest', () => {
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'exportData', requestId: 1, format: 'metrics-csv', runIds: ['a'] }));
    assert.ok(isWebviewToHost({ type: 'exportImage', requestId: 2, chart: 'loss', dataUrl: 'data:image/png;base64,AAAA' }));
    assert.ok(!isWebviewToHost({ type: 'exportData', requestId: 1, format: 'metrics-csv', runIds: [] }));
    assert.ok(!isWebviewToHost({ type: 'exportData', requestId: 1, format: 'exe', runIds: ['a'] }));
    assert.ok(!isWebviewToHost({ type: 'deleteRun', requestId: 1, runId: '../../etc' }));
    assert.ok(!isWebviewToHost({ type: 'exportImage', requestId: 1, chart: 'loss', dataUrl: 'data:text/html;base64,AAAA' }));
    assert.ok(!isWebviewToHost({ type: 'exportImage', requestId: 1, chart: '../x', dataUrl: 'data:image/png;base64,AAAA' }));
    assert.ok(!isWebviewToHost({ type: 'runCommand', command: 'x' }));
    assert.ok(!isWebviewToHost('ready'));
    assert.ok(!isWebviewToHost(null));
  });

  it('a request without its id, or with a bad one, is refused; notifications carry none', () => {
    assert.ok(!isWebviewToHost({ type: 'refreshRuns' }));
    assert.ok(!isWebviewToHost({ type: 'refreshRuns', requestId: 0 }));
    assert.ok(!isWebviewToHost({ type: 'refreshRuns', requestId: 1.5 }));
    assert.ok(isWebviewToHost({ type: 'refreshRuns', requestId: 7 }));
    assert.ok(!isWebviewToHost({ type: 'ready', requestId: 7 }), 'ready is a notification');
    const req = { type: 'deleteRuns', requestId: 3, runIds: ['a'] } as const;
    assert.ok(isWebviewToHost(req) && isWebviewRequest(req));
    const note = { type: 'shownRuns', runIds: ['a'] } as const;
    assert.ok(isWebviewToHost(note) && !isWebviewRequest(note));
  });

  it('an unknown key is an error that names its path', () => {
    assert.ok(!isWebviewToHost({ type: 'shownRuns', runIds: ['a'], extra: 1 }));
    assert.deepEqual(problemsOf(WebviewToHostSchema, { type: 'shownRuns', runIds: ['a'], extra: 1 }), ['extra: unknown key']);
    const p = problemsOf(WebviewToHostSchema, { type: 'shownRuns', runIds: ['a', '../b'] });
    assert.equal(p.length, 1);
    assert.match(p[0], /^runIds\[1\]: expected a run id/);
    assert.ok(!isHostToWebview({ type: 'runStatus', run: { id: 'a', label: 'A', status: 'running', live: true, color: 'red' } }));
  });

  it('validates host messages, including every row', () => {
    const columns = toMetricColumns([{ step: 1, loss: 0.5, rT: null, rectified: false }]);
    assert.ok(isHostToWebview({ type: 'metricColumns', runId: 'a', columns }));
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: '../a', columns }));
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: 'a', columns: { ...columns, steps: [1] } }));
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: 'a', columns: { ...columns, lr: new Float64Array(1) } }), 'lr is Float32');
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: 'a', columns: { ...columns, gradNorm: new Float32Array(2) } }), 'one length');
    assert.ok(!isHostToWebview({ type: 'metrics', runId: 'a', rows: [{ step: 1, loss: 0.5 }] }), 'metrics travel as columns only');
    assert.ok(isHostToWebview({ type: 'histograms', runId: 'a', rows: [{ step: 1, edges: [0, 1], counts: [3], zeros: 0, total: 3 }] }));
    assert.ok(!isHostToWebview({ type: 'histograms', runId: 'a', rows: [{ step: 1, edges: [0, 1, 2], counts: [3], zeros: 0, total: 3 }] }));
    assert.ok(isHostToWebview({ type: 'runStatus', run: { id: 'a', label: 'A', status: 'running', live: true } }));
    assert.ok(!isHostToWebview({ type: 'runStatus', run: { id: 'a', label: 'A', status: 'exploded', live: true } }));
    assert.ok(isHostToWebview({ type: 'showRuns', runIds: ['a', 'b'], replace: true }));
    assert.ok(isHostToWebview({ type: 'sweep', sweep: null }));
    assert.ok(isHostToWebview({ type: 'sweep', sweep: { metric: 'loss', points: [{ optimizer: 'radam', lr: 0.1, value: null }] } }));
    // A sweep over seeds (the lr-robustness preset) names each point's seed; a seed must be a number.
    assert.ok(isHostToWebview({ type: 'sweep', sweep: { metric: 'accuracy', points: [{ optimizer: 'RAdam', lr: 0.1, value: 0.9, seed: 2 }] } }));
    assert.ok(!isHostToWebview({ type: 'sweep', sweep: { metric: 'accuracy', points: [{ optimizer: 'RAdam', lr: 0.1, value: 0.9, seed: '2' }] } }));
    assert.ok(isHostToWebview({ type: 'reply', requestId: 1, ok: true, result: null }));
    assert.ok(isHostToWebview({ type: 'reply', requestId: 1, ok: false, error: 'no such run' }));
    assert.ok(!isHostToWebview({ type: 'reply', requestId: 1, ok: false }), 'a failed reply says why');
    assert.ok(!isHostToWebview({ type: 'runDataError', runId: 'a', error: 'x' }), 'errors travel as replies');
  });
});

describe('webview protocol: requests and replies', () => {
  /** Both ends in one process: the requester's messages go through the validator to an answering host. */
  function pair(handle: (msg: WebviewRequest) => Promise<unknown>) {
    const sent: unknown[] = [];
    const replies: Reply[] = [];
    const requester = new Requester<WebviewRequest, WebviewRequestResults>((msg) => {
      sent.push(msg);
      assert.ok(isWebviewToHost(msg), `the webview sends valid messages: ${JSON.stringify(msg)}`);
      assert.ok(isWebviewRequest(msg));
      void answer(msg.requestId, () => handle(msg), (reply) => {
        assert.ok(isHostToWebview(reply), `the host replies with valid messages: ${JSON.stringify(reply)}`);
        replies.push(reply);
        requester.settle(reply);
      });
    }, WEBVIEW_REQUEST_RESULTS);
    return { requester, sent, replies };
  }

  it('each request gets the result of its own reply, by id', async () => {
    const { requester, sent } = pair(async (msg) => {
      if (msg.type === 'deleteRuns') return { deleted: msg.runIds.length };
      if (msg.type === 'exportData') return { savedTo: `/tmp/${msg.format}` };
      return null;
    });
    const [a, b, c] = await Promise.all([
      requester.request({ type: 'deleteRuns', runIds: ['x', 'y'] }),
      requester.request({ type: 'exportData', format: 'metrics-csv', runIds: ['x'] }),
      requester.request({ type: 'refreshRuns' }),
    ]);
    assert.deepEqual(a, { deleted: 2 });
    assert.deepEqual(b, { savedTo: '/tmp/metrics-csv' });
    assert.equal(c, null);
    assert.deepEqual(
      sent.map((m) => (m as { requestId: number }).requestId),
      [1, 2, 3],
    );
    assert.equal(requester.waiting, 0);
  });

  it('a request the host fails rejects with the host error', async () => {
    const { requester, replies } = pair(async () => {
      throw new Error('nothing to export: none of these runs is on disk');
    });
    await assert.rejects(requester.request({ type: 'exportData', format: 'metrics-json', runIds: ['gone'] }), /nothing to export/);
    assert.deepEqual(replies, [{ type: 'reply', requestId: 1, ok: false, error: 'nothing to export: none of these runs is on disk' }]);
  });

  it('a result of the wrong shape rejects instead of resolving', async () => {
    const { requester } = pair(async () => ({ deleted: 'all' }));
    await assert.rejects(requester.request({ type: 'deleteRun', runId: 'a' }), /malformed reply to deleteRun: result.deleted/);
  });

  it('a reply nobody waits for is reported, not delivered', () => {
    const requester = new Requester<WebviewRequest, WebviewRequestResults>(() => {}, WEBVIEW_REQUEST_RESULTS);
    assert.equal(requester.settle({ type: 'reply', requestId: 99, ok: true, result: null }), false);
  });
});
