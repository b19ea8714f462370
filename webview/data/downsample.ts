// Largest-Triangle-Three-Buckets downsampling, progressive: the chart gets ~`target` points per series
// however long the run, and each animation frame only redoes the buckets the newest points touch.
// Pure: no DOM.
//
// Buckets have a fixed integer width B (the smallest of 1, 2, 3, 4, 5, 6, 7, 9, 11, 14, ... -- widths
// growing by ~1.25 -- that fits `target`), aligned to the start of the series, so a bucket's choice
// depends only on the previous bucket's choice and the next bucket's mean. Once the bucket after it is
// complete, a choice never changes: it is kept and only the last two buckets are recomputed as points
// arrive. B grows when the series outgrows it (about 20 full passes over a 100,000-step run), so a
// series has between target / 1.25 and target points. First and last points are always kept.

export interface Downsampled {
  /** Indices into the source series, strictly increasing. */
  indices: Int32Array;
  count: number;
}

export class ProgressiveLttb {
  private bucket = 0;
  private finalBuckets = 0;
  private lastN = 0;
  private generation = -1;
  private selected = new Int32Array(0);
  private out: Int32Array;

  constructor(readonly target = 1500) {
    if (!(target >= 3)) throw new RangeError(`LTTB target must be >= 3, got ${target}`);
    this.out = new Int32Array(target);
  }

  /** Bucket width in use (0 while the series is short enough to draw whole). */
  get bucketWidth(): number {
    return this.bucket;
  }

  /**
   * The points to draw for the first `n` points of (xs, ys). `generation` changes when earlier points
   * were rewritten (the column thinned or reset): the cache then starts over.
   */
  update(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, generation = 0): Downsampled {
    const target = this.target;
    if (n <= target) {
      for (let i = 0; i < n; i++) this.out[i] = i;
      this.bucket = 0;
      this.lastN = n;
      return { indices: this.out, count: n };
    }
    const inner = n - 2; // points 1 .. n-2 go into buckets
    let b = 1;
    while (Math.ceil(inner / b) > target - 2) b = nextWidth(b);
    if (b !== this.bucket || generation !== this.generation || n < this.lastN) {
      this.bucket = b;
      this.finalBuckets = 0;
      this.generation = generation;
      const maxBuckets = target - 2;
      if (this.selected.length < maxBuckets) this.selected = new Int32Array(maxBuckets);
    }
    this.lastN = n;
    const nb = Math.ceil(inner / b);
    const complete = Math.floor(inner / b);
    const sel = this.selected;
    const last = n - 1;
    for (let k = this.finalBuckets; k < nb; k++) {
      const a = k === 0 ? 0 : sel[k - 1];
      const ax = xs[a];
      const ay = ys[a];
      // Mean of the next bucket, or the last point after the last bucket.
      let cx: number;
      let cy: number;
      if (k + 1 < nb) {
        const s = 1 + (k + 1) * b;
        const e = Math.min(s + b, last);
        let sx = 0;
        let sy = 0;
        for (let i = s; i < e; i++) {
          sx += xs[i];
          sy += ys[i];
        }
        cx = sx / (e - s);
        cy = sy / (e - s);
      } else {
        cx = xs[last];
        cy = ys[last];
      }
      const s = 1 + k * b;
      const e = Math.min(s + b, last);
      let best = s;
      let bestArea = -1;
      for (let i = s; i < e; i++) {
        // Twice the triangle's area; the factor does not change the arg max.
        const area = Math.abs((ax - cx) * (ys[i] - ay) - (ax - xs[i]) * (cy - ay));
        if (area > bestArea) {
          bestArea = area;
          best = i;
        }
      }
      sel[k] = best;
    }
    this.finalBuckets = Math.max(0, complete - 1);
    const out = this.out;
    out[0] = 0;
    out.set(sel.subarray(0, nb), 1);
    out[nb + 1] = last;
    return { indices: out, count: nb + 2 };
  }
}

/** The bucket width after b: ~1.25 b, at least b + 1. */
export function nextWidth(b: number): number {
  return Math.max(b + 1, Math.round(b * 1.25));
}

/** One-shot LTTB of the first n points (a fresh ProgressiveLttb). */
export function lttb(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, target: number): number[] {
  const { indices, count } = new ProgressiveLttb(target).update(xs, ys, n);
  return Array.from(indices.subarray(0, count));
}
