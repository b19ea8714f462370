// Long runs drawn from a bounded number of points. A chart 1,500 pixels wide cannot show more than a few
// thousand distinct x positions, so a 1,000,000-step run is sent to the webview as min/max buckets: each
// bucket of consecutive steps becomes two rows, the first holding every column's minimum over the bucket
// (at the bucket's first step), the second every column's maximum (at its last step). Drawn as a line,
// that is the envelope of the full-resolution line: spikes (a loss blow-up, a gradient-norm burst) stay
// visible, which an every-k-th-step pick would drop. Full resolution comes back for a zoomed range
// (readRange) and for exports. Pure: no fs, no vscode; unit-tested.
import { COL, type HistogramRecord } from '../runs';
import { METRIC_COLUMN_KEYS, emptyMetricColumns, type MetricColumns } from '../protocol/webview';

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

const rectifiedWire = (v: number): number => (Number.isNaN(v) ? -1 : v > 0 ? 1 : 0);

/**
 * Rows [from, to) of `t` as wire columns: all of them when they are at most `maxPoints`, else min/max
 * buckets (at most `maxPoints` rows). `loss` stays float64 (the webview smooths the recorded value).
 */
export function downsampleRows(t: RowTable, from: number, to: number, maxPoints: number): MetricColumns {
  const end = Math.min(to, t.rows);
  const b = new MinMaxBucketer(Math.max(0, end - from), maxPoints, t.columns);
  if (end > from) b.add(t.data.subarray(from * t.columns, end * t.columns), end - from);
  return b.finish();
}

/**
 * downsampleRows fed in chunks: rows arrive in order (`add`), so a file is read a few megabytes at a
 * time instead of whole. `n`, the number of rows to come, fixes the buckets in advance.
 */
export class MinMaxBucketer {
  private readonly out: MetricColumns;
  private readonly buckets: number;
  private readonly whole: boolean;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  /** Rows seen so far; the bucket being filled and the row where it ends. */
  private seen = 0;
  private bucket = 0;
  private bucketEnd = 0;
  private firstStep = NaN;
  private lastStep = NaN;

  constructor(
    private readonly n: number,
    maxPoints: number,
    private readonly columns: number,
  ) {
    this.whole = n <= maxPoints;
    this.buckets = this.whole ? 0 : Math.max(1, Math.floor(maxPoints / 2));
    this.out = emptyMetricColumns(this.whole ? n : this.buckets * 2);
    this.lo = new Float64Array(columns).fill(NaN);
    this.hi = new Float64Array(columns).fill(NaN);
    this.bucketEnd = this.whole ? 0 : this.boundary(1);
  }

  /** The first `rows` rows of `data` (row-major, `columns` wide), the next ones of the n. */
  add(data: Float64Array, rows: number): void {
    const w = this.columns;
    const c = this.out;
    for (let r = 0; r < rows && this.seen < this.n; r++, this.seen++) {
      const o = r * w;
      if (this.whole) {
        const i = this.seen;
        c.steps[i] = data[o + COL.step];
        for (const k of METRIC_COLUMN_KEYS) c[k][i] = data[o + COL[k]];
        c.rectified[i] = rectifiedWire(data[o + COL.rectified]);
        continue;
      }
      if (this.seen >= this.bucketEnd) this.flush();
      const step = data[o + COL.step];
      if (Number.isNaN(this.firstStep)) this.firstStep = step;
      this.lastStep = step;
      const lo = this.lo;
      const hi = this.hi;
      for (let k = 1; k < w; k++) {
        const v = data[o + k];
        if (Number.isNaN(v)) continue; // a missing value (no evaluation at this step) is not a minimum
        if (!(v >= lo[k])) lo[k] = v; // also true while lo[k] is NaN
        if (!(v <= hi[k])) hi[k] = v;
      }
    }
  }

  finish(): MetricColumns {
    if (!this.whole && this.bucket < this.buckets && this.seen > 0) this.flush();
    return this.out;
  }

  /** First row of bucket b (buckets split the n rows as evenly as whole rows allow). */
  private boundary(b: number): number {
    return Math.floor((b * this.n) / this.buckets);
  }

  private flush(): void {
    const c = this.out;
    const r0 = 2 * this.bucket;
    const r1 = r0 + 1;
    c.steps[r0] = this.firstStep;
    c.steps[r1] = this.lastStep;
    for (const k of METRIC_COLUMN_KEYS) {
      c[k][r0] = this.lo[COL[k]];
      c[k][r1] = this.hi[COL[k]];
    }
    c.rectified[r0] = rectifiedWire(this.lo[COL.rectified]);
    c.rectified[r1] = rectifiedWire(this.hi[COL.rectified]);
    this.bucket++;
    this.bucketEnd = this.boundary(this.bucket + 1);
    this.lo.fill(NaN);
    this.hi.fill(NaN);
    this.firstStep = NaN;
  }
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
