// Gradient-magnitude histograms -> what the ridgeline and heatmap views draw. Pure: no DOM.
//
// A slice is one recorded histogram: counts of log|g| (natural log) in fixed bins `edges`
// (edges.length = counts.length + 1), plus the exact zeros counted apart and the total entries.
import type { HistogramSlice } from '../../src/protocol/webview';

/** Per run and layer: the slices in step order, bounded in number. */
export class HistogramSeries {
  slices: HistogramSlice[] = [];
  /** Bumped on any change, so views know when to redraw. */
  version = 0;

  constructor(readonly maxSlices = 2000) {}

  get lastStep(): number {
    return this.slices.length ? this.slices[this.slices.length - 1].step : -Infinity;
  }

  /** Appends a slice past the last step (others are dropped); thins to every other slice when full. */
  push(slice: HistogramSlice): boolean {
    if (!(slice.step > this.lastStep)) return false;
    // Fixed bins: share one edges array between slices instead of keeping a copy per slice.
    const prev = this.slices[this.slices.length - 1];
    if (prev && prev.edges !== slice.edges && sameNumbers(prev.edges, slice.edges)) slice = { ...slice, edges: prev.edges };
    if (this.slices.length >= this.maxSlices) {
      // Keep every other slice, always the newest half's last one.
      this.slices = this.slices.filter((_, i) => (this.slices.length - 1 - i) % 2 === 0);
    }
    this.slices.push(slice);
    this.version++;
    return true;
  }

  clear(): void {
    this.slices = [];
    this.version++;
  }

