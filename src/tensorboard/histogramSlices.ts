// A TensorBoard run's histograms -> the dashboard's histogram slices: ln|value| in the dashboard's fixed
// bins, as our own runs' gradient histograms are recorded. One tag is the run's main histogram (the first
// whose name says grad, else the first); every other tag is offered as a "layer". Pure: no vscode, no fs.
import type { HistogramSlice } from '../protocol/webview';
import { histogramEdges } from '../runs/format';
import type { LogRun } from './logdir';
import type { HistogramSeries } from './series';
import { drain, drainSliced, SLICE_MS } from './timeSlices';
import type { Bucket } from './values';

/** The histogram tag shown as the run's main histogram (no layer). */
export function mainHistogramTag(tags: readonly string[]): string | undefined {
  return tags.find((t) => /grad/i.test(t)) ?? tags[0];
}

/** The dashboard's bins for gradient magnitudes (as the trainer records them): 60 bins of ln|g| over [-20, 0]. */
export const LOG_BINS = { lo: -20, hi: 0, bins: 60 } as const;
const SHARED_EDGES = histogramEdges(LOG_BINS.lo, LOG_BINS.hi, LOG_BINS.bins);

/**
 * A writer's histogram of values -> the dashboard's histogram of ln|value| (the view the paper's figures
 * and our own runs use): each bucket's count is spread uniformly over its values, folded to magnitudes
 * (a bucket across 0 is split in proportion), and counted into fixed ln bins over [lo, hi]; magnitudes
 * below e^lo fall into the first bin, at or above e^hi into the last, exact zeros (a zero-width bucket at
 * 0) are counted apart. The writer's bucketing limits the resolution: a bucket spanning several ln bins
 * is spread over them.
 */
export function logMagnitudeHistogram(buckets: readonly Bucket[], { lo, hi, bins } = LOG_BINS): { counts: number[]; zeros: number; total: number } {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  let zeros = 0;
  let total = 0;
  const binOf = (lnx: number) => Math.min(bins - 1, Math.max(0, Math.floor((lnx - lo) / width)));
  // Adds `c` values spread uniformly over magnitudes [a, b] (0 <= a <= b).
  const addMagnitudes = (a: number, b: number, c: number) => {
    if (c <= 0) return;
    if (b <= a) {
      if (a === 0) zeros += c;
      else counts[binOf(Math.log(a))] += c;
      return;
    }
    const first = a > 0 ? binOf(Math.log(a)) : 0;
    const last = binOf(Math.log(b));
    for (let k = first; k <= last; k++) {
      // The magnitudes of bin k: [e^(lo + k w), e^(lo + (k+1) w)), open-ended at the first and last bins.
      const from = k === 0 ? 0 : Math.exp(lo + k * width);
      const to = k === bins - 1 ? Infinity : Math.exp(lo + (k + 1) * width);
      const overlap = Math.min(b, to) - Math.max(a, from);
      if (overlap > 0) counts[k] += (c * overlap) / (b - a);
    }
  };
  for (const { left, right, count } of buckets) {
    if (!(Number.isFinite(left) && Number.isFinite(right) && Number.isFinite(count)) || count <= 0 || right < left) continue;
    total += count;
    if (left >= 0) addMagnitudes(left, right, count);
    else if (right <= 0) addMagnitudes(-right, -left, count);
    else {
      // Across 0: the negative part and the positive part in proportion to their widths.
      const neg = (count * -left) / (right - left);
      addMagnitudes(0, -left, neg);
      addMagnitudes(0, right, count - neg);
    }
  }
  return { counts, zeros, total };
}

/** A writer's histogram -> a dashboard slice of ln|value| in the dashboard's fixed bins. */
export function bucketsToSlice(step: number, buckets: readonly Bucket[], layer?: string): HistogramSlice | undefined {
  if (!buckets.length) return undefined;
  const { counts, zeros, total } = logMagnitudeHistogram(buckets);
  if (total <= 0) return undefined;
  const slice: HistogramSlice = { step, edges: SHARED_EDGES, counts, zeros, total };
  if (layer !== undefined) slice.layer = layer;
  return slice;
}

/** Histogram slices of a run; `from` gives, per tag, how many entries were already sent. */
export function runHistograms(run: LogRun, from: ReadonlyMap<string, number> = new Map()): HistogramSlice[] {
  return drain(buildHistograms(run, from));
}

/** runHistograms in time slices (a run's whole record: thousands of histograms of hundreds of buckets). */
export function runHistogramsSliced(run: LogRun, from: ReadonlyMap<string, number> = new Map(), sliceMs = SLICE_MS): Promise<HistogramSlice[]> {
  return drainSliced(buildHistograms(run, from), sliceMs);
}

function* buildHistograms(run: LogRun, from: ReadonlyMap<string, number>): Generator<void, HistogramSlice[]> {
  const tags = [...run.series.histograms.keys()];
  const main = mainHistogramTag(tags);
  const out: HistogramSlice[] = [];
  // As long as each series is now (see runColumns.ts buildColumns).
  const series = tags.map((tag) => [tag, run.series.histograms.get(tag) as HistogramSeries, (run.series.histograms.get(tag) as HistogramSeries).entries.length] as const);
  for (const [tag, h, end] of series) {
    for (let i = from.get(tag) ?? 0; i < end; i++) {
      const e = h.entries[i];
      const s = bucketsToSlice(e.step, e.buckets, tag === main ? undefined : tag);
      if (s) out.push(s);
      if (i % 64 === 0) yield;
    }
  }
  return out.sort((a, b) => a.step - b.step);
}
