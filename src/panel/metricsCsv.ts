// Metric rows -> CSV (RFC 4180) for the host's exports (exports.ts). Pure: no vscode, unit-tested in Node.
import type { MetricRow } from '../protocol/webview';

/** The known columns, in this order; any other keys found in the rows follow, sorted. */
export const METRIC_COLUMNS = [
  'step',
  'loss',
  'lr',
  'rhoT',
  'rT',
  'rectified',
  'effectiveStepSize',
  'gradNorm',
  'updateRatio',
  'valLoss',
  'valAccuracy',
] as const;

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  const s = typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV of several runs' metric rows: a `run` column first, then METRIC_COLUMNS, then extra scalar keys
 * (nested values are left out). Null or missing values are empty fields. Lines end with \r\n.
 */
export function metricsCsv(runs: ReadonlyArray<{ runId: string; rows: ReadonlyArray<MetricRow | Record<string, unknown>> }>): string {
  const known = new Set<string>(METRIC_COLUMNS);
  const extra = new Set<string>();
  for (const r of runs)
    for (const row of r.rows)
      for (const [k, v] of Object.entries(row)) if (!known.has(k) && (v === null || typeof v !== 'object')) extra.add(k);
  const columns = [...METRIC_COLUMNS, ...[...extra].sort()];
  const lines = [['run', ...columns].map(csvField).join(',')];
  for (const r of runs) {
    const id = csvField(r.runId);
    for (const row of r.rows) {
      const rec = row as Record<string, unknown>;
      lines.push(id + ',' + columns.map((c) => csvField(rec[c])).join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}
