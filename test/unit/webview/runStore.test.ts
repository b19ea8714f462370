import assert from 'node:assert/strict';
import { RunStore } from '../../../webview/data/runStore';
import { smooth } from '../../../webview/data/smoothing';
import { isHostToWebview, toMetricColumns, type HistogramSlice, type MetricRow } from '../../../src/protocol/webview';

const rows = (from: number, to: number): MetricRow[] =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const step = from + i;
    return { step, loss: 1 / step, lr: 1e-3, rhoT: step, rT: step > 5 ? 0.1 : null, rectified: step > 5, effectiveStepSize: step > 5 ? 1e-4 : 0 };
  });

/** Rows through the wire format the host sends (a metricColumns message), into the store. */
const ingest = (store: RunStore, id: string, metricRows: MetricRow[], reset = false) => {
  const columns = toMetricColumns(metricRows);
  assert.ok(isHostToWebview({ type: 'metricColumns', runId: id, columns, reset }));
  return store.ingestColumns(id, columns, reset);
};

const h = (step: number, layer?: string): HistogramSlice => ({ step, layer, edges: [-2, -1, 0], counts: [1, 2], zeros: 0, total: 3 });

describe('webview: run store', () => {
  it('splits rows into finite-only series and smooths the loss incrementally', () => {
    const store = new RunStore(0.9);
    ingest(store, 'r', rows(1, 50));
    ingest(store, 'r', rows(51, 100));
    const run = store.get('r')!;
    assert.equal(run.series.loss.length, 100);
    assert.equal(run.series.rT.length, 95, 'null r_t before rectification is not a point');
    assert.equal(run.firstRectifiedStep, 6);
    assert.ok(run.sawUnrectified);
    const expected = smooth(rows(1, 100).map((r) => r.loss as number), 0.9);
    assert.equal(run.series.smoothed.length, 100);
    for (let i = 0; i < 100; i++) assert.ok(Math.abs(run.series.smoothed.ys[i] - expected[i]) <= 1e-6 * Math.abs(expected[i]));
  });

  it('each series holds the finite values of the rows, whether appended in batches or given as a reset record', () => {
    const all = rows(1, 300).map((r, i) => (i % 50 === 0 ? { ...r, valLoss: 1 / (i + 1), valAccuracy: 0.5 } : r));
    const a = new RunStore(0.9);
    ingest(a, 'r', all.slice(0, 120));
    ingest(a, 'r', all.slice(120));
    const b = new RunStore(0.9);
    ingest(b, 'r', all, true);
    const points = (pick: (r: MetricRow) => number | null | undefined): Array<[number, number]> =>
      all.flatMap((r) => {
        const v = pick(r);
        return typeof v === 'number' ? [[r.step, v] as [number, number]] : [];
      });
    const smoothed = smooth(all.map((r) => r.loss as number), 0.9);
    const expected: Record<string, Array<[number, number]>> = {
      loss: points((r) => r.loss),
      smoothed: all.map((r, i) => [r.step, smoothed[i]]),
      lr: points((r) => r.lr),
      // lr * r_t once rectified, 0 before (RAdam's step is then not adaptive)
      lrTimesRT: points((r) => (r.rT != null ? (r.lr as number) * r.rT : r.rectified === false ? 0 : r.lr)),
      effectiveStepSize: points((r) => r.effectiveStepSize),
      rhoT: points((r) => r.rhoT),
      rT: points((r) => r.rT),
      valLoss: points((r) => r.valLoss),
      valAccuracy: points((r) => r.valAccuracy),
    };
    for (const [which, run] of [['appended', a.get('r')!], ['reset', b.get('r')!]] as const) {
      for (const [name, want] of Object.entries(expected)) {
        const col = run.series[name as keyof typeof run.series];
        assert.deepEqual(Array.from(col.xs.subarray(0, col.length)), want.map(([x]) => x), `${which} ${name} steps`);
        // Series hold float32: equal to float32 precision.
        const ys = Array.from(col.ys.subarray(0, col.length));
        ys.forEach((v, i) => assert.ok(Math.abs(v - want[i][1]) <= 1e-6 * Math.abs(want[i][1]), `${which} ${name}[${i}]: ${v} vs ${want[i][1]}`));
      }
      assert.equal(run.firstRectifiedStep, 6, which);
      assert.ok(run.sawUnrectified, which);
      assert.equal(run.divergedAt, null, which);
    }
    const cols = toMetricColumns(all);
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: 'r', columns: { ...cols, lr: new Float64Array(300) } }), 'wrong array type');
    assert.ok(!isHostToWebview({ type: 'metricColumns', runId: 'r', columns: { ...cols, lr: new Float32Array(3) } }), 'wrong length');
  });

  it('lr * r_t: 0 before rectification, lr * r_t after, lr for optimizers without r_t', () => {
    const store = new RunStore(0);
    ingest(store, 'radam', [
      { step: 1, lr: 0.01, rhoT: 1, rT: null, rectified: false },
      { step: 6, lr: 0.01, rhoT: 6, rT: 0.5, rectified: true },
    ]);
    ingest(store, 'adam', [{ step: 1, lr: 0.01, rhoT: null, rT: null, rectified: null }]);
    assert.deepEqual(Array.from(store.get('radam')!.series.lrTimesRT.ys.subarray(0, 2)), [0, Math.fround(0.005)]);
    assert.deepEqual(Array.from(store.get('adam')!.series.lrTimesRT.ys.subarray(0, 1)), [Math.fround(0.01)]);
  });

  it('drops duplicate and older steps', () => {
    const store = new RunStore(0);
    ingest(store, 'r', rows(1, 10));
    ingest(store, 'r', rows(5, 12));
    assert.equal(store.get('r')!.series.loss.length, 12);
    assert.equal(store.get('r')!.lastStep, 12);
  });

  it('a reset (record from disk) replaces the data and keeps live rows held past it', () => {
    const store = new RunStore(0.5);
    ingest(store, 'r', rows(90, 110)); // live rows arrived first
    ingest(store, 'r', rows(1, 100), true); // then the record on disk, up to step 100
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
    ingest(store, 'r', rows(1, 20));
    store.setSmoothing(0.99);
    const run = store.get('r')!;
    const expected = smooth(rows(1, 20).map((r) => r.loss as number), 0.99);
    assert.ok(Math.abs(run.series.smoothed.lastY - expected[19]) <= 1e-6 * expected[19]);
  });

  it('a non-finite loss marks the run diverged at that step', () => {
    const store = new RunStore(0);
    ingest(store, 'r', [{ step: 1, loss: 1 }, { step: 2, loss: null }, { step: 3, loss: null }]);
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
