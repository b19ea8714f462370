import assert from 'node:assert/strict';
import { applyStatus, toHistogramSlices, toMetricRows, toRunInfo } from '../../../src/panel/runAdapter';
import { isHostToWebview, toMetricColumns } from '../../../src/protocol/webview';
import type { HistogramRecord, MetricRecord, RunRecord } from '../../../src/runs/format';

const record = (over: Partial<RunRecord> = {}): RunRecord =>
  ({
    format: 1,
    id: '20251125-150312-045-k3f9-0-radam',
    comparisonId: '20251125-150312-045-k3f9',
    comparisonKind: 'compare-adam',
    index: 0,
    label: 'RAdam',
    spec: {
      label: 'RAdam',
      optimizer: { name: 'radam', learningRate: 0.001, beta2: 0.999 },
      dataset: { name: 'spiral' },
      model: { name: 'mlp' },
      steps: 500,
      batchSize: 32,
      seed: 1,
      metrics: {},
    },
    status: 'running',
    startedAt: '2025-11-25T15:03:12.045Z',
    endedAt: null,
    backend: { name: 'tensorflow', native: true },
    pid: 1234,
    parameters: 100,
    dataset: { task: 'classification', inputShape: [2], outputSize: 3, trainExamples: 100, validationExamples: 20 },
    summary: null,
    ...over,
  }) as unknown as RunRecord;

describe('dashboard host: run format adapter', () => {
  it('run.json -> run info the webview accepts', () => {
    const info = toRunInfo(record());
    assert.equal(info.label, 'RAdam');
    assert.equal(info.status, 'running');
    assert.equal(info.live, true);
    assert.equal(info.optimizer, 'radam');
    assert.equal(info.beta2, 0.999);
    assert.equal(info.rectificationThreshold, 5, 'RAdam default threshold');
    assert.equal(info.steps, 500);
    assert.equal(info.dataset, 'spiral');
    assert.ok(isHostToWebview({ type: 'runStatus', run: info }));
  });

  it('a diverged run carries its step and reason; live status updates apply', () => {
    const info = toRunInfo(record({ status: 'diverged', divergedAtStep: 42, reason: 'loss NaN', summary: { steps: 41 } as RunRecord['summary'] }));
    assert.equal(info.live, false);
    assert.equal(info.divergedAt, 42);
    assert.equal(info.lastStep, 41);
    assert.equal(info.error, 'loss NaN');
    const live = toRunInfo(record());
    const ended = applyStatus(live, { id: live.id, status: 'stopped', step: 120, reason: 'stopped by the user' });
    assert.equal(ended.status, 'stopped');
    assert.equal(ended.live, false);
    assert.equal(ended.lastStep, 120);
    assert.equal(ended.error, 'stopped by the user');
  });

  it('metrics.jsonl records -> rows (ms dropped, nulls kept)', () => {
    const recs: MetricRecord[] = [
      { step: 1, loss: 1.5, lr: 0.001, rhoT: 1, rT: null, rectified: false, effectiveStepSize: 0, gradNorm: 2, updateRatio: null, ms: 3 },
      { step: 2, loss: 1.4, lr: 0.001, rhoT: 2, rT: null, rectified: false, effectiveStepSize: 0, gradNorm: null, updateRatio: null, valLoss: 1.6, valAccuracy: 0.4, ms: 6 },
    ];
    const rows = toMetricRows(recs);
    assert.equal(rows.length, 2);
    assert.ok(!('ms' in rows[0]));
    assert.equal(rows[0].rT, null);
    assert.equal(rows[1].valAccuracy, 0.4);
    assert.ok(isHostToWebview({ type: 'metricColumns', runId: 'a', columns: toMetricColumns(rows) }));
  });

  it('histograms.jsonl records -> one slice over all parameters plus one per layer', () => {
    const rec: HistogramRecord = {
      step: 10,
      lo: -20,
      hi: 0,
      bins: 4,
      edges: [-20, -15, -10, -5, 0],
      counts: [1, 2, 3, 4],
      zeros: 2,
      total: 12,
      layers: [
        { name: 'dense_1/kernel', counts: [1, 1, 1, 1], zeros: 0, total: 4 },
        { name: 'dense_1/bias', counts: [0, 1, 2, 3], zeros: 2, total: 8 },
      ],
    };
    const slices = toHistogramSlices([rec, { ...rec, step: 20, edges: undefined as unknown as number[], layers: undefined }]);
    assert.equal(slices.length, 4);
    assert.deepEqual(
      slices.map((s) => [s.step, s.layer ?? '']),
      [
        [10, ''],
        [10, 'dense_1/kernel'],
        [10, 'dense_1/bias'],
        [20, ''],
      ],
    );
    assert.deepEqual(slices[3].edges, [-20, -15, -10, -5, 0], 'edges rebuilt from lo/hi when absent');
    assert.ok(isHostToWebview({ type: 'histograms', runId: 'a', rows: slices }));
  });
});
