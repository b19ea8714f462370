import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XYColumn } from '../../../webview/data/columns';
import { SeriesFeed } from '../../../webview/charts/feed';
import { lttb } from '../../../webview/data/downsample';
import { slicesInRange } from '../../../webview/data/histograms';
import { detailFrom, needsDetail, rangePoints, valueAt } from '../../../webview/data/rangeDetail';
import { RunStore } from '../../../webview/data/runStore';
import { indexRange, nearestIndex, rangeFromDrag, rangeIndices, rangeLabel, sanitizeRange } from '../../../webview/data/viewRange';
import { defaultState, sanitizeState } from '../../../webview/state';
import * as v from 'valibot';
import { WEBVIEW_REQUEST_RESULTS, isWebviewToHost, toMetricColumns, type HistogramSlice, type MetricRow } from '../../../src/protocol/webview';
import { pickRange, pickRangeOfColumns, readRangeRows } from '../../../src/panel/rangeRead';

/** Rows of steps 1..n with a loss that is never the same twice (so no point is merged away). */
function rows(n: number, from = 1): MetricRow[] {
  const out: MetricRow[] = [];
  for (let s = from; s < from + n; s++) out.push({ step: s, loss: 2 + Math.sin(s / 37) + (s % 7) / 100, lr: 0.001, rhoT: s, rT: s > 5 ? 0.5 : null, rectified: s > 5 });
  return out;
}

describe('webview: the zoomed step range', () => {
  it('a drag selects whole steps, rounded outward, clamped to the axis; a click selects nothing', () => {
    assert.deepEqual(rangeFromDrag(480.4, 120.7), { from: 120, to: 481 });
    assert.deepEqual(rangeFromDrag(-50, 300.2, { from: 1, to: 250 }), { from: 1, to: 250 });
    assert.equal(rangeFromDrag(10.2, 10.9), null, 'under MIN_RANGE_STEPS');
    assert.equal(rangeFromDrag(NaN, 4), null);
    assert.equal(rangeLabel({ from: 1200, to: 4800 }), 'steps 1,200–4,800');
  });

  it('is kept with setState and falls back to "all steps" when malformed', () => {
    assert.equal(defaultState().viewRange, null);
    assert.deepEqual(sanitizeState({ viewRange: { from: 10, to: 90 } }).viewRange, { from: 10, to: 90 });
    for (const bad of [{ from: 90, to: 10 }, { from: 'a', to: 9 }, { from: 1, to: Infinity }, 5, null]) assert.equal(sanitizeRange(bad), null, JSON.stringify(bad));
    assert.equal(sanitizeState({ viewRange: { from: 5, to: 5 } }).viewRange, null);
  });

  it('finds the points in a range and the point nearest a step', () => {
    const xs = new Float32Array([1, 2, 4, 8, 16, 32]);
    assert.deepEqual(indexRange(xs, 6, { from: 2, to: 16 }), [1, 5]);
    assert.deepEqual(indexRange(xs, 6, { from: 3, to: 7 }), [2, 3]);
    assert.deepEqual(indexRange(xs, 6, { from: 33, to: 40 }), [6, 6]);
    assert.deepEqual(indexRange(xs, 4, { from: 1, to: 100 }), [0, 4], 'only the first n count');
    assert.equal(nearestIndex(xs, 6, 5), 2);
    assert.equal(nearestIndex(xs, 6, 6), 2, 'a tie takes the earlier point');
    assert.equal(nearestIndex(xs, 6, 7), 3);
    assert.equal(nearestIndex(xs, 6, -3), 0);
    assert.equal(nearestIndex(xs, 6, 99), 5);
    assert.equal(nearestIndex(xs, 0, 3), -1);
  });

  it('draws every point of a range that fits the budget, and LTTB over the range alone when it does not', () => {
    const n = 50_000;
    const xs = new Float32Array(n);
    const ys = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = i + 1;
      ys[i] = Math.sin(i / 300) + (i === 30_123 ? 40 : 0);
    }
    const small = rangeIndices(xs, ys, 20_000, 21_000, 1500);
    assert.deepEqual(Array.from(small.indices.subarray(0, small.count)), Array.from({ length: 1000 }, (_, k) => 20_000 + k));
    const big = rangeIndices(xs, ys, 25_000, 40_000, 1500);
    const idx = Array.from(big.indices.subarray(0, big.count));
    assert.ok(idx.length <= 1500 && idx.length > 1000, String(idx.length));
    assert.equal(idx[0], 25_000);
    assert.equal(idx[idx.length - 1], 39_999);
    assert.ok(idx.includes(30_123), 'the spike inside the range is kept');
    // The range's own picture: the same as LTTB over exactly those points.
    assert.deepEqual(idx.map((i) => i - 25_000), lttb(xs.subarray(25_000, 40_000), ys.subarray(25_000, 40_000), 15_000, 1500));
  });
});

