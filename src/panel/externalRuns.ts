// Runs the dashboard shows that are not in .radam/runs (TensorBoard log directories,
// src/tensorboard/source.ts): listed beside ours, read-only (never deleted), exported with ours; their
// loss tag, beta2 and on-demand scalar tags are handled by ./importedRuns.ts.
import type { HistogramSlice, MetricColumns, RunInfo } from '../protocol/webview';
import type { ImportedRunExport } from '../tensorboard/exportRun';
import type { ImportedRunsControl, ScalarPoints } from './importedRuns';

export interface ExternalRuns extends ImportedRunsControl {
  list(): RunInfo[];
  has(id: string): boolean;
  /** The run's whole record, built off the host's critical path; live updates continue from it (pushExternal). */
  whole(id: string): Promise<{ columns: MetricColumns; histograms: HistogramSlice[]; scalars: ScalarPoints[] } | undefined>;
  /** The run's metric columns (a zoomed range is picked from them). */
  columns(id: string): Promise<MetricColumns | undefined>;
  /** The run as the exports write it (undefined: no such run). */
  exportRun(id: string): ImportedRunExport | undefined;
}

/** Live data of an external run: rows to append, or (reset) its whole record. */
export interface ExternalUpdate {
  runId: string;
  columns: MetricColumns;
  reset: boolean;
  histograms: HistogramSlice[];
  histogramsReset: boolean;
  /** Points of the scalar tags charted on demand. */
  scalars: ScalarPoints[];
}
