// The one place that knows both the on-disk run format (src/runs/format.ts, written by the trainer)
// and the dashboard's wire shapes (src/protocol/webview.ts). Pure: no vscode, no fs; unit-tested.
import { histogramEdges, type HistogramRecord, type MetricRecord, type RunRecord, type RunStatus as DiskStatus } from '../runs/format';
import type { HistogramSlice, MetricRow, RunInfo, RunInfoStatus } from '../protocol/webview';
import { printable } from '../runs/printable';

/** A status change the host learns from the trainer before (or instead of) re-reading run.json. */
export interface RunStatusUpdate {
  id: string;
  status: DiskStatus;
  /** Last completed step. */
  step?: number;
  reason?: string;
  divergedAtStep?: number;
  label?: string;
}

const STATUSES: readonly RunInfoStatus[] = ['running', 'finished', 'stopped', 'failed', 'diverged'];

export function toRunInfo(rec: RunRecord, opts: { live?: boolean; lastStep?: number } = {}): RunInfo {
  const spec = rec.spec;
  const opt = spec?.optimizer;
  const info: RunInfo = {
    id: rec.id,
    // Text from disk is untrusted: control characters made visible (the webview sets it as text, never HTML).
    label: printable(rec.label || spec?.label || rec.id, 120),
    status: STATUSES.includes(rec.status) ? rec.status : 'unknown',
    live: opts.live ?? rec.status === 'running',
    startedAt: rec.startedAt,
    comparisonId: rec.comparisonId,
  };
  if (rec.endedAt) info.endedAt = rec.endedAt;
  if (opt?.name) info.optimizer = opt.name;
  if (typeof spec?.steps === 'number') info.steps = spec.steps;
  const last = opts.lastStep ?? rec.summary?.steps;
  if (typeof last === 'number') info.lastStep = last;
  if (typeof rec.divergedAtStep === 'number') info.divergedAt = rec.divergedAtStep;
  if (spec?.dataset?.name) info.dataset = spec.dataset.name;
  if (spec?.model?.name) info.model = spec.model.name;
  if (typeof opt?.beta2 === 'number') info.beta2 = opt.beta2;
  if (opt?.name === 'radam') info.rectificationThreshold = typeof opt.rectificationThreshold === 'number' ? opt.rectificationThreshold : 5;
  if (typeof opt?.learningRate === 'number') info.learningRate = opt.learningRate;
  if (rec.reason && (rec.status === 'failed' || rec.status === 'stopped' || rec.status === 'diverged')) info.error = printable(rec.reason, 500);
  return info;
}

/** Applies a live status change to what the dashboard knows. */
export function applyStatus(info: RunInfo, u: RunStatusUpdate): RunInfo {
  const next: RunInfo = { ...info, status: STATUSES.includes(u.status) ? u.status : 'unknown', live: u.status === 'running' };
  if (typeof u.step === 'number') next.lastStep = u.step;
  if (typeof u.divergedAtStep === 'number') next.divergedAt = u.divergedAtStep;
  if (u.reason && u.status !== 'running' && u.status !== 'finished') next.error = printable(u.reason, 500);
  if (u.label) next.label = printable(u.label, 120);
  return next;
}

/** A run folder whose run.json cannot be read: listed, with why, instead of vanishing. */
export function unreadableRunInfo(id: string, why: string): RunInfo {
  return { id, label: id, status: 'unknown', live: false, error: `unreadable: ${printable(why, 300)}` };
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** metrics.jsonl records -> wire rows (known fields only; the wall-clock `ms` stays on disk). */
export function toMetricRows(records: readonly MetricRecord[]): MetricRow[] {
  const out: MetricRow[] = new Array(records.length);
  let n = 0;
  for (const r of records) {
    if (!r || typeof r.step !== 'number' || !Number.isFinite(r.step)) continue;
    const row: MetricRow = {
      step: r.step,
      loss: num(r.loss),
      lr: num(r.lr),
      rhoT: num(r.rhoT),
      rT: num(r.rT),
      rectified: typeof r.rectified === 'boolean' ? r.rectified : null,
      effectiveStepSize: num(r.effectiveStepSize),
      gradNorm: num(r.gradNorm),
      updateRatio: num(r.updateRatio),
    };
    if (typeof r.valLoss === 'number') row.valLoss = r.valLoss;
    if (typeof r.valAccuracy === 'number') row.valAccuracy = r.valAccuracy;
    out[n++] = row;
  }
  out.length = n;
  return out;
}

/**
 * histograms.jsonl records -> wire slices: one over all parameters per record, plus one per layer
 * when the record carries per-layer counts (same bins). Records without usable bins are skipped.
 */
export function toHistogramSlices(records: readonly HistogramRecord[]): HistogramSlice[] {
  const out: HistogramSlice[] = [];
  for (const r of records) {
    if (!r || typeof r.step !== 'number' || !Array.isArray(r.counts)) continue;
    let edges = Array.isArray(r.edges) ? r.edges : null;
    if (!edges || edges.length !== r.counts.length + 1) {
      if (typeof r.lo === 'number' && typeof r.hi === 'number' && r.hi > r.lo) edges = histogramEdges(r.lo, r.hi, r.counts.length);
      else continue;
    }
    out.push({ step: r.step, edges, counts: r.counts, zeros: num(r.zeros) ?? 0, total: num(r.total) ?? 0 });
    for (const l of r.layers ?? []) {
      if (!l || typeof l.name !== 'string' || !Array.isArray(l.counts) || l.counts.length !== r.counts.length) continue;
      out.push({ step: r.step, layer: l.name, edges, counts: l.counts, zeros: num(l.zeros) ?? 0, total: num(l.total) ?? 0 });
    }
  }
  return out;
}
