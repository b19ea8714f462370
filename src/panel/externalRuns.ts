// Runs the dashboard shows that are not in .radam/runs (TensorBoard log directories,
// src/tensorboard/source.ts): listed beside ours, read-only (no delete, no export, no range reads).
import type { HistogramSlice, MetricColumns, RunInfo } from '../protocol/webview';

export interface ExternalRuns {
  list(): RunInfo[];
  has(id: string): boolean;
  /** The run's whole record; live updates continue from it (pushExternal). */
  whole(id: string): { columns: MetricColumns; histograms: HistogramSlice[] } | undefined;
}

/** Live data of an external run: rows to append, or (reset) its whole record. */
export interface ExternalUpdate {
  runId: string;
  columns: MetricColumns;
  reset: boolean;
  histograms: HistogramSlice[];
  histogramsReset: boolean;
}
