// Full-resolution data for a zoomed step range, when the run store does not hold every recorded step
// (a column that thinned itself past its point budget, or a downsampled series the host sent for a
// long run): the host reads the range from disk (the `requestRange` request, answered with each run's rows) and the reply is
// kept beside the run's data, used only for drawing and reading values inside that range. Pure: no DOM.
import type { RangeColumns, ViewRange } from '../../src/protocol/webview';
import { RunSeries, type SeriesName } from './runStore';
import { DebiasedEma } from './smoothing';
import { covers, indexRange, nearestIndex } from './viewRange';

export interface RangeDetail {
  requestId: number;
  range: ViewRange;
  /** 1: every recorded step of the range; k: the host sent one row in k. */
  stride: number;
  /** The range's rows, in the same series as the run's own data. */
  data: RunSeries;
}

/** The largest stride of the run's held series (1: every recorded step is held). */
export function heldStride(run: RunSeries): number {
  let s = 1;
  for (const col of Object.values(run.series)) s = Math.max(s, col.stride);
  return s;
}

/** Whether drawing `range` at full resolution needs rows the run does not hold (ask the host for them). */
export function needsDetail(run: RunSeries, range: ViewRange): boolean {
  if (run.detail && covers(run.detail.range, range)) return false;
  return run.partial || heldStride(run) > 1;
}

/**
 * The detail a range reply brings for one run. The smoothed loss continues from the run's own smoothed
 * value just before the range (the points before it are not in the reply).
 */
export function detailFrom(run: RunSeries, msg: Pick<RangeColumns, 'fromStep' | 'toStep' | 'stride' | 'columns'> & { requestId: number }): RangeDetail {
  const data = new RunSeries(run.id, run.smoothing);
  const { loss, smoothed } = run.series;
  const before = loss.lowerBound(msg.fromStep) - 1;
  if (before >= 0) data.resumeSmoothing(DebiasedEma.resume(run.smoothing, smoothed.ys[before], Math.max(1, Math.round(smoothed.xs[before]))));
  data.appendColumns(msg.columns);
  return { requestId: msg.requestId, range: { from: msg.fromStep, to: msg.toStep }, stride: msg.stride, data };
}

/** The points of one series in a range: arrays and the index window [lo, hi), and a key that changes when they do. */
export interface RangePoints {
  xs: Float32Array | Float64Array;
  ys: Float32Array | Float64Array;
  lo: number;
  hi: number;
  key: string;
  /** Changes when points before `hi` may differ (source, start, rewritten data); only `hi` grows otherwise. */
  base: string;
}

/**
 * One series' points in `range`, at the best resolution the webview has: the detail's rows where it
 * covers the range, followed by any rows held past the detail's last step (live rows streamed after
 * the range was read); otherwise the held column itself.
 */
export function rangePoints(run: RunSeries, name: SeriesName, range: ViewRange): RangePoints {
  const main = run.series[name];
  const d = run.detail;
  if (!d || !covers(d.range, range)) {
    const [lo, hi] = indexRange(main.xs, main.length, range);
    return { xs: main.xs, ys: main.ys, lo, hi, key: `m${main.generation}:${lo}:${hi}`, base: `m${main.generation}:${lo}` };
  }
  const dc = d.data.series[name];
  const [dlo, dhi] = indexRange(dc.xs, dc.length, range);
  const after = d.data.lastStep;
  const [mlo, mhi] = after < range.to ? indexRange(main.xs, main.length, { from: after + 0.5, to: range.to }) : [0, 0];
  const base = `d${d.requestId}:${dlo}:${dhi}:${main.generation}:${mlo}`;
  const key = `${base}:${mhi}`;
  if (mhi <= mlo) return { xs: dc.xs, ys: dc.ys, lo: dlo, hi: dhi, key, base };
  const n = dhi - dlo + mhi - mlo;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  xs.set(dc.xs.subarray(dlo, dhi));
  ys.set(dc.ys.subarray(dlo, dhi));
  xs.set(main.xs.subarray(mlo, mhi), dhi - dlo);
  ys.set(main.ys.subarray(mlo, mhi), dhi - dlo);
  return { xs, ys, lo: 0, hi: n, key, base };
}

/** The recorded point of a series nearest `step` (from the detail when it covers the step), or null. */
export function valueAt(run: RunSeries, name: SeriesName, step: number): { step: number; value: number } | null {
  const d = run.detail;
  const col = d && step >= d.range.from && step <= Math.min(d.range.to, d.data.lastStep) ? d.data.series[name] : run.series[name];
  const i = nearestIndex(col.xs, col.length, step);
  return i < 0 ? null : { step: col.xs[i], value: col.ys[i] };
}
