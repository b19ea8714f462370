// A TensorBoard run's charted scalar tags -> the dashboard's metric columns (MetricColumns: one row per
// step, NaN where a tag has no value), with RAdam's rho_t and r_t derived from beta2 when the run logged
// beta2 but not rho_t. Which tag feeds which column: assignRoles in ./dashboard.ts. Pure: no vscode, no fs.
//
// One build (a generator that pauses every PIECE rows) runs either at once (runColumns: tests, exports,
// small updates) or in time slices on the extension host (runColumnsSliced: a run's whole record).
import type { MetricColumns, MetricRow } from '../protocol/webview';
import { rhoT as rhoTAt, rectification } from '../shared/rectification';
import { assignRoles, rhoOrigin, type Role, type RunChoices } from './dashboard';
import type { LogRun } from './logdir';
import type { ScalarSeries } from './series';
import { drain, drainSliced, SLICE_MS } from './timeSlices';

/** Rows merged or filled between the points where a sliced build may yield. */
const PIECE = 16_384;

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
export function runColumns(run: LogRun, fromStep = -Infinity, choices: RunChoices = {}): MetricColumns {
  return drain(buildColumns(run, fromStep, choices));
}

/**
 * runColumns in time slices: the same build, yielding to the event loop whenever a slice has run for
 * `sliceMs` (the extension host is shared by every extension: 500,000 rows took 0.5-1.3 s of CPU in
 * one piece).
 */
export function runColumnsSliced(run: LogRun, fromStep = -Infinity, choices: RunChoices = {}, sliceMs = SLICE_MS): Promise<MetricColumns> {
  return drainSliced(buildColumns(run, fromStep, choices), sliceMs);
}

/** The build behind both: yields (nothing) every PIECE rows merged or filled, where a slice may end. */
function* buildColumns(run: LogRun, fromStep: number, choices: RunChoices): Generator<void, MetricColumns> {
  const roles = assignRoles([...run.series.scalars.keys()], choices);
  // Each series as long as it is now (the first slice runs at once): a poll may append while a sliced
  // build waits, and those values go out as the next update.
  const used: [keyof MetricColumns, ScalarSeries, number, number][] = [];
  for (const [role, key] of COLUMN_OF) {
    const tag = roles.get(role);
    const s = tag === undefined ? undefined : run.series.scalars.get(tag);
    if (!s) continue;
    const from = firstIndexAfter(s, fromStep);
    used.push([key, s, from, s.length]);
  }
  // The union of the steps (each series' steps strictly increase: preemption keeps them so), merged.
  let steps: Float64Array<ArrayBuffer> = new Float64Array(0);
  for (const [, s, from, end] of used) steps = yield* mergeSteps(steps, s.steps, from, end);
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
  for (const [key, s, from, end] of used) {
    const col = c[key] as Float32Array | Float64Array;
    let j = 0;
    for (let i = from; i < end; i++) {
      while (steps[j] < s.steps[i]) j++;
      col[j] = s.values[i];
      if (i % PIECE === 0) yield;
    }
  }
  // RAdam's terms from beta2 when the writer logged beta2 (or the user gave it) but not rho_t.
  const rho = rhoOrigin(run, choices);
  if (rho.beta2 !== undefined) {
    const beta2 = rho.beta2;
    let first = Infinity;
    for (const s of run.series.scalars.values()) if (s.length && s.steps[0] < first) first = s.steps[0];
    for (let i = 0; i < n; i++) {
      if (i % PIECE === 0) yield;
      const t = optimizerStep(steps[i], first);
      if (!Number.isInteger(t) || t < 1) continue;
      const r = rectification(t, beta2);
      c.rhoT[i] = rhoTAt(t, beta2);
      c.rT[i] = r.rT ?? NaN;
      c.rectified[i] = r.rectified ? 1 : 0;
      const lr = c.lr[i];
      if (!Number.isNaN(lr)) c.effectiveStepSize[i] = r.rT === null ? lr : lr * r.rT;
    }
  } else if (rho.origin === 'logged') {
    for (let i = 0; i < n; i++) if (!Number.isNaN(c.rhoT[i])) c.rectified[i] = c.rhoT[i] > 5 ? 1 : 0;
  }
  return c;
}

/** runColumns as rows (for tests and small runs); a value absent at a step is left out of its row. */
export function runRows(run: LogRun, fromStep = -Infinity, choices: RunChoices = {}): MetricRow[] {
  const c = runColumns(run, fromStep, choices);
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

/** Sorted union of `a` and `b[from..end)` (both strictly increasing), without duplicates. */
function* mergeSteps(a: Float64Array, b: readonly number[], from: number, end: number): Generator<void, Float64Array<ArrayBuffer>> {
  const out = new Float64Array(a.length + end - from);
  let i = 0;
  let j = from;
  let n = 0;
  while (i < a.length || j < end) {
    const x = j >= end || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (n === 0 || out[n - 1] !== x) out[n++] = x;
    if ((i + j) % PIECE === 0) yield;
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
