import assert from 'node:assert/strict';
import { RunStore } from '../../../webview/data/runStore';
import { smooth } from '../../../webview/data/smoothing';
import type { HistogramSlice, MetricRow } from '../../../src/protocol/webview';

const rows = (from: number, to: number): MetricRow[] =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const step = from + i;
    return { step, loss: 1 / step, lr: 1e-3, rhoT: step, rT: step > 5 ? 0.1 : null, rectified: step > 5, effectiveStepSize: step > 5 ? 1e-4 : 0 };
  });

const h = (step: number, layer?: string): HistogramSlice => ({ step, layer, edges: [-2, -1, 0], counts: [1, 2], zeros: 0, total: 3 });

describe('webview: run store', () => {
  it('splits rows into finite-only series and smooths the loss incrementally', () => {
    const store = new RunStore(0.9);
    store.ingestMetrics('r', rows(1, 50));
    store.ingestMetrics('r', rows(51, 100));
    const run = store.get('r')!;
    assert.equal(run.series.loss.length, 100);
    assert.equal(run.series.rT.length, 95, 'null r_t before rectification is not a point');
    assert.equal(run.firstRectifiedStep, 6);
    assert.ok(run.sawUnrectified);
    const expected = smooth(rows(1, 100).map((r) => r.loss as number), 0.9);
    assert.equal(run.series.smoothed.length, 100);
    for (let i = 0; i < 100; i++) assert.ok(Math.abs(run.series.smoothed.ys[i] - expected[i]) <= 1e-6 * Math.abs(expected[i]));
  });

  it('drops duplicate and older steps', () => {
    const store = new RunStore(0);
    store.ingestMetrics('r', rows(1, 10));
    store.ingestMetrics('r', rows(5, 12));
    assert.equal(store.get('r')!.series.loss.length, 12);
    assert.equal(store.get('r')!.lastStep, 12);
  });

  it('a reset (record from disk) replaces the data and keeps live rows held past it', () => {
    const store = new RunStore(0.5);
    store.ingestMetrics('r', rows(90, 110)); // live rows arrived first
    store.ingestMetrics('r', rows(1, 100), true); // then the record on disk, up to step 100
    const run = store.get('r')!;
    assert.equal(run.series.loss.length, 110);
    assert.equal(run.series.loss.xs[0], 1);
    assert.equal(run.lastStep, 110);
    for (let i = 1; i < run.series.loss.length; i++) assert.equal(run.series.loss.xs[i], i + 1);
    const expected = smooth(rows(1, 110).map((r) => r.loss as number), 0.5);
    assert.ok(Math.abs(run.series.smoothed.lastY - expected[109]) <= 1e-6 * expected[109], 'smoothing recomputed over the merged record');
  });

  it('changing the smoothing weight recomputes the smoothed series', () => {
    const store = new RunStore(0);
    store.ingestMetrics('r', rows(1, 20));
    store.setSmoothing(0.99);
    const run = store.get('r')!;
    const expected = smooth(rows(1, 20).map((r) => r.loss as number), 0.99);
    assert.ok(Math.abs(run.series.smoothed.lastY - expected[19]) <= 1e-6 * expected[19]);
  });

  it('a non-finite loss marks the run diverged at that step', () => {
    const store = new RunStore(0);
    store.ingestMetrics('r', [{ step: 1, loss: 1 }, { step: 2, loss: null }, { step: 3, loss: null }]);
    assert.equal(store.get('r')!.divergedAt, 2);
    assert.equal(store.get('r')!.series.loss.length, 1);
  });

  it('histograms by layer, merged on reset like metrics', () => {
    const store = new RunStore();
    store.ingestHistograms('r', [h(300), h(400), h(300, 'dense_1/kernel')]);
    store.ingestHistograms('r', [h(100), h(200), h(300), h(100, 'dense_1/kernel')], true);
    const run = store.get('r')!;
    assert.deepEqual(run.layers(), ['', 'dense_1/kernel']);
    assert.deepEqual(run.histograms.get('')!.slices.map((s) => s.step), [100, 200, 300, 400]);
    assert.deepEqual(run.histograms.get('dense_1/kernel')!.slices.map((s) => s.step), [100, 300]);
  });
});
