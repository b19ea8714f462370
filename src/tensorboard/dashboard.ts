// TensorBoard runs -> the dashboard's wire shapes (src/protocol/webview.ts). Pure: no vscode, no fs.
//
// Which tag feeds which chart (first match wins; names compared lower-case, "/" "." "-" " " read as "_"):
//   loss       the training loss: `loss`, `train/loss`, `train_loss`, `loss/train`, `training_loss`, ...
//              then any tag with "loss" in it that is not validation/eval/test
//   valLoss    "loss" together with val/valid/validation/eval/test (e.g. `eval/loss`, `val_loss`)
//   valAccuracy "acc"/"accuracy" together with val/valid/eval/test
//   lr         `lr`, `learning_rate`, `learning-rate`, `lr-Adam` (Lightning's LearningRateMonitor), `lr_0`
//   rhoT, rT   `rho_t` / `rho`, `r_t` (an optimizer that logs RAdam's terms)
//   gradNorm   `grad_norm`, `gradient_norm`, `grad_2.0_norm_total` (Lightning)
//   beta2      `beta2`, `beta_2`, `betas/1`: with it (and no rho_t tag) rho_t and r_t are derived from the
//              step, as RAdam computes them (src/shared/rectification.ts), and drawn on the rho/r chart.
// Every other scalar tag is not charted: the dashboard's charts have fixed series.
// Histograms: one tag is the run's main histogram (the first whose name says grad, else the first);
// every other histogram tag is offered as a "layer" of the histogram view. Like our own runs' gradient
// histograms they are shown as ln|value| in the dashboard's bins (logMagnitudeHistogram).
import { rhoT as rhoTAt, rectification } from '../shared/rectification';
import { tensorBoardRunId } from '../shared/runId';
import { histogramEdges } from '../runs/format';
import type { HistogramSlice, MetricColumns, RunInfo } from '../protocol/webview';
import type { MetricRow } from '../protocol/webview';
import type { LogRun } from './logdir';
import type { HistogramSeries, ScalarSeries } from './series';
import type { Bucket } from './values';

export type Role = 'loss' | 'valLoss' | 'valAccuracy' | 'lr' | 'rhoT' | 'rT' | 'gradNorm' | 'beta2';

const norm = (tag: string) => tag.toLowerCase().replace(/[/.\- ]+/g, '_');
const words = (tag: string) => norm(tag).split('_').filter(Boolean);
const isEval = (w: string[]) => w.some((x) => ['val', 'valid', 'validation', 'eval', 'evaluation', 'test', 'dev'].includes(x));

/** The role each tag plays, for the tags that play one (each role given to one tag at most). */
export function assignRoles(tags: readonly string[]): Map<Role, string> {
  const out = new Map<Role, string>();
  const give = (role: Role, pick: (t: string) => boolean) => {
    if (out.has(role)) return;
    const t = tags.find((x) => ![...out.values()].includes(x) && pick(x));
    if (t !== undefined) out.set(role, t);
  };
  const exactLoss = ['loss', 'train_loss', 'training_loss', 'loss_train', 'train_loss_step', 'train_loss_epoch', 'losses_train', 'loss_training'];
  give('loss', (t) => exactLoss.includes(norm(t)));
  give('loss', (t) => words(t).some((w) => w.includes('loss')) && !isEval(words(t)) && words(t).includes('train'));
  give('loss', (t) => words(t).some((w) => w.includes('loss')) && !isEval(words(t)));
  give('valLoss', (t) => words(t).some((w) => w.includes('loss')) && isEval(words(t)));
  give('valAccuracy', (t) => words(t).some((w) => w === 'acc' || w === 'accuracy' || w === 'top1') && isEval(words(t)));
  give('rhoT', (t) => /(^|_)rho(_t)?$/.test(norm(t)));
  give('rT', (t) => /(^|_)r_t$/.test(norm(t)));
  give('beta2', (t) => /(^|_)(beta2|beta_2|betas_1)$/.test(norm(t)));
  give('lr', (t) => /(^|_)(lr|learning_rate|learningrate)(_|$)/.test(norm(t)));
  give('gradNorm', (t) => /grad(ient)?(_2(_0)?)?_norm/.test(norm(t)));
  return out;
}

/** The optimizer step a writer's step stands for: writers that count from 0 get +1 (RAdam's t >= 1). */
const optimizerStep = (step: number, firstStep: number) => (firstStep <= 0 ? step + 1 : step);

const COLUMN_OF: [Role, keyof MetricColumns][] = [
  ['loss', 'loss'],
  ['valLoss', 'valLoss'],
  ['valAccuracy', 'valAccuracy'],
  ['lr', 'lr'],
  ['rhoT', 'rhoT'],
  ['rT', 'rT'],
  ['gradNorm', 'gradNorm'],
];

/**
 * The run as metric columns: one row per step any charted tag has, in step order, from `fromStep`
 * (exclusive) on; NaN where a tag has no value at that step. Built straight into typed arrays, with
 * no object per row.
 */
