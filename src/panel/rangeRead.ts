// The host's answer to the dashboard's `requestRange` (a zoomed step range it does not hold at full
// resolution): one run's metric rows in the range, read from metrics.jsonl with the same reader as
// everything else, thinned to a stride only when the range holds more rows than asked for.
// A minimal reader: it parses the whole file (as sending a run's record does); the storage work of
// issue 16 replaces it with one that reads only the range. Pure Node: no vscode.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { METRICS_FILE, parseJsonl, type MetricRecord } from '../runs';
import { toMetricColumns, type MetricColumns } from '../protocol/webview';
import { toMetricRows } from './runAdapter';

export interface RangeRows {
  columns: MetricColumns;
  /** 1: every row of the range; k: one row in k (the range held more than maxPoints). */
  stride: number;
}

/**
 * Which of n rows (steps ascending) to send for fromStep <= step <= toStep: every one when they number at
 * most `maxPoints`, else one in `stride` = ceil(count / maxPoints), always with the range's last row.
 */
export function pickRange(steps: ArrayLike<number>, fromStep: number, toStep: number, maxPoints: number): { indices: number[]; stride: number } {
  const inRange: number[] = [];
  for (let i = 0; i < steps.length; i++) if (steps[i] >= fromStep && steps[i] <= toStep) inRange.push(i);
  const stride = Math.max(1, Math.ceil(inRange.length / Math.max(2, maxPoints)));
  if (stride === 1) return { indices: inRange, stride };
  const indices: number[] = [];
  for (let k = 0; k < inRange.length; k += stride) indices.push(inRange[k]);
  const last = inRange[inRange.length - 1];
  if (indices[indices.length - 1] !== last) indices.push(last);
  return { indices, stride };
}

/** The same for columns already in memory (runs from TensorBoard log directories): the picked entries of each. */
export function pickRangeOfColumns(c: MetricColumns, fromStep: number, toStep: number, maxPoints: number): RangeRows {
  const { indices, stride } = pickRange(c.steps, fromStep, toStep, maxPoints);
  const take = <A extends Float32Array | Float64Array | Int8Array>(a: A, make: (n: number) => A): A => {
    const out = make(indices.length);
    indices.forEach((i, k) => (out[k] = a[i]));
    return out;
  };
  const f32 = (a: Float32Array) => take(a, (n) => new Float32Array(n));
  const columns: MetricColumns = {
    steps: take(c.steps, (n) => new Float64Array(n)),
    loss: take(c.loss, (n) => new Float64Array(n)),
    rectified: take(c.rectified, (n) => new Int8Array(n)),
    lr: f32(c.lr),
    rhoT: f32(c.rhoT),
    rT: f32(c.rT),
    effectiveStepSize: f32(c.effectiveStepSize),
    gradNorm: f32(c.gradNorm),
    updateRatio: f32(c.updateRatio),
    valLoss: f32(c.valLoss),
    valAccuracy: f32(c.valAccuracy),
  };
  return { columns, stride };
}

/** A run folder's rows in the range (a missing metrics file is an empty range). */
export async function readRangeRows(runDir: string, fromStep: number, toStep: number, maxPoints: number): Promise<RangeRows> {
  let text = '';
  try {
    text = await fsp.readFile(path.join(runDir, METRICS_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const rows = toMetricRows(parseJsonl<MetricRecord>(text).records);
  const { indices, stride } = pickRange(rows.map((r) => r.step), fromStep, toStep, maxPoints);
  return { columns: toMetricColumns(indices.map((i) => rows[i])), stride };
}
