// Long runs drawn from a bounded number of points. A chart 1,500 pixels wide cannot show more than a few
// thousand distinct x positions, so a 1,000,000-step run is sent to the webview as min/max buckets: each
// bucket of consecutive steps becomes two rows, the first holding every column's minimum over the bucket
// (at the bucket's first step), the second every column's maximum (at its last step). Drawn as a line,
// that is the envelope of the full-resolution line: spikes (a loss blow-up, a gradient-norm burst) stay
// visible, which an every-k-th-step pick would drop. Full resolution comes back for a zoomed range
// (readRange) and for exports. Pure: no fs, no vscode; unit-tested.
import { COL, type HistogramRecord } from '../runs';
import type { MetricColumns } from '../protocol/webview';

/** Rows (points) per series sent for a whole run: two per bucket. */
export const OVERVIEW_POINTS = 4000;
/** Histogram records sent for a whole run (each gives one slice, plus one per layer). */
export const OVERVIEW_HISTOGRAMS = 1000;

/** A row-major float64 table (columnar.ts METRIC_BIN_COLUMNS order): row i, column c at data[i * columns + c]. */
export interface RowTable {
  data: Float64Array;
  rows: number;
  columns: number;
}

const WIRE_KEYS = ['loss', 'lr', 'rhoT', 'rT', 'effectiveStepSize', 'gradNorm', 'updateRatio', 'valLoss', 'valAccuracy'] as const;

function emptyColumns(n: number): MetricColumns {
  const f = () => new Float32Array(n);
  return {
    steps: new Float64Array(n),
    loss: new Float64Array(n),
    lr: f(),
    rhoT: f(),
    rT: f(),
    rectified: new Int8Array(n),
    effectiveStepSize: f(),
    gradNorm: f(),
    updateRatio: f(),
    valLoss: f(),
    valAccuracy: f(),
  };
}

const rectifiedWire = (v: number): number => (Number.isNaN(v) ? -1 : v > 0 ? 1 : 0);

/**
 * Rows [from, to) of `t` as wire columns: all of them when they are at most `maxPoints`, else min/max
 * buckets (at most `maxPoints` rows). `loss` stays float64 (the webview smooths the recorded value).
 */
export function downsampleRows(t: RowTable, from: number, to: number, maxPoints: number): MetricColumns {
  const n = Math.max(0, Math.min(to, t.rows) - from);
  const { data, columns: w } = t;
  if (n <= maxPoints) {
    const c = emptyColumns(n);
    for (let i = 0; i < n; i++) {
      const o = (from + i) * w;
      c.steps[i] = data[o + COL.step];
      for (const k of WIRE_KEYS) c[k][i] = data[o + COL[k]];
      c.rectified[i] = rectifiedWire(data[o + COL.rectified]);
    }
    return c;
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const c = emptyColumns(buckets * 2);
  const lo = new Float64Array(w);
  const hi = new Float64Array(w);
  for (let b = 0; b < buckets; b++) {
    const a = from + Math.floor((b * n) / buckets);
    const z = from + Math.floor(((b + 1) * n) / buckets); // exclusive; z > a because n > buckets
    lo.fill(NaN);
    hi.fill(NaN);
    for (let i = a; i < z; i++) {
      const o = i * w;
      for (let k = 1; k < w; k++) {
        const v = data[o + k];
        if (Number.isNaN(v)) continue; // a missing value (no evaluation at this step) is not a minimum
        if (!(v >= lo[k])) lo[k] = v; // also true while lo[k] is NaN
        if (!(v <= hi[k])) hi[k] = v;
      }
    }
    const r0 = 2 * b;
    const r1 = r0 + 1;
    c.steps[r0] = data[a * w + COL.step];
    c.steps[r1] = data[(z - 1) * w + COL.step];
    for (const k of WIRE_KEYS) {
      c[k][r0] = lo[COL[k]];
      c[k][r1] = hi[COL[k]];
    }
    c.rectified[r0] = rectifiedWire(lo[COL.rectified]);
    c.rectified[r1] = rectifiedWire(hi[COL.rectified]);
  }
  return c;
}

/** Indices of at most `max` of `count` items, evenly spread, always with the last (the newest slice). */
export function evenPick(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  if (max <= 1) return max === 1 ? [count - 1] : [];
  const out: number[] = [];
  for (let j = 0; j < max; j++) out.push(Math.round((j * (count - 1)) / (max - 1)));
  return out;
}

/** Every step's histogram would be too many slices: an even pick of them, the newest kept. */
export function pickHistograms(records: readonly HistogramRecord[], max: number): HistogramRecord[] {
  return evenPick(records.length, max).map((i) => records[i]);
}
