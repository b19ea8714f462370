// What one run of an event-file log holds: its scalar and histogram series per tag.
//
// Preemption (TensorBoard's rule, tensorboard/data/server/reservoir.rs): steps of a tag are expected to
// increase. A value at step s discards every value of that tag at step >= s already held: a job that
// was checkpointed at step 80, died at step 100 and restarted from its checkpoint writes steps 81..100
// again, and the new values win. A SessionLog START at step s (TF1 supervisors) discards steps >= s of
// every tag. Because the files of a run are read in order (see logdir.ts), "later" means a later file
// or later in the same file.
import type { Bucket } from './values';
import type { Sample } from './eventFile';

export interface HistogramEntry {
  step: number;
  wallTime: number;
  buckets: Bucket[];
}

/** First index of a sorted array whose value is >= x. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ScalarSeries {
  readonly steps: number[] = [];
  readonly values: number[] = [];
  readonly wallTimes: number[] = [];
  /** Adds a value; returns the number of earlier values it preempted. */
  add(step: number, wallTime: number, value: number): number {
    const dropped = this.truncateFrom(step);
    this.steps.push(step);
    this.values.push(value);
    this.wallTimes.push(wallTime);
    return dropped;
  }
  /** Drops values at steps >= step; returns how many. */
  truncateFrom(step: number): number {
    const n = this.steps.length;
    if (n === 0 || this.steps[n - 1] < step) return 0;
    const i = lowerBound(this.steps, step);
    this.steps.length = this.values.length = this.wallTimes.length = i;
    return n - i;
  }
  get length(): number {
    return this.steps.length;
  }
  get lastStep(): number | undefined {
    return this.steps.length ? this.steps[this.steps.length - 1] : undefined;
  }
}

export class HistogramSeries {
  readonly entries: HistogramEntry[] = [];
  private readonly steps: number[] = [];
  add(step: number, wallTime: number, buckets: Bucket[]): number {
    const dropped = this.truncateFrom(step);
    this.entries.push({ step, wallTime, buckets });
    this.steps.push(step);
    return dropped;
  }
  truncateFrom(step: number): number {
    const n = this.steps.length;
    if (n === 0 || this.steps[n - 1] < step) return 0;
    const i = lowerBound(this.steps, step);
    this.steps.length = this.entries.length = i;
    return n - i;
  }
  get length(): number {
    return this.entries.length;
  }
}

/**
 * Everything one TensorBoard writer (a run of the log directory) logged, per tag, kept by the preemption
 * rule above. (Not the webview's RunSeries, webview/data/runStore.ts: that is a shown run's chart data.)
 * `revision` grows with every change; `resets` when data already seen was dropped.
 */
export class WriterSeries {
  readonly scalars = new Map<string, ScalarSeries>();
  readonly histograms = new Map<string, HistogramSeries>();
  revision = 0;
  /** Counts preemptions: a consumer that forwarded values incrementally must re-send the whole run. */
  resets = 0;
  /** Values discarded by preemption so far. */
  preempted = 0;
  firstWallTime: number | undefined;
  lastWallTime: number | undefined;

  add(s: Sample): void {
    this.revision++;
    if (this.firstWallTime === undefined || s.wallTime < this.firstWallTime) this.firstWallTime = s.wallTime;
    if (this.lastWallTime === undefined || s.wallTime > this.lastWallTime) this.lastWallTime = s.wallTime;
    let dropped = 0;
    if (s.kind === 'scalar') {
      let series = this.scalars.get(s.tag);
      if (!series) this.scalars.set(s.tag, (series = new ScalarSeries()));
      dropped = series.add(s.step, s.wallTime, s.value);
    } else if (s.kind === 'histogram') {
      let series = this.histograms.get(s.tag);
      if (!series) this.histograms.set(s.tag, (series = new HistogramSeries()));
      dropped = series.add(s.step, s.wallTime, s.buckets);
    } else {
      for (const series of this.scalars.values()) dropped += series.truncateFrom(s.step);
      for (const series of this.histograms.values()) dropped += series.truncateFrom(s.step);
    }
    if (dropped) {
      this.preempted += dropped;
      this.resets++;
    }
  }

  /** The largest step of any series (undefined when empty). */
  get lastStep(): number | undefined {
    let last: number | undefined;
    for (const s of this.scalars.values()) if (s.lastStep !== undefined && (last === undefined || s.lastStep > last)) last = s.lastStep;
    for (const h of this.histograms.values()) {
      const e = h.entries[h.entries.length - 1];
      if (e && (last === undefined || e.step > last)) last = e.step;
    }
    return last;
  }
}