describe('webview: a chart feed while zoomed', () => {
  it('refills from every point in the range, ignores points streamed past it, and returns to the whole series', () => {
    const col = new XYColumn();
    for (let s = 1; s <= 10_000; s++) col.push(s, Math.cos(s / 50) + s / 1e4);
    const feed = new SeriesFeed(1500);
    feed.fill(col);
    assert.ok(feed.points.length <= 1500, 'downsampled while the whole run is shown');
    const inRangeBefore = feed.points.filter((p) => p.x >= 4000 && p.x <= 4999).length;
    assert.ok(inRangeBefore < 300, `the overview holds few of the range's points (${inRangeBefore})`);

    const run = new RunStore(0.6).ensure('r');
    run.series.loss = col;
    const range = { from: 4000, to: 4999 };
    assert.ok(feed.fillRange(rangePoints(run, 'loss', range)));
    assert.equal(feed.points.length, 1000, 'every step of the range');
    feed.points.forEach((p, k) => {
      assert.equal(p.x, 4000 + k);
      assert.equal(p.y, col.ys[3999 + k]);
    });
    // Streaming on: new steps past the range change nothing drawn.
    for (let s = 10_001; s <= 10_500; s++) col.push(s, 0);
    assert.equal(feed.fillRange(rangePoints(run, 'loss', range)), false);
    // Zoom reset: the whole series again, including what streamed meanwhile.
    assert.ok(feed.fill(col));
    assert.equal(feed.points[feed.points.length - 1].x, 10_500);
    assert.ok(feed.points.length <= 1500);
  });
});

describe('webview: a zoomed range a run streams into', () => {
  it('is downsampled progressively, with the same points as drawing it afresh', () => {
    const run = new RunStore(0.6).ensure('r');
    const col = run.series.loss;
    const range = { from: 1000, to: 200_000 };
    const feed = new SeriesFeed(500);
    let step = 1;
    for (const upTo of [900, 1400, 5000, 5001, 20_000, 20_350, 64_000]) {
      for (; step <= upTo; step++) col.push(step, Math.sin(step / 70) + ((step * 7919) % 101) / 500);
      feed.fillRange(rangePoints(run, 'loss', range));
      const fresh = new SeriesFeed(500);
      fresh.fillRange(rangePoints(run, 'loss', range));
      assert.deepEqual(feed.points.map((p) => p.x), fresh.points.map((p) => p.x), `up to step ${upTo}`);
      assert.ok(feed.points.length <= 500);
      if (upTo >= 1000) assert.equal(feed.points[0].x, 1000);
    }
  });
});

describe('webview: full-resolution detail of a zoomed range', () => {
  it('is needed only when the store does not hold every step of the run', () => {
    const full = new RunStore(0.6).ingestColumns('a', toMetricColumns(rows(3000)));
    assert.equal(needsDetail(full, { from: 100, to: 200 }), false);
    // A column that thinned itself (a small point budget) holds one step in two.
    const thinned = new RunStore(0.6, 1024).ingestColumns('b', toMetricColumns(rows(3000)));
    assert.ok(thinned.series.loss.stride > 1);
    assert.equal(needsDetail(thinned, { from: 100, to: 200 }), true);
    // A downsampled series the host sent for a long run.
    full.partial = true;
    assert.equal(needsDetail(full, { from: 100, to: 200 }), true);
  });

  it('the reply replaces the held points in the range; values and the smoothed loss are those of every step', () => {
    const all = rows(3000);
    const reference = new RunStore(0.6).ingestColumns('ref', toMetricColumns(all));
    const run = new RunStore(0.6, 1024).ingestColumns('r', toMetricColumns(all));
    const range = { from: 1001, to: 1400 };
    const held = rangePoints(run, 'loss', range);
    assert.ok(held.hi - held.lo < 400 / 2 + 1, 'the thinned store holds at most every other step');
    const reply = { requestId: 7, fromStep: range.from, toStep: range.to, stride: 1, columns: toMetricColumns(all.filter((r) => r.step >= range.from && r.step <= range.to)) };
    run.detail = detailFrom(run, reply);
    assert.equal(needsDetail(run, range), false);
    assert.equal(needsDetail(run, { from: 1000, to: 1400 }), true, 'a wider range needs a new read');
    const pts = rangePoints(run, 'loss', range);
    assert.equal(pts.hi - pts.lo, 400);
    for (let k = pts.lo; k < pts.hi; k++) assert.equal(pts.xs[k], range.from + k - pts.lo);
    // The value at a step the thinned store lacks comes from the detail, as recorded.
    const missing = [...Array(400).keys()].map((k) => range.from + k).find((s) => run.series.loss.xs[run.series.loss.lowerBound(s)] !== s)!;
    assert.equal(valueAt(run, 'loss', missing)?.step, missing);
    assert.equal(valueAt(run, 'loss', missing)?.value, Math.fround(all[missing - 1].loss!));
    // The smoothed loss continues the run's average: within float32 rounding of smoothing every step.
    const sm = rangePoints(run, 'smoothed', range);
    for (let k = sm.lo; k < sm.hi; k++) {
      const step = sm.xs[k];
      const want = valueAt(reference, 'smoothed', step)!.value;
      assert.ok(Math.abs(sm.ys[k] - want) < 2e-3 * Math.abs(want), `step ${step}: ${sm.ys[k]} vs ${want}`);
    }
  });

  it('rows streamed after the range was read follow the detail', () => {
    const run = new RunStore(0.6).ingestColumns('r', toMetricColumns(rows(500)));
    run.partial = true;
    const range = { from: 400, to: 700 };
    run.detail = detailFrom(run, { requestId: 1, fromStep: 400, toStep: 700, stride: 1, columns: toMetricColumns(rows(101, 400)) });
    run.appendColumns(toMetricColumns(rows(100, 501)));
    const pts = rangePoints(run, 'loss', range);
    const xs = Array.from(pts.xs.subarray(pts.lo, pts.hi));
    assert.deepEqual(xs, Array.from({ length: 201 }, (_, k) => 400 + k));
  });

  it('histogram slices in a range', () => {
    const slices: HistogramSlice[] = [10, 20, 30, 40, 50].map((step) => ({ step, edges: [0, 1], counts: [1], zeros: 0, total: 1 }));
    assert.deepEqual(slicesInRange(slices, { from: 20, to: 40 }).map((s) => s.step), [20, 30, 40]);
    assert.deepEqual(slicesInRange(slices, { from: 21, to: 39 }).map((s) => s.step), [30]);
    assert.equal(slicesInRange(slices, null), slices);
  });
});

