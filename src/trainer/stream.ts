// Batching of per-step records: written to the run files and sent to the listener (the extension host,
// the CLI's progress bar) together, at most once per `intervalMs` however fast the steps are. Records are
// only ever moved from the buffer to disk, never dropped; `flush()` at the end writes the rest.
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

  pushMetric(runId: string, record: MetricRecord): void {
    this.runs.get(runId)?.metrics.push(record);
  }

  pushHistogram(runId: string, record: HistogramRecord): void {
    this.runs.get(runId)?.histograms.push(record);
  }

  /** Flushes if the interval has passed since the last flush. */
  maybeFlush(): boolean {
    if (this.now() - this.lastFlush < this.intervalMs) return false;
    this.flush();
    return true;
  }

  /** Writes every buffered record to its run's files, then sends them in one message (if any). */
  flush(): void {
    this.lastFlush = this.now();
    const out: RunMetricsBatch[] = [];
    for (const p of this.runs.values()) {
      if (p.metrics.length === 0 && p.histograms.length === 0) continue;
      p.sink.appendMetrics(p.metrics);
      p.sink.appendHistograms(p.histograms);
      out.push({ runId: p.runId, metrics: p.metrics, histograms: p.histograms });
      p.metrics = [];
      p.histograms = [];
    }
    if (out.length) {
      this.flushes++;
      this.send(out);
    }
  }
}
