// The webview's in-memory copy of the shown runs, column by column. Pure: no DOM, unit-tested in Node.
// It holds nothing the disk does not also hold: after a reload every run is read back from disk.
// (~310 lines as one module: RunSeries's append, reset and held-rows code are the merging rules below,
// which must change together; the columns themselves are ./columns.ts, the smoothing ./smoothing.ts.)
//
// Merging rules (the host may stream live rows while a run's record is being read from disk):
// - rows with a step at or before the last step already held are dropped (duplicates);
// - a `reset` batch (a run's whole record from disk) replaces the run's data, and the live rows held
//   past the record's last step are kept after it.
import type { HistogramSlice, MetricColumns, MetricRow } from '../../src/protocol/webview';
import { XYColumn } from './columns';
import type { RangeDetail } from './rangeDetail';
import { HistogramSeries } from './histograms';
import { DebiasedEma } from './smoothing';

export const SERIES = ['loss', 'smoothed', 'lr', 'lrTimesRT', 'effectiveStepSize', 'rhoT', 'rT', 'gradNorm', 'updateRatio', 'valLoss', 'valAccuracy'] as const;
export type SeriesName = (typeof SERIES)[number];

/** Layer key for the histogram over all parameters. */
export const ALL_LAYERS = '';

/** One shown run's chart series and histograms, as the webview holds them. */
export class RunSeries {
  readonly series: Record<SeriesName, XYColumn>;
  private ema: DebiasedEma;
  /** Last step of any metric row held. */
  lastStep = -Infinity;
  /** First step not yet rectified / first rectified (from `rectified` or r_t). */
  firstRectifiedStep: number | null = null;
  sawUnrectified = false;
  /** First step whose loss was not finite. */
  divergedAt: number | null = null;
  readonly histograms = new Map<string, HistogramSeries>();
  /** Scalar tags of an imported run charted on demand, by tag. */
  readonly scalars = new Map<string, XYColumn>();
  /** Bumped when metric data changes. */
  metricsVersion = 0;
  /**
   * True when the host sent fewer rows than were recorded (a downsampled series of a long run): a
   * zoomed range is then read from disk at full resolution (./rangeDetail.ts).
   */
  partial = false;
  /** Full-resolution rows of the zoomed range, read from disk (null: none, or the view is not zoomed). */
  detail: RangeDetail | null = null;
  histogramsVersion = 0;
  scalarsVersion = 0;

  constructor(
    readonly id: string,
    smoothing: number,
    private readonly maxPoints?: number,
  ) {
    this.series = Object.fromEntries(SERIES.map((s) => [s, new XYColumn(maxPoints)])) as Record<SeriesName, XYColumn>;
    this.ema = new DebiasedEma(smoothing);
  }

  get smoothing(): number {
    return this.ema.weight;
  }

  /** Appends rows (the live rows held past a reset's record, see resetColumns). */
  private appendMetrics(rows: readonly MetricRow[]): number {
    let added = 0;
    const n = (v: number | null | undefined) => (v == null ? NaN : v);
    for (const r of rows) {
      const lossGiven = 'loss' in r;
      const rect = r.rectified == null ? -1 : r.rectified ? 1 : 0;
      if (this.appendRow(r.step, n(r.loss), lossGiven, n(r.lr), n(r.rhoT), n(r.rT), rect, n(r.effectiveStepSize), n(r.gradNorm), n(r.updateRatio), n(r.valLoss), n(r.valAccuracy)))
        added++;
    }
    if (added) this.metricsVersion++;
    return added;
  }

  /** Appends columns (NaN = no value; rectified -1 = unknown) from index `from`. */
  appendColumns(c: MetricColumns, from = 0): number {
    let added = 0;
    const len = c.steps.length;
    for (let i = from; i < len; i++) {
      if (
        this.appendRow(c.steps[i], c.loss[i], true, c.lr[i], c.rhoT[i], c.rT[i], c.rectified[i], c.effectiveStepSize[i], c.gradNorm[i], c.updateRatio[i], c.valLoss[i], c.valAccuracy[i])
      )
        added++;
    }
    if (added) this.metricsVersion++;
    return added;
  }

