// Run summaries for the comparison table. Pure: no DOM.
import type { XYColumn } from './columns';

export interface SummaryInput {
  runId: string;
  loss: XYColumn;
  smoothed: XYColumn;
  valLoss: XYColumn;
  valAccuracy: XYColumn;
  /** First step whose loss was not finite (or as reported in run.json). */
  divergedAt: number | null;
}

export interface RunSummary {
  runId: string;
  lastStep: number | null;
  finalLoss: number | null;
  finalSmoothedLoss: number | null;
  bestValLoss: { value: number; step: number } | null;
  bestValAccuracy: { value: number; step: number } | null;
  /** First step at which the smoothed loss is <= the target (null: not reached). */
  stepsToTarget: number | null;
  divergedAt: number | null;
}

/** A float32 value as the decimal it was written as (columns hold float32: 0.7 -> 0.699999988). */
export function f32(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(7)) : v;
}

function extreme(col: XYColumn, better: (a: number, b: number) => boolean): { value: number; step: number } | null {
  if (!col.length) return null;
  let bi = 0;
  for (let i = 1; i < col.length; i++) if (better(col.ys[i], col.ys[bi])) bi = i;
  return { value: f32(col.ys[bi]), step: col.xs[bi] };
}

/** First x at which the column's y is <= target, or null. */
export function firstAtOrBelow(col: XYColumn, target: number): number | null {
  const t = Math.fround(target);
  for (let i = 0; i < col.length; i++) if (col.ys[i] <= t) return col.xs[i];
  return null;
}

export function summarize(run: SummaryInput, target: number | null): RunSummary {
  const last = run.loss.length ? run.loss.length - 1 : -1;
  return {
    runId: run.runId,
    lastStep: last >= 0 ? run.loss.xs[last] : null,
    finalLoss: last >= 0 ? f32(run.loss.ys[last]) : null,
    finalSmoothedLoss: run.smoothed.length ? f32(run.smoothed.lastY) : null,
    bestValLoss: extreme(run.valLoss, (a, b) => a < b),
    bestValAccuracy: extreme(run.valAccuracy, (a, b) => a > b),
    stepsToTarget: target === null || !Number.isFinite(target) ? null : firstAtOrBelow(run.smoothed, target),
    divergedAt: run.divergedAt,
  };
}

/**
 * The default loss target: the worst (highest) final smoothed loss among runs that did not diverge, so
 * every such run reaches it and the table says how many steps each needed. null without such runs.
 */
export function autoLossTarget(runs: readonly SummaryInput[]): number | null {
  let worst = -Infinity;
  for (const r of runs) if (r.divergedAt === null && r.smoothed.length) worst = Math.max(worst, r.smoothed.lastY);
  return Number.isFinite(worst) ? f32(worst) : null;
}

/** Compact number formatting for the table and tooltips. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, digits - 2));
  return Number(v.toPrecision(digits)).toString();
}

/** A step for axis labels: 100000 -> "100,000" (by hand: toLocaleString is slow in tick callbacks). */
export function fmtStep(v: number): string {
  if (!Number.isInteger(v)) return fmt(v);
  const s = String(Math.abs(v));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return v < 0 ? '-' + out : out;
}
