// Batching of per-step records: written to the run files and sent to the listener (the extension host,
// the CLI's progress bar) together, at most once per `intervalMs` however fast the steps are. Records are
// moved from the buffer to disk exactly once: a write that fails is not retried (the run fails, see
// engine.ts) and its partners are not affected; `flush()` at the end writes the rest.
//
// Why not write each line as it comes: one write() per step is cheap, but batching keeps the step free of
// I/O and costs at most one interval of data (50 ms by default) if the trainer itself is killed; a dead
// extension host costs nothing, since the trainer writes the files.
import type { RunMetricsBatch } from '../protocol/trainer';
import type { HistogramRecord, MetricRecord } from '../runs/format';

export type { RunMetricsBatch };

export interface RecordSink {
  appendMetrics(records: readonly MetricRecord[]): void;
  appendHistograms(records: readonly HistogramRecord[]): void;
}

/** A run whose records could not all be written: the stream has dropped it (nothing stays buffered). */
export interface StreamFault {
  runId: string;
  error: unknown;
  /** The metric records of the failed flush that did reach the disk, whole. */
  metricsKept: MetricRecord[];
}

interface Pending extends RunMetricsBatch {
  sink: RecordSink;
}

export class MetricsStream {
  private readonly runs = new Map<string, Pending>();
  private lastFlush: number;
  /** Messages sent so far (for tests and the bench). */
  flushes = 0;

  constructor(
    private readonly send: (batches: RunMetricsBatch[]) => void,
    readonly intervalMs = 50,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastFlush = now();
  }

  register(runId: string, sink: RecordSink): void {
    this.runs.set(runId, { runId, sink, metrics: [], histograms: [] });
  }

  /** Stops accepting records for a run (it ended, or its files failed). */
  unregister(runId: string): void {
    this.runs.delete(runId);
  }

  pushMetric(runId: string, record: MetricRecord): void {
    this.runs.get(runId)?.metrics.push(record);
  }

  pushHistogram(runId: string, record: HistogramRecord): void {
    this.runs.get(runId)?.histograms.push(record);
  }

  /** Flushes if the interval has passed since the last flush; returns the runs whose writes failed. */
  maybeFlush(): StreamFault[] {
    if (this.now() - this.lastFlush < this.intervalMs) return [];
    return this.flush();
  }

  /**
   * Writes every buffered record (of `only`, or of every run) to its run's files, then sends what is on
   * disk in one message (if any). Never throws for a run's write error: that run is dropped from the
   * stream and returned as a fault, its partners are written and sent as usual.
   */
  flush(only?: string): StreamFault[] {
    if (only === undefined) this.lastFlush = this.now();
    const out: RunMetricsBatch[] = [];
    const faults: StreamFault[] = [];
    for (const p of this.runs.values()) {
      if (only !== undefined && p.runId !== only) continue;
      if (p.metrics.length === 0 && p.histograms.length === 0) continue;
      const { metrics, histograms } = p;
      p.metrics = [];
      p.histograms = [];
      let stage: 'metrics' | 'histograms' = 'metrics';
      try {
        p.sink.appendMetrics(metrics);
        stage = 'histograms';
        p.sink.appendHistograms(histograms);
        out.push({ runId: p.runId, metrics, histograms });
      } catch (error) {
        const kept = (error as { kept?: number }).kept ?? 0;
        const metricsKept = stage === 'metrics' ? metrics.slice(0, kept) : metrics;
        const histogramsKept = stage === 'histograms' ? histograms.slice(0, kept) : [];
        if (metricsKept.length || histogramsKept.length) out.push({ runId: p.runId, metrics: metricsKept, histograms: histogramsKept });
        faults.push({ runId: p.runId, error, metricsKept });
        this.runs.delete(p.runId);
      }
    }
    if (out.length) {
      this.flushes++;
      this.send(out);
    }
    return faults;
  }
}