  /** One step; NaN means "no value" (for the loss: not finite, i.e. diverged, when `lossGiven`). */
  private appendRow(
    step: number,
    loss: number,
    lossGiven: boolean,
    lr: number,
    rhoT: number,
    rT: number,
    rect: number,
    eff: number,
    gradNorm: number,
    updateRatio: number,
    valLoss: number,
    valAcc: number,
  ): boolean {
    if (!(step > this.lastStep)) return false;
    const s = this.series;
    this.lastStep = step;
    if (Number.isFinite(loss)) {
      s.loss.push(step, loss);
      s.smoothed.push(step, this.ema.push(loss));
    } else if (lossGiven && this.divergedAt === null) {
      this.divergedAt = step;
    }
    const hasRho = !Number.isNaN(rhoT);
    const hasR = !Number.isNaN(rT);
    if (!Number.isNaN(lr)) {
      s.lr.push(step, lr);
      // lr * r_t: 0 before rectification, lr for optimizers without rectification (r_t = 1).
      if (hasR) s.lrTimesRT.push(step, lr * rT);
      else if (rect === 0 || (rect === -1 && hasRho)) s.lrTimesRT.push(step, 0);
      else s.lrTimesRT.push(step, lr);
    }
    if (!Number.isNaN(eff)) s.effectiveStepSize.push(step, eff);
    if (hasRho) s.rhoT.push(step, rhoT);
    if (hasR) s.rT.push(step, rT);
    if (!Number.isNaN(gradNorm)) s.gradNorm.push(step, gradNorm);
    if (!Number.isNaN(updateRatio)) s.updateRatio.push(step, updateRatio);
    if (!Number.isNaN(valLoss)) s.valLoss.push(step, valLoss);
    if (!Number.isNaN(valAcc)) s.valAccuracy.push(step, valAcc);
    const rectified = rect !== -1 ? rect === 1 : hasRho ? hasR : null;
    if (rectified === false) this.sawUnrectified = true;
    else if (rectified === true && this.firstRectifiedStep === null) this.firstRectifiedStep = step;
    return true;
  }

  /** Replaces the data with `c` (a whole record) and keeps held rows past its last step. */
  resetColumns(c: MetricColumns): void {
    const len = c.steps.length;
    const tail = this.heldRowsAfter(len ? c.steps[len - 1] : -Infinity);
    this.clearMetrics();
    // One allocation per series, sized by what the record holds (sparse series stay small).
    const count = (a: ArrayLike<number>) => {
      let k = 0;
      for (let i = 0; i < a.length; i++) if (a[i] === a[i]) k++;
      return k + tail.length;
    };
    const sizes: Partial<Record<SeriesName, number>> = {
      loss: count(c.loss),
      lr: count(c.lr),
      rhoT: count(c.rhoT),
      rT: count(c.rT),
      effectiveStepSize: count(c.effectiveStepSize),
      gradNorm: count(c.gradNorm),
      updateRatio: count(c.updateRatio),
      valLoss: count(c.valLoss),
      valAccuracy: count(c.valAccuracy),
    };
    sizes.smoothed = sizes.loss;
    sizes.lrTimesRT = sizes.lr;
    for (const name of SERIES) this.series[name].reserve(sizes[name] ?? 0);
    this.appendColumns(c);
    this.appendMetrics(tail);
    this.metricsVersion++;
  }

  /** Continues the smoothed loss from an average of earlier points (a range read apart, see rangeDetail.ts). */
  resumeSmoothing(ema: DebiasedEma): void {
    this.ema = ema;
  }

  /** Recomputes the smoothed series for a new weight (from the raw loss held). */
  setSmoothing(weight: number): void {
    if (weight === this.ema.weight) return;
    // The detail's smoothed loss continued the old average: it is read again for the new one.
    this.detail = null;
    this.ema = new DebiasedEma(weight);
    const { loss, smoothed } = this.series;
    smoothed.clear();
    for (let i = 0; i < loss.length; i++) smoothed.push(loss.xs[i], this.ema.push(loss.ys[i]));
    this.metricsVersion++;
  }

  appendHistograms(slices: readonly HistogramSlice[]): number {
    let added = 0;
    for (const h of slices) {
      const key = h.layer ?? ALL_LAYERS;
      let series = this.histograms.get(key);
      if (!series) this.histograms.set(key, (series = new HistogramSeries()));
      if (series.push(h)) added++;
    }
    if (added) this.histogramsVersion++;
    return added;
  }

