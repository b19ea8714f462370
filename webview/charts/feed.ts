// Feeds one chart.js dataset from one XYColumn: downsampled progressively to about one point per device
// pixel of the plot's width (at most 1,500), written into a reused array of reused {x, y} objects (no
// garbage per frame).
//
// Why one point per pixel: a canvas line is rasterised after the frame's script, on the same thread in
// a webview without GPU raster, and its cost grows with the points per pixel, not with the picture:
// three 2-px lines of 1,500 points across a 450-px plot took 6-13 ms to rasterise in headless Chromium,
// the same lines at one point per pixel 1.3-1.6 ms (measured for issue 16's frame gaps).
import type { XYColumn } from '../data/columns';
import { ProgressiveLttb } from '../data/downsample';
import type { RangePoints } from '../data/rangeDetail';
import { rangeIndices } from '../data/viewRange';
import type { XY } from './chartjs';

export const POINTS_PER_SERIES = 1500;
/** The fewest points per series, however narrow the plot (a thin panel still gets a readable line). */
export const MIN_POINTS_PER_SERIES = 200;

/** Points per series for a plot `cssWidth` pixels wide at `pixelRatio`: one per device pixel, in 50s. */
export function pointsForWidth(cssWidth: number, pixelRatio: number): number {
  const px = Math.round((cssWidth * (pixelRatio > 0 ? pixelRatio : 1)) / 50) * 50;
  return Math.max(MIN_POINTS_PER_SERIES, Math.min(POINTS_PER_SERIES, Number.isFinite(px) ? px : POINTS_PER_SERIES));
}

export class SeriesFeed {
  /** The dataset's `data` array (same object for the chart's lifetime). */
  readonly points: XY[] = [];
  private readonly pool: XY[] = [];
  private lttb: ProgressiveLttb;
  private lastCol: XYColumn | null = null;
  private lastLength = -1;
  private lastGeneration = -1;
  private lastPositiveOnly = false;
  private lastHead = 0;
  /** Key of the zoomed range's points last drawn ('' while the whole series is drawn). */
  private rangeKey = '';
  /** Downsampling of the zoomed range, kept while its start and source stay (see viewRange.rangeIndices). */
  private rangeLttb: ProgressiveLttb | null = null;
  private rangeBase = '';

  /**
   * Points of a zoomed range: the budget the feed was made with (POINTS_PER_SERIES), not the per-pixel
   * one -- a zoom is for reading single steps (every recorded step of a short range is drawn), and a
   * zoomed range is drawn again only when it or its rows change, not on every streamed batch.
   */
  readonly rangeTarget: number;

  constructor(private targetPoints = POINTS_PER_SERIES) {
    this.lttb = new ProgressiveLttb(targetPoints);
    this.rangeTarget = targetPoints;
  }

  get target(): number {
    return this.targetPoints;
  }

  /** A new point budget for the whole series (the plot was resized): the next fill() starts over. */
  setTarget(points: number): void {
    if (points === this.targetPoints) return;
    this.targetPoints = points;
    this.lastCol = null;
    this.lastLength = -1;
  }

  /**
   * Refreshes `points` from the column. Returns false when nothing changed. `denseHead`: the first
   * points kept as they are, the rest downsampled to the remaining budget (for a logarithmic step
   * axis, where the first few hundred steps take half the width: index-based buckets of a long run
   * would collapse them into a handful of points).
   */
  fill(col: XYColumn, positiveOnly = false, denseHead = 0): boolean {
    const head = Math.min(denseHead, Math.floor(this.target / 3));
    if (col !== this.lastCol || head !== this.lastHead) {
      this.lttb = new ProgressiveLttb(head ? this.target - head : this.target);
      this.lastCol = col;
      this.lastHead = head;
      this.lastLength = -1;
    }
    if (col.length === this.lastLength && col.generation === this.lastGeneration && positiveOnly === this.lastPositiveOnly) return false;
    this.lastLength = col.length;
    this.lastGeneration = col.generation;
    this.lastPositiveOnly = positiveOnly;
    this.rangeKey = '';
    let n = 0;
    const h = Math.min(head, col.length);
    for (let i = 0; i < h; i++) n = this.take(col.xs, col.ys, i, n, positiveOnly);
    const rest = col.length - h;
    const { indices, count } = rest > 0 ? this.lttb.update(h ? col.xs.subarray(h) : col.xs, h ? col.ys.subarray(h) : col.ys, rest, col.generation) : { indices: new Int32Array(0), count: 0 };
    for (let k = 0; k < count; k++) n = this.take(col.xs, col.ys, h + indices[k], n, positiveOnly);
    this.finish(n);
    return true;
  }

  /**
   * Refreshes `points` from a zoomed range: every point in it while they fit the budget, else LTTB
   * over the range's points only (../data/viewRange.ts). Returns false when nothing changed.
   */
  fillRange(p: RangePoints, positiveOnly = false): boolean {
    const key = p.key + (positiveOnly ? '+' : '');
    if (key === this.rangeKey) return false;
    this.rangeKey = key;
    // The whole-series cache no longer describes `points`: fill() starts over when the zoom ends.
    this.lastLength = -1;
    if (!this.rangeLttb || p.base !== this.rangeBase) {
      this.rangeLttb = new ProgressiveLttb(this.rangeTarget);
      this.rangeBase = p.base;
    }
    const { indices, count } = rangeIndices(p.xs, p.ys, p.lo, p.hi, this.rangeTarget, this.rangeLttb);
    let n = 0;
    for (let k = 0; k < count; k++) n = this.take(p.xs, p.ys, indices[k], n, positiveOnly);
    this.finish(n);
    return true;
  }

  /** Writes point i into points[n] (reusing pooled objects); returns the new count. */
  private take(xs: ArrayLike<number>, ys: ArrayLike<number>, i: number, n: number, positiveOnly: boolean): number {
    const y = ys[i];
    if (positiveOnly && !(y > 0)) return n;
    let p = this.pool[n];
    if (!p) this.pool.push((p = { x: 0, y: 0 }));
    p.x = xs[i];
    p.y = y;
    this.points[n] = p;
    return n + 1;
  }

  /** Ends a fill of n points. */
  private finish(n: number): void {
    const pts = this.points;
    // A run of equal values draws as one segment: keep its two ends only (a constant learning rate
    // becomes 2 points instead of 1,500 -- less to stroke, the same picture).
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && i < n - 1 && pts[i].y === pts[i - 1].y && pts[i].y === pts[i + 1].y) continue;
      pts[m++] = pts[i];
    }
    pts.length = m;
  }

  clear(): void {
    this.points.length = 0;
    this.lastLength = -1;
    this.rangeKey = '';
  }

  get lastX(): number | null {
    return this.points.length ? this.points[this.points.length - 1].x : null;
  }
}
