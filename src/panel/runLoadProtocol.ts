// The messages between the extension host (runLoader.ts) and the run-loading worker (runLoadWorker.ts).
// One shape per direction; a reply carries the id of its request. A reply is only typed arrays where it is
// big (metric columns, the histogram table), and those are transferred (moved, not copied) to the host: a
// reply of objects would be deserialized on the host's event loop in one go.
import type { HistogramTable } from './histogramTable';
import type { Overview, OverviewRequest, RangeRequest, RangeResult } from './runRead';

export type LoadRequest = { id: number; kind: 'overview'; req: OverviewRequest } | { id: number; kind: 'range'; req: RangeRequest };

/** An overview as it crosses to the host: its histogram slices packed (histogramTable.ts). */
export type LoadedOverview = Omit<Overview, 'histograms'> & { histograms: HistogramTable };

export type LoadReply =
  | { id: number; ok: true; kind: 'overview'; result: LoadedOverview }
  | { id: number; ok: true; kind: 'range'; result: RangeResult }
  | { id: number; ok: false; error: string };