  resetHistograms(slices: readonly HistogramSlice[]): void {
    const last = new Map<string, number>();
    for (const h of slices) last.set(h.layer ?? ALL_LAYERS, h.step);
    const tail: HistogramSlice[] = [];
    for (const [key, series] of this.histograms) {
      const after = last.get(key) ?? -Infinity;
      for (const s of series.slices) if (s.step > after) tail.push(s);
    }
    this.histograms.clear();
    this.appendHistograms(slices);
    this.appendHistograms(tail);
    this.histogramsVersion++;
  }

  /** Points of one scalar tag: appended (steps past the last held), or (reset) replacing the tag's. */
  ingestScalar(tag: string, steps: ArrayLike<number>, values: ArrayLike<number>, reset: boolean): number {
    let col = this.scalars.get(tag);
    if (!col || reset) this.scalars.set(tag, (col = new XYColumn(this.maxPoints, Math.max(2, steps.length))));
    let added = 0;
    for (let i = 0; i < steps.length; i++) if (col.push(steps[i], values[i])) added++;
    if (added || reset) this.scalarsVersion++;
    return added;
  }

  /** Forgets tags no longer charted. */
  dropScalars(keep: ReadonlySet<string>): void {
    for (const tag of [...this.scalars.keys()]) if (!keep.has(tag)) this.scalars.delete(tag);
  }

  /** Layers with histograms, the all-parameters one ('') first. */
  layers(): string[] {
    return [...this.histograms.keys()].sort((a, b) => (a === ALL_LAYERS ? -1 : b === ALL_LAYERS ? 1 : a.localeCompare(b)));
  }

  private clearMetrics(): void {
    for (const name of SERIES) this.series[name].clear();
    this.ema = new DebiasedEma(this.ema.weight);
    this.lastStep = -Infinity;
    this.firstRectifiedStep = null;
    this.sawUnrectified = false;
    this.divergedAt = null;
  }

  /** Rebuilds metric rows held past `step` (for merging a reset with live data). */
  private heldRowsAfter(step: number): MetricRow[] {
    const byStep = new Map<number, MetricRow>();
    const fields: Array<[SeriesName, keyof MetricRow]> = [
      ['loss', 'loss'],
      ['lr', 'lr'],
      ['effectiveStepSize', 'effectiveStepSize'],
      ['rhoT', 'rhoT'],
      ['rT', 'rT'],
      ['gradNorm', 'gradNorm'],
      ['updateRatio', 'updateRatio'],
      ['valLoss', 'valLoss'],
      ['valAccuracy', 'valAccuracy'],
    ];
    for (const [name, key] of fields) {
      const col = this.series[name];
      let i = col.lowerBound(step);
      if (i < col.length && col.xs[i] === step) i++;
      for (; i < col.length; i++) {
        const x = col.xs[i];
        let row = byStep.get(x);
        if (!row) byStep.set(x, (row = { step: x }));
        (row as unknown as Record<string, number>)[key] = col.ys[i];
      }
    }
    if (this.divergedAt !== null && this.divergedAt > step && !byStep.has(this.divergedAt))
      byStep.set(this.divergedAt, { step: this.divergedAt, loss: null });
    return [...byStep.values()].sort((a, b) => a.step - b.step);
  }
}

export class RunStore {
  readonly runs = new Map<string, RunSeries>();

  constructor(
    public smoothing = 0.6,
    private readonly maxPoints?: number,
  ) {}

  get(id: string): RunSeries | undefined {
    return this.runs.get(id);
  }

  ensure(id: string): RunSeries {
    let run = this.runs.get(id);
    if (!run) this.runs.set(id, (run = new RunSeries(id, this.smoothing, this.maxPoints)));
    return run;
  }

  ingestColumns(id: string, columns: MetricColumns, reset = false): RunSeries {
    const run = this.ensure(id);
    if (reset) run.resetColumns(columns);
    else run.appendColumns(columns);
    return run;
  }

  ingestHistograms(id: string, rows: readonly HistogramSlice[], reset = false): RunSeries {
    const run = this.ensure(id);
    if (reset) run.resetHistograms(rows);
    else run.appendHistograms(rows);
    return run;
  }

  ingestScalar(id: string, tag: string, steps: ArrayLike<number>, values: ArrayLike<number>, reset = false): RunSeries {
    const run = this.ensure(id);
    run.ingestScalar(tag, steps, values, reset);
    return run;
  }

  setSmoothing(weight: number): void {
    this.smoothing = weight;
    for (const run of this.runs.values()) run.setSmoothing(weight);
  }

  drop(id: string): void {
    this.runs.delete(id);
  }
}
