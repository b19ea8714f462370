import assert from 'node:assert/strict';
import { HistogramSeries, binCenters, colorLut, heatmapCell, heatmapGrid, paintHeatmap, pickSlices, ridgeline } from '../../../webview/data/histograms';
import type { HistogramSlice } from '../../../src/protocol/webview';

const EDGES = Array.from({ length: 21 }, (_, i) => -20 + i); // ln|g| from -20 to 0, 20 bins

function slice(step: number, peakBin: number, total = 1000, zeros = 0): HistogramSlice {
  const counts = new Array(20).fill(0);
  counts[peakBin] = total - zeros - 10;
  counts[(peakBin + 1) % 20] += 10;
  return { step, edges: EDGES, counts, zeros, total };
}

describe('webview: histogram shaping', () => {
  it('bin centers are the midpoints of the edges', () => {
    assert.deepEqual(binCenters([-2, -1, 0]), [-1.5, -0.5]);
  });

  it('pickSlices spreads k picks evenly, oldest first, ending at the last slice at or before the step', () => {
    const slices = Array.from({ length: 100 }, (_, i) => slice((i + 1) * 10, 5));
    const picks = pickSlices(slices, 1000, 5);
    assert.deepEqual(picks, [0, 25, 50, 74, 99]);
    const upTo = pickSlices(slices, 505, 3);
    assert.equal(slices[upTo[upTo.length - 1]].step, 500);
    assert.deepEqual(pickSlices(slices, 5, 3), []);
    assert.deepEqual(pickSlices(slices.slice(0, 2), 1e9, 10), [0, 1]);
  });

  it('ridgeline: one curve per picked slice on its step, heights on one shared scale', () => {
    const slices = Array.from({ length: 50 }, (_, i) => slice((i + 1) * 100, i % 20));
    const r = ridgeline(slices, Infinity, 10, 2);
    assert.equal(r.lines.length, 10);
    assert.equal(r.lines[r.lines.length - 1].step, 5000, 'newest slice included');
    assert.equal(r.xMin, -20);
    assert.equal(r.xMax, 0);
    const spacing = (r.maxStep - r.minStep) / 9;
    assert.ok(Math.abs(r.amplitude - 2 * spacing) < 1e-9);
    let tallest = 0;
    for (const line of r.lines) {
      assert.equal(line.xs.length, 20);
      assert.equal(line.baseline, line.step);
      const sum = line.fractions.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-12, 'fractions of all entries (no zeros here)');
      for (const h of line.heights) assert.ok(h >= 0 && h <= r.amplitude + 1e-9);
      tallest = Math.max(tallest, ...line.heights);
    }
    assert.ok(Math.abs(tallest - r.amplitude) < 1e-9, 'the largest fraction spans the amplitude');
  });

  it('ridgeline fractions leave out the zeros counted apart', () => {
    const r = ridgeline([slice(10, 3, 1000, 400)], Infinity);
    const sum = r.lines[0].fractions.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 0.6) < 1e-12);
    assert.equal(r.lines[0].zeros, 400);
  });

  it('heatmap: steps x bins, highest bin in row 0, log-scaled intensities in [0, 1]', () => {
    const slices = [slice(1, 0), slice(2, 19), slice(3, 10)];
    const g = heatmapGrid(slices);
    assert.equal(g.cols, 3);
    assert.equal(g.rows, 20);
    assert.deepEqual(g.steps, [1, 2, 3]);
    assert.equal(g.maxCount, 990);
    // Slice 0 peaks in bin 0 = the bottom row.
    assert.equal(g.values[19 * 3 + 0], 1);
    // Slice 1 peaks in bin 19 = the top row.
    assert.equal(g.values[0 * 3 + 1], 1);
    // 10 counts: log(11)/log(991).
    assert.ok(Math.abs(g.values[18 * 3 + 0] - Math.log(11) / Math.log(991)) < 1e-6);
    for (const v of g.values) assert.ok(v >= 0 && v <= 1);
  });

  it('heatmap merges consecutive slices when there are more than maxCols', () => {
    const slices = Array.from({ length: 1000 }, (_, i) => slice(i + 1, 7));
    const g = heatmapGrid(slices, 300);
    assert.equal(g.cols, 250);
    assert.equal(g.steps[0], 4);
    assert.equal(g.steps[249], 1000);
    assert.equal(g.maxCount, 990 * 4);
  });

  it('heatmap cell under the pointer: the nearest column, the bin, its count and share of the values', () => {
    const g = heatmapGrid([slice(100, 3, 1000, 40), slice(200, 12, 500), slice(300, 7)]);
    // Step 190 is nearest column 200; ln|g| = -7.5 is bin 12 ([-8, -7)) with 500 - 10 values of 500.
    const { value, ...cell } = heatmapCell(g, 190, -7.5)!;
    assert.deepEqual(cell, { step: 200, lo: -8, hi: -7, count: 490, total: 500, fraction: 0.98 });
    assert.ok(Math.abs(value - Math.log1p(490) / Math.log1p(990)) < 1e-6, "the colour: log count over the largest (990)");
    // The share counts exact zeros in the total: 950 of 1000.
    const c = heatmapCell(g, 100, -16.2)!;
    assert.deepEqual([c.step, c.lo, c.hi, c.count, c.fraction], [100, -17, -16, 950, 0.95]);
    assert.equal(heatmapCell(g, 260, -7.5)!.step, 300, 'nearest column');
    assert.equal(heatmapCell(g, 300, -19.5)!.count, 0, 'an empty bin reads 0');
    assert.equal(heatmapCell(g, 1000, -7.5), null, 'past the last column');
    assert.equal(heatmapCell(g, 200, 0.5), null, 'above the bins');
    // Merged columns: counts and totals summed over the column's slices.
    const merged = heatmapGrid(Array.from({ length: 8 }, (_, i) => slice(i + 1, 2)), 4);
    assert.deepEqual(heatmapCell(merged, 4, -17.5), { step: 4, lo: -18, hi: -17, count: 1980, total: 2000, fraction: 0.99, value: 1 });
  });

  it('heatmap skips slices whose bins differ from the first', () => {
    const odd: HistogramSlice = { step: 5, edges: [0, 1, 2], counts: [1, 2], zeros: 0, total: 3 };
    const g = heatmapGrid([slice(1, 1), odd, slice(9, 2)]);
    assert.equal(g.cols, 2);
    assert.deepEqual(g.steps, [1, 9]);
  });

  it('paints RGBA pixels from a colour ramp; empty bins stay transparent', () => {
    const lut = colorLut([
      [0, 0, 0, 255],
      [255, 255, 255, 255],
    ]);
    assert.deepEqual(Array.from(lut.subarray(0, 4)), [0, 0, 0, 255]);
    assert.deepEqual(Array.from(lut.subarray(255 * 4)), [255, 255, 255, 255]);
    const g = heatmapGrid([slice(1, 0)]);
    const px = paintHeatmap(g, lut, new Uint8ClampedArray(g.cols * g.rows * 4));
    assert.deepEqual(Array.from(px.subarray(19 * 4, 19 * 4 + 4)), [255, 255, 255, 255], 'peak = top of the ramp');
    assert.equal(px[5 * 4 + 3], 0, 'empty bin transparent');
  });

  it('a series keeps slices in step order, bounded', () => {
    const s = new HistogramSeries(100);
    for (let i = 1; i <= 1000; i++) s.push(slice(i, 1));
    assert.ok(!s.push(slice(5, 1)), 'older step refused');
    assert.ok(s.slices.length <= 100);
    assert.equal(s.lastStep, 1000);
    for (let i = 1; i < s.slices.length; i++) assert.ok(s.slices[i].step > s.slices[i - 1].step);
    assert.equal(s.slices[s.indexAtOrBefore(999.5)].step, s.slices[s.slices.length - 2].step);
    assert.equal(s.indexAtOrBefore(0), -1);
  });
});
