// Live rows that arrive while a run's record is being read from disk. They cannot be posted yet (the
// record, sent with `reset`, would replace them), so they wait here and follow the record. Bounded: a
// run that streams more than MAX_HELD_ROWS rows during one read gives its held rows up and is marked
// stale, and its record is read again (everything it gave up is on disk by then).
import type { HistogramSlice, MetricRow } from '../protocol/webview';

export const MAX_HELD_ROWS = 200_000;

export interface Held {
  metrics: MetricRow[];
  histograms: HistogramSlice[];
  /** Rows were given up: read the record again instead of appending these. */
  stale: boolean;
}

export class LiveBuffer {
  private readonly held = new Map<string, Held>();

  constructor(private readonly maxRows = MAX_HELD_ROWS) {}

  /** A read of `runId`'s record starts: live rows are held from now on. Returns the read's token. */
  begin(runId: string): Held {
    const h: Held = { metrics: [], histograms: [], stale: false };
    this.held.set(runId, h);
    return h;
  }

  /** Holds the rows if `runId`'s record is being read; false when they should be posted now. */
  holdMetrics(runId: string, rows: readonly MetricRow[]): boolean {
    const h = this.held.get(runId);
    if (!h) return false;
    if (!h.stale) {
      if (h.metrics.length + rows.length > this.maxRows) this.giveUp(h);
      else for (const r of rows) h.metrics.push(r);
    }
    return true;
  }

  holdHistograms(runId: string, slices: readonly HistogramSlice[]): boolean {
    const h = this.held.get(runId);
    if (!h) return false;
    if (!h.stale) {
      if (h.histograms.length + slices.length > this.maxRows) this.giveUp(h);
      else for (const s of slices) h.histograms.push(s);
    }
    return true;
  }

  /** The read with this token ended: what was held for it (undefined if a newer read took over). */
  end(runId: string, token: Held): Held | undefined {
    if (this.held.get(runId) !== token) return undefined;
    this.held.delete(runId);
    return token;
  }

  /** The webview (re)started: nothing held is wanted any more. */
  clear(): void {
    this.held.clear();
  }

  private giveUp(h: Held): void {
    h.stale = true;
    h.metrics = [];
    h.histograms = [];
  }
}