describe('webview protocol: range request and its reply', () => {
  it('validates the request and the result it is answered with', () => {
    const req = { type: 'requestRange', requestId: 3, runIds: ['a'], fromStep: 10, toStep: 20, maxPoints: 1000 };
    assert.ok(isWebviewToHost(req));
    assert.ok(!isWebviewToHost({ ...req, fromStep: 30 }), 'from after to');
    assert.ok(!isWebviewToHost({ ...req, runIds: [] }));
    assert.ok(!isWebviewToHost({ ...req, runIds: ['../x'] }));
    assert.ok(!isWebviewToHost({ ...req, maxPoints: 0 }));
    assert.ok(!isWebviewToHost({ ...req, requestId: -1 }));
    assert.ok(!isWebviewToHost({ ...req, extra: 1 }), 'unknown key');
    const entry = { runId: 'a', fromStep: 10, toStep: 20, stride: 1, columns: toMetricColumns(rows(11, 10)) };
    const result = WEBVIEW_REQUEST_RESULTS.requestRange;
    assert.ok(v.is(result, { runs: [entry] }));
    assert.ok(v.is(result, { runs: [{ ...entry, error: 'gone' }] }));
    assert.ok(!v.is(result, { runs: [{ ...entry, stride: 0 }] }));
    assert.ok(!v.is(result, { runs: [{ ...entry, columns: { steps: [1] } }] }));
  });
});

describe('host: reading a zoomed range', () => {
  it('picks every row in the range, or one in `stride` with the last row when there are too many', () => {
    const steps = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual(pickRange(steps, 10, 14, 50), { indices: [9, 10, 11, 12, 13], stride: 1 });
    const thin = pickRange(steps, 1, 100, 30);
    assert.equal(thin.stride, 4);
    assert.equal(thin.indices[0], 0);
    assert.equal(thin.indices[thin.indices.length - 1], 99);
    assert.ok(thin.indices.length <= 31);
  });

  it('reads the range from a run folder and from columns in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radam-range-'));
    try {
      const recs = rows(300).map((r) => ({ ...r, ms: 1 }));
      writeFileSync(join(dir, 'metrics.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n{"step": 301, "lo');
      const r = await readRangeRows(dir, 120, 180, 1000);
      assert.equal(r.stride, 1);
      assert.deepEqual(Array.from(r.columns.steps), Array.from({ length: 61 }, (_, k) => 120 + k));
      assert.deepEqual(Array.from(r.columns.loss), recs.slice(119, 180).map((x) => x.loss));
      const c = pickRangeOfColumns(toMetricColumns(rows(300)), 120, 180, 1000);
      assert.deepEqual(Array.from(c.columns.steps), Array.from(r.columns.steps));
      assert.deepEqual(Array.from(c.columns.rT), Array.from(r.columns.rT));
      assert.deepEqual(Array.from(c.columns.rectified), Array.from(r.columns.rectified));
      const empty = await readRangeRows(join(dir, 'missing'), 1, 10, 100);
      assert.equal(empty.columns.steps.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
