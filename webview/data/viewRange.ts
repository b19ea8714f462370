// The step range the step-axis charts show (drag to zoom, double-click or Escape to reset), and the pure
// arithmetic of drawing it: which points of a column lie in the range, the points to draw (all of them
// when they fit the chart's budget, else LTTB over the range only), and the point nearest the step under
// the pointer. Pure: no DOM, unit-tested in Node.
import type { ViewRange } from '../../src/protocol/webview';
import { ProgressiveLttb } from './downsample';

/** A drag narrower than this many steps is a click, not a zoom. */
export const MIN_RANGE_STEPS = 2;

/** A usable range from whatever setState handed back (null when malformed). */
export function sanitizeRange(raw: unknown): ViewRange | null {
  if (!raw || typeof raw !== 'object') return null;
  const { from, to } = raw as { from?: unknown; to?: unknown };
  if (typeof from !== 'number' || typeof to !== 'number' || !Number.isFinite(from) || !Number.isFinite(to)) return null;
  return to - from >= MIN_RANGE_STEPS ? { from, to } : null;
}

/**
 * The range a drag between two step values selects: whole steps (steps are integers), rounded outward
 * so the steps under both ends are in it, clamped to `bounds` (the data's steps) when given. null when
 * it spans fewer than MIN_RANGE_STEPS steps.
 */
export function rangeFromDrag(a: number, b: number, bounds?: ViewRange | null): ViewRange | null {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  let from = Math.floor(Math.min(a, b));
  let to = Math.ceil(Math.max(a, b));
  if (bounds) {
    from = Math.max(from, Math.floor(bounds.from));
    to = Math.min(to, Math.ceil(bounds.to));
  }
  return to - from >= MIN_RANGE_STEPS ? { from, to } : null;
}

export function sameRange(a: ViewRange | null | undefined, b: ViewRange | null | undefined): boolean {
  return a === b || (!!a && !!b && a.from === b.from && a.to === b.to);
}

/** Whether `outer` contains `inner`. */
export function covers(outer: ViewRange, inner: ViewRange): boolean {
  return outer.from <= inner.from && inner.to <= outer.to;
}

/** Index of the first of the first `n` xs (ascending) that is >= value; n if none. */
export function lowerBound(xs: ArrayLike<number>, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** [lo, hi): the indices of the first `n` xs (ascending) with from <= x <= to. */
export function indexRange(xs: ArrayLike<number>, n: number, range: ViewRange): [number, number] {
  const lo = lowerBound(xs, n, range.from);
  // The first index past `to`: lowerBound of the next representable step (steps are integers; a
  // fractional `to` still works since any x <= to is < to + tiny).
  let hi = lowerBound(xs, n, range.to);
  while (hi < n && xs[hi] <= range.to) hi++;
  return [lo, Math.max(lo, hi)];
}

/** Index of the x nearest `step` among the first `n` xs (ascending); the earlier one on a tie; -1 if n = 0. */
export function nearestIndex(xs: ArrayLike<number>, n: number, step: number): number {
  if (n <= 0 || !Number.isFinite(step)) return -1;
  const i = lowerBound(xs, n, step);
  if (i >= n) return n - 1;
  if (i === 0) return 0;
  return step - xs[i - 1] <= xs[i] - step ? i - 1 : i;
}

/**
 * The indices (into xs/ys, between lo and hi) to draw for a zoomed range: every point when there are
 * at most `target` (full resolution), else LTTB over the range's points alone -- so a zoomed range is
 * drawn from all the points in it, not from the whole series' downsampled picture.
 */
/**
 * `lttb`: a ProgressiveLttb kept while the range's start and source stay the same (a zoom whose range
 * reaches past the last step, with a run streaming into it): then only the newest buckets are redone.
 */
export function rangeIndices(
  xs: Float32Array | Float64Array,
  ys: Float32Array | Float64Array,
  lo: number,
  hi: number,
  target: number,
  lttb: ProgressiveLttb = new ProgressiveLttb(target),
): { indices: Int32Array; count: number } {
  const n = hi - lo;
  if (n <= 0) return { indices: new Int32Array(0), count: 0 };
  if (n <= target) {
    const indices = new Int32Array(n);
    for (let k = 0; k < n; k++) indices[k] = lo + k;
    return { indices, count: n };
  }
  const { indices, count } = lttb.update(xs.subarray(lo, hi), ys.subarray(lo, hi), n);
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) out[k] = lo + indices[k];
  return { indices: out, count };
}

/** "steps 1,200–4,800" */
export function rangeLabel(r: ViewRange): string {
  const f = (v: number) => Math.round(v).toLocaleString('en-US');
  return `steps ${f(r.from)}–${f(r.to)}`;
}
