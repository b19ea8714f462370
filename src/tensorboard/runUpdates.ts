// What the dashboard is sent for a TensorBoard run (./source.ts polls the log directories): the record
// of what went out per run (Sent), and from it the next update -- the rows, histograms and watched
// scalar tags past it, or the whole run again when values already sent changed (a restart, or a value
// logged at an earlier step). Whole runs are built in time slices (./timeSlices.ts).
import type { HistogramSlice, MetricColumns } from '../protocol/webview';
import { scalarColumn, type RunChoices } from './dashboard';
import { runHistograms, runHistogramsSliced } from './histogramSlices';
import type { LogRun } from './logdir';
import { runColumns, runColumnsSliced } from './runColumns';
import type { WriterSeries } from './series';

/** Points of one scalar tag charted on demand: appended, or (reset) all of them. */
export interface ScalarUpdate {
  tag: string;
  steps: Float64Array;
  values: Float64Array;
  reset: boolean;
}

export interface RunUpdate {
  runId: string;
  /** Rows to add, or (reset) the run's whole record. */
  columns: MetricColumns;
  reset: boolean;
  histograms: HistogramSlice[];
  histogramsReset: boolean;
  /** The watched scalar tags this run has (setWatchedTags). */
  scalars: ScalarUpdate[];
}

export interface Sent {
  series: WriterSeries;
  resets: number;
  lastStep: number;
  /** Per scalar tag: values already sent; per histogram tag: entries already sent. */
  scalarLengths: Map<string, number>;
  histogramLengths: Map<string, number>;
}

/** What has been sent of `run` once it is sent as it is now. */
export function sentState(run: LogRun): Sent {
  return {
    series: run.series,
    resets: run.series.resets,
    lastStep: run.series.lastStep ?? -Infinity,
    scalarLengths: new Map([...run.series.scalars].map(([t, s]) => [t, s.length])),
    histogramLengths: new Map([...run.series.histograms].map(([t, h]) => [t, h.length])),
  };
}

/** Watched tags of a run: all points, or those past what `sent` says was sent. */
export function scalarUpdates(run: LogRun, tags: readonly string[], sent?: ReadonlyMap<string, number>): ScalarUpdate[] {
  const out: ScalarUpdate[] = [];
  for (const tag of tags) {
    const from = sent?.get(tag) ?? 0;
    const col = scalarColumn(run, tag, from);
    if (col && (col.steps.length || !sent)) out.push({ tag, steps: col.steps, values: col.values, reset: !sent });
  }
  return out;
}

/**
 * What changed since `prev` was sent: appended rows, or the whole run when needed (built in time slices;
 * the caller must keep the run from changing meanwhile: polls never overlap). null: nothing new.
 */
export async function updateSince(runId: string, run: LogRun, prev: Sent, choices: RunChoices, tags: readonly string[]): Promise<RunUpdate | null> {
  let reset = prev.series !== run.series || prev.resets !== run.series.resets;
  // A value at a step already sent (e.g. an eval logged after later training steps) needs a reset.
  if (!reset) {
    for (const [tag, s] of run.series.scalars) {
      const from = prev.scalarLengths.get(tag) ?? 0;
      if (from < s.length && s.steps[from] <= prev.lastStep) reset = true;
    }
  }
  const update: RunUpdate = reset
    ? { runId, columns: await runColumnsSliced(run, -Infinity, choices), reset: true, histograms: await runHistogramsSliced(run), histogramsReset: true, scalars: scalarUpdates(run, tags) }
    : {
        runId,
        columns: runColumns(run, prev.lastStep, choices),
        reset: false,
        histograms: runHistograms(run, prev.histogramLengths),
        histogramsReset: false,
        scalars: scalarUpdates(run, tags, prev.scalarLengths),
      };
  if (update.columns.steps.length === 0 && update.histograms.length === 0 && update.scalars.length === 0 && !reset) return null;
  return update;
}