  /** Index of the last slice with step <= step, or -1. */
  indexAtOrBefore(step: number): number {
    let lo = 0;
    let hi = this.slices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.slices[mid].step <= step) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

/** The slices with from <= step <= to (all of them without a range); a view of the array, not a copy when whole. */
export function slicesInRange(slices: readonly HistogramSlice[], range: { from: number; to: number } | null): readonly HistogramSlice[] {
  if (!range) return slices;
  const first = (v: number, strict: boolean) => {
    let lo = 0;
    let hi = slices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? slices[mid].step <= v : slices[mid].step < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return slices.slice(first(range.from, false), first(range.to, true));
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Up to `k` slice indices evenly spread over the slices with step <= upToStep, oldest first, always
 * ending with the last one at or before upToStep.
 */
export function pickSlices(slices: readonly HistogramSlice[], upToStep: number, k: number): number[] {
  let end = slices.length - 1;
  while (end >= 0 && slices[end].step > upToStep) end--;
  if (end < 0 || k <= 0) return [];
  const n = end + 1;
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    const idx = Math.round(end - ((k - 1 - j) * end) / (k - 1));
    if (!out.length || idx > out[out.length - 1]) out.push(idx);
  }
  return out;
}

export function binCenters(edges: readonly number[]): number[] {
  const c: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) c.push((edges[i] + edges[i + 1]) / 2);
  return c;
}

export interface RidgeLine {
  step: number;
  /** Baseline of this ridge, in step units (the y axis runs over steps, newest at the bottom). */
  baseline: number;
  /** Bin centers (log|g|). */
  xs: number[];
  /** Ridge height above the baseline, in step units (>= 0). */
  heights: number[];
  /** Fraction of entries in each bin (count / total), before scaling. */
  fractions: number[];
  zeros: number;
  total: number;
}

export interface RidgelineShape {
  lines: RidgeLine[];
  /** Step range covered by the baselines, and how far the tallest ridge reaches past the oldest. */
  minStep: number;
  maxStep: number;
  amplitude: number;
  xMin: number;
  xMax: number;
}

/**
 * The offset ("ridgeline") view: each picked slice becomes a curve of bin fractions standing on its own
 * step. Heights share one scale (the largest fraction among the picked slices) so growth and collapse of
 * the distribution read across time; the tallest ridge spans `overlap` x the spacing between baselines.
 */
export function ridgeline(slices: readonly HistogramSlice[], upToStep: number, k = 40, overlap = 2.5): RidgelineShape {
  const picked = pickSlices(slices, upToStep, k).map((i) => slices[i]);
  const empty: RidgelineShape = { lines: [], minStep: 0, maxStep: 0, amplitude: 0, xMin: 0, xMax: 0 };
  if (!picked.length) return empty;
  const fractionsOf = (s: HistogramSlice): number[] => {
    const total = s.total > 0 ? s.total : s.counts.reduce((a, c) => a + c, 0) + (s.zeros || 0);
    return s.counts.map((c) => (total > 0 ? c / total : 0));
  };
  const fr = picked.map(fractionsOf);
  let maxF = 0;
  for (const f of fr) for (const v of f) if (v > maxF) maxF = v;
  const minStep = picked[0].step;
  const maxStep = picked[picked.length - 1].step;
  const spacing = picked.length > 1 ? (maxStep - minStep) / (picked.length - 1) : Math.max(1, maxStep * 0.1);
  const amplitude = spacing * overlap;
  let xMin = Infinity;
  let xMax = -Infinity;
  const lines = picked.map((s, j) => {
    const xs = binCenters(s.edges);
    if (s.edges.length) {
      xMin = Math.min(xMin, s.edges[0]);
      xMax = Math.max(xMax, s.edges[s.edges.length - 1]);
    }
    return {
      step: s.step,
      baseline: s.step,
      xs,
      fractions: fr[j],
      heights: fr[j].map((v) => (maxF > 0 ? (v / maxF) * amplitude : 0)),
      zeros: s.zeros,
      total: s.total,
    };
  });
  return { lines, minStep, maxStep, amplitude, xMin, xMax };
}

export interface HeatmapGrid {
  /** One column per slice (oldest left), one row per bin (row 0 = the highest bin, drawn at the top). */
  cols: number;
  rows: number;
  /** rows x cols intensities in [0, 1]: log(1 + count) / log(1 + max count); 0 where a bin is empty. */
  values: Float32Array;
  /** rows x cols counts (summed over a column's merged slices), for the hover read-out. */
  counts: Float64Array;
  /** Per column: every value counted in its slices (zeros included), the denominator of a bin's share. */
  totals: Float64Array;
  steps: number[];
  edges: number[];
  maxCount: number;
}

/** One heatmap cell as the hover reads it out. */
export interface HeatmapCell {
  /** The column's step (its last slice's, when slices were merged). */
  step: number;
  /** The bin: ln|g| in [lo, hi). */
  lo: number;
  hi: number;
  count: number;
  /** Every value counted in the column's slices (zeros included). */
  total: number;
  /** count / every value of the column's slices (zeros included). */
  fraction: number;
  /** The colour's intensity in [0, 1]. */
  value: number;
}

/**
 * The cell at `step` and ln|g| `lng`: the column whose step is nearest `step` (another run's heatmap
 * is read at the same step), null outside the grid's steps or bins.
 */
export function heatmapCell(grid: HeatmapGrid, step: number, lng: number): HeatmapCell | null {
  const { cols, rows, steps, edges } = grid;
  if (!cols || !rows || !(step >= 0 || step < 0) || !(lng >= edges[0] && lng < edges[edges.length - 1])) return null;
  // The columns' half spacing past the first and last step (as the heatmap draws them).
  const half = steps.length > 1 ? (steps[steps.length - 1] - steps[0]) / (steps.length - 1) / 2 : Math.max(0.5, steps[0] * 0.05);
  if (step < steps[0] - half || step > steps[steps.length - 1] + half) return null;
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  const c = lo > 0 && step - steps[lo - 1] < steps[lo] - step ? lo - 1 : lo;
  let b = 0;
  while (b + 1 < rows && lng >= edges[b + 1]) b++;
  const i = (rows - 1 - b) * cols + c;
  const total = grid.totals[c];
  return { step: steps[c], lo: edges[b], hi: edges[b + 1], count: grid.counts[i], total, fraction: total > 0 ? grid.counts[i] / total : 0, value: grid.values[i] };
}

/**
 * The heatmap view (step x log|g|, colour = count). Slices whose bins differ from the first slice's
 * are skipped (the trainer uses fixed bins). `maxCols` bounds the image width: when there are more
 * slices, consecutive slices are merged (counts summed) column by column.
 */
export function heatmapGrid(slices: readonly HistogramSlice[], maxCols = 1000): HeatmapGrid {
  const usable = slices.length ? slices.filter((s) => s.counts.length === slices[0].counts.length) : [];
  const rows = usable.length ? usable[0].counts.length : 0;
  const group = Math.max(1, Math.ceil(usable.length / maxCols));
  const cols = Math.ceil(usable.length / group);
  const raw = new Float64Array(rows * cols);
  const totals = new Float64Array(cols);
  const steps: number[] = [];
  let maxCount = 0;
  for (let c = 0; c < cols; c++) {
    const from = c * group;
    const to = Math.min(usable.length, from + group);
    for (let s = from; s < to; s++) {
      const counts = usable[s].counts;
      for (let b = 0; b < rows; b++) raw[(rows - 1 - b) * cols + c] += counts[b];
      totals[c] += usable[s].total;
    }
    steps.push(usable[to - 1].step);
    for (let b = 0; b < rows; b++) {
      const v = raw[(rows - 1 - b) * cols + c];
      if (v > maxCount) maxCount = v;
    }
  }
  const values = new Float32Array(rows * cols);
  const denom = Math.log1p(maxCount);
  if (denom > 0) for (let i = 0; i < values.length; i++) values[i] = raw[i] > 0 ? Math.log1p(raw[i]) / denom : 0;
  return { cols, rows, values, counts: raw, totals, steps, edges: usable.length ? [...usable[0].edges] : [], maxCount };
}

export type RGBA = [number, number, number, number];

/** A 256-entry RGBA lookup table interpolating linearly through `stops` (evenly spaced). */
export function colorLut(stops: readonly RGBA[]): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const a = Math.min(stops.length - 1, Math.floor(t));
    const b = Math.min(stops.length - 1, a + 1);
    const f = t - a;
    for (let ch = 0; ch < 4; ch++) lut[i * 4 + ch] = Math.round(stops[a][ch] + (stops[b][ch] - stops[a][ch]) * f);
  }
  return lut;
}

/**
 * Writes the grid into RGBA pixels (an ImageData's `data`, width = cols, height = rows). Empty bins
 * stay fully transparent, so the chart's background shows through.
 */
export function paintHeatmap(grid: HeatmapGrid, lut: Uint8ClampedArray, out: Uint8ClampedArray): Uint8ClampedArray {
  const { values } = grid;
  for (let i = 0; i < values.length; i++) {
    const o = i * 4;
    const v = values[i];
    if (v <= 0) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      continue;
    }
    // The lowest non-empty counts start a little above the ramp's bottom, so they stay visible.
    const li = (Math.round(24 + v * 231) | 0) * 4;
    out[o] = lut[li];
    out[o + 1] = lut[li + 1];
    out[o + 2] = lut[li + 2];
    out[o + 3] = lut[li + 3];
  }
  return out;
}