export function runColumns(run: LogRun, fromStep = -Infinity): MetricColumns {
  const roles = assignRoles([...run.series.scalars.keys()]);
  const used: [keyof MetricColumns, ScalarSeries, number][] = [];
  for (const [role, key] of COLUMN_OF) {
    const tag = roles.get(role);
    const s = tag === undefined ? undefined : run.series.scalars.get(tag);
    if (!s) continue;
    const from = firstIndexAfter(s, fromStep);
    used.push([key, s, from]);
  }
  // The union of the steps (each series' steps strictly increase: preemption keeps them so), merged.
  let steps: Float64Array<ArrayBuffer> = new Float64Array(0);
  for (const [, s, from] of used) steps = mergeSteps(steps, s.steps, from);
  const n = steps.length;
  const f32 = () => new Float32Array(n).fill(NaN);
  const c: MetricColumns = {
    steps,
    loss: new Float64Array(n).fill(NaN),
    lr: f32(),
    rhoT: f32(),
    rT: f32(),
    rectified: new Int8Array(n).fill(-1),
    effectiveStepSize: f32(),
    gradNorm: f32(),
    updateRatio: f32(),
    valLoss: f32(),
    valAccuracy: f32(),
  };
  for (const [key, s, from] of used) {
    const col = c[key] as Float32Array | Float64Array;
    let j = 0;
    for (let i = from; i < s.length; i++) {
      while (steps[j] < s.steps[i]) j++;
      col[j] = s.values[i];
    }
  }
  // RAdam's terms from beta2 when the writer logged beta2 but not rho_t.
  const beta2Tag = roles.get('beta2');
  const beta2Series = beta2Tag === undefined ? undefined : run.series.scalars.get(beta2Tag);
  if (!roles.has('rhoT') && beta2Series?.length) {
    const beta2 = beta2Series.values[beta2Series.length - 1];
    if (beta2 > 0 && beta2 < 1) {
      let first = Infinity;
      for (const s of run.series.scalars.values()) if (s.length && s.steps[0] < first) first = s.steps[0];
      for (let i = 0; i < n; i++) {
        const t = optimizerStep(steps[i], first);
        if (!Number.isInteger(t) || t < 1) continue;
        const r = rectification(t, beta2);
        c.rhoT[i] = rhoTAt(t, beta2);
        c.rT[i] = r.rT ?? NaN;
        c.rectified[i] = r.rectified ? 1 : 0;
        const lr = c.lr[i];
        if (!Number.isNaN(lr)) c.effectiveStepSize[i] = r.rT === null ? lr : lr * r.rT;
      }
    }
  } else if (roles.has('rhoT')) {
    for (let i = 0; i < n; i++) if (!Number.isNaN(c.rhoT[i])) c.rectified[i] = c.rhoT[i] > 5 ? 1 : 0;
  }
  return c;
}

/** runColumns as rows (for tests and small runs); a value absent at a step is left out of its row. */
export function runRows(run: LogRun, fromStep = -Infinity): MetricRow[] {
  const c = runColumns(run, fromStep);
  const rows: MetricRow[] = [];
  for (let i = 0; i < c.steps.length; i++) {
    const row: MetricRow = { step: c.steps[i] };
    for (const [, key] of COLUMN_OF) {
      const v = (c[key] as Float32Array | Float64Array)[i];
      if (!Number.isNaN(v)) (row as unknown as Record<string, number>)[key] = v;
    }
    if (!Number.isNaN(c.effectiveStepSize[i])) row.effectiveStepSize = c.effectiveStepSize[i];
    if (c.rectified[i] !== -1) row.rectified = c.rectified[i] === 1;
    rows.push(row);
  }
  return rows;
}

/** Sorted union of `a` and `b[from..]` (both strictly increasing), without duplicates. */
function mergeSteps(a: Float64Array, b: readonly number[], from: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.length + b.length - from);
  let i = 0;
  let j = from;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (n === 0 || out[n - 1] !== x) out[n++] = x;
  }
  return n === out.length ? out : out.slice(0, n);
}

function firstIndexAfter(s: ScalarSeries, step: number): number {
  if (step === -Infinity) return 0;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.steps[mid] <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** beta2 the run logged (last value), if any. */
export function runBeta2(run: LogRun): number | undefined {
  const tag = assignRoles([...run.series.scalars.keys()]).get('beta2');
  const s = tag === undefined ? undefined : run.series.scalars.get(tag);
  return s?.length ? s.values[s.length - 1] : undefined;
}

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
  const tags = [...run.series.histograms.keys()];
  const main = mainHistogramTag(tags);
  const out: HistogramSlice[] = [];
  for (const tag of tags) {
    const h = run.series.histograms.get(tag) as HistogramSeries;
    for (let i = from.get(tag) ?? 0; i < h.entries.length; i++) {
      const e = h.entries[i];
      const s = bucketsToSlice(e.step, e.buckets, tag === main ? undefined : tag);
      if (s) out.push(s);
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

export function tensorBoardRunInfo(root: string, run: LogRun, live: boolean): RunInfo {
  const roles = assignRoles([...run.series.scalars.keys()]);
  const info: RunInfo = {
    id: tensorBoardRunId(root, run.key),
    label: `TensorBoard: ${run.label}`,
    status: run.errors.length && !live ? 'failed' : live ? 'running' : 'finished',
    live,
    optimizer: 'tensorboard',
  };
  if (run.series.firstWallTime !== undefined) info.startedAt = new Date(run.series.firstWallTime * 1000).toISOString();
  if (!live && run.series.lastWallTime !== undefined) info.endedAt = new Date(run.series.lastWallTime * 1000).toISOString();
  const last = run.series.lastStep;
  if (last !== undefined) info.lastStep = last;
  const beta2 = runBeta2(run);
  if (beta2 !== undefined) info.beta2 = beta2;
  if (roles.has('rhoT') || beta2 !== undefined) info.rectificationThreshold = 5;
  if (run.errors.length) info.error = run.errors.join('; ');
  return info;
}
