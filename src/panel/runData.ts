// Run data for the dashboard webview: a run's record from disk (read and downsampled by the run-loading
// worker, runLoader.ts), live batches from the trainer (held in a LiveBuffer while the record is being
// read), TensorBoard runs' records, and full-resolution step ranges for zoom. The panel (dashboardPanel.ts)
// owns the webview and decides which runs are shown; this module owns what is sent for them.
import type { HistogramRecord, MetricRecord } from '../runs';
import { printable } from '../runs';
import {
  toMetricColumns,
  type HistogramSlice,
  type HostToWebview,
  type RangeColumns,
  type RunInfo,
} from '../protocol/webview';
import { OVERVIEW_HISTOGRAMS, OVERVIEW_POINTS } from './minMaxBuckets';
import { histogramTableLength, slicesOf, type HistogramTable } from './histogramTable';
import { LiveBuffer } from './liveBuffer';
import { pickRangeOfColumns } from './rangeRead';
import type { RunLoader } from './runLoader';
import { toHistogramSlices, toMetricRows } from './runAdapter';
import type { ExternalRuns, ExternalUpdate } from './externalRuns';
import { scalarMessages } from './importedRuns';

/** Histogram slices per message. */
const CHUNK_SLICES = 500;
/**
 * Histogram slices per message of a whole record (read from disk, or an imported run's), the host's event
 * loop given back between two: the extension host serializes each posted message on its thread (JSON, every
 * count a number), and a run's 1,000 slices unpacked and posted as two messages of 500 held the host's
 * thread 15-22 ms at once (the dashboard bench's host, docs/dashboard-bench.md).
 */
export const RECORD_SLICES_PER_POST = 100;

/** Lets timers and I/O run (an extension host's other work) before going on. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A run announced live may not be on disk for a moment: tries, RETRY_MS apart. */
const RETRIES = 20;
const RETRY_MS = 250;

export interface RunDataDeps {
  post: (msg: HostToWebview) => Thenable<boolean> | Promise<boolean>;
  log: (line: string) => void;
  loader: RunLoader;
  /** What the dashboard knows of a run (live, label, last step). */
  info: (id: string) => RunInfo | undefined;
  /** The folder of a run listed on disk, or undefined (then nothing is read). */
  runDir: (id: string, action: string, quiet?: boolean) => string | undefined;
  /** Live data is forwarded for this run (shown, and the webview ready). */
  forwarded: (id: string) => boolean;
  external?: ExternalRuns;
}

export class RunData {
  private readonly live = new LiveBuffer();
  /** Imported runs whose record is being built: their live updates, held until it is posted. */
  private readonly externalHeld = new Map<string, ExternalUpdate[]>();

  constructor(private readonly deps: RunDataDeps) {}

  /** The webview (re)started: rows held for it are dropped (it will ask for the records again). */
  reset(): void {
    this.live.clear();
  }

  dispose(): void {
    this.deps.loader.dispose();
  }

  pushMetrics(runId: string, rows: readonly MetricRecord[]): void {
    if (!rows.length || !this.deps.forwarded(runId)) return;
    const wire = toMetricRows(rows);
    // As columns: typed arrays cross to the webview as binary and cost it no per-row objects.
    if (!this.live.holdMetrics(runId, wire)) void this.deps.post({ type: 'metricColumns', runId, columns: toMetricColumns(wire) });
  }

  pushHistograms(runId: string, rows: readonly HistogramRecord[]): void {
    if (!rows.length || !this.deps.forwarded(runId)) return;
    const wire = toHistogramSlices(rows);
    if (!this.live.holdHistograms(runId, wire)) void this.deps.post({ type: 'histograms', runId, rows: wire });
  }

  pushExternal(u: ExternalUpdate): void {
    if (!this.deps.forwarded(u.runId)) return;
    const held = this.externalHeld.get(u.runId);
    if (held) held.push(u);
    else this.postExternal(u);
  }

  private postExternal(u: ExternalUpdate): void {
    if (u.columns.steps.length || u.reset) void this.deps.post({ type: 'metricColumns', runId: u.runId, columns: u.columns, reset: u.reset });
    void this.postHistograms(u.runId, u.histograms, u.histogramsReset);
    for (const m of scalarMessages(u.runId, u.scalars)) void this.deps.post(m);
  }

  /**
   * A run's record, downsampled (OVERVIEW_POINTS rows, OVERVIEW_HISTOGRAMS histograms), then what streamed
   * meanwhile. Throws when the run cannot be read (the request's reply names it).
   */
  async send(id: string, attempt = 0): Promise<void> {
    if (this.deps.external?.has(id)) return this.sendExternal(id);
    const info = this.deps.info(id);
    const dir = this.deps.runDir(id, 'read', info?.live);
    if (!dir) {
      // A run announced live may not be on disk for a moment: try again shortly.
      if (!info?.live || attempt >= RETRIES) throw new Error('no such run on disk');
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      return this.send(id, attempt + 1);
    }
    const token = this.live.begin(id);
    let held;
    try {
      const o = await this.deps.loader.overview({
        dir,
        maxPoints: OVERVIEW_POINTS,
        maxHistograms: OVERVIEW_HISTOGRAMS,
        live: info?.live,
        // An ended run's binary files must reach its last step, else its JSON lines are read.
        minLastStep: info && !info.live ? info.lastStep : undefined,
      });
      if (o.skipped) {
        const label = printable(info?.label ?? id, 120);
        this.deps.log(`[dashboard] ${id}: skipped ${o.skipped} unreadable line(s) of its metric files`);
        const n = o.skipped;
        await this.deps.post({ type: 'notice', level: 'warn', text: `${label}: ${n} line${n > 1 ? 's' : ''} of its files could not be read and ${n > 1 ? 'were' : 'was'} skipped.` });
      }
      // partial: the webview then reads a zoomed range from disk (requestRange) instead of these buckets.
      await this.deps.post({ type: 'metricColumns', runId: id, columns: o.columns, reset: true, partial: o.columns.steps.length < o.totalRows });
      await this.postHistogramTable(id, o.histograms);
    } finally {
      held = this.live.end(id, token);
    }
    if (held?.stale) return this.send(id);
    // Both posted before awaiting either: a live batch arriving between them would be posted at once, ahead
    // of the held rows, and the webview (which keeps only steps past its last) would drop the held ones.
    const posts: Array<Thenable<boolean> | Promise<boolean>> = [];
    if (held?.metrics.length) posts.push(this.deps.post({ type: 'metricColumns', runId: id, columns: toMetricColumns(held.metrics) }));
    if (held?.histograms.length) posts.push(this.deps.post({ type: 'histograms', runId: id, rows: held.histograms }));
    await Promise.all(posts);
  }

  /**
   * The reply to a webview's `requestRange` (zoom): one entry per run, in the order asked. Disk runs are
   * read by the worker (only the range of metrics.f64); more rows than maxPoints come as min/max buckets,
   * reported as the stride rows-on-disk / rows-sent. TensorBoard runs are picked from memory.
   */
  async range(runIds: readonly string[], fromStep: number, toStep: number, maxPoints: number): Promise<RangeColumns[]> {
    const out: RangeColumns[] = [];
    for (const runId of runIds) {
      const entry = { runId, fromStep, toStep };
      try {
        const columns = this.deps.external?.has(runId) ? await this.deps.external.columns(runId) : undefined;
        if (columns) {
          const r = pickRangeOfColumns(columns, fromStep, toStep, maxPoints);
          out.push({ ...entry, stride: r.stride, columns: r.columns });
          continue;
        }
        const info = this.deps.info(runId);
        const dir = this.deps.runDir(runId, 'read', true);
        if (!dir) {
          out.push({ ...entry, stride: 1, columns: toMetricColumns([]), error: 'no such run' });
          continue;
        }
        const r = await this.deps.loader.range({ dir, fromStep, toStep, maxPoints, minLastStep: info && !info.live ? info.lastStep : undefined });
        const sent = r.columns.steps.length;
        out.push({ ...entry, stride: sent && r.totalRows > sent ? Math.ceil(r.totalRows / sent) : 1, columns: r.columns });
      } catch (e) {
        out.push({ ...entry, stride: 1, columns: toMetricColumns([]), error: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }

  /**
   * An imported run's record. It is built in time slices; live updates the source reads meanwhile are held
   * and follow it, in order (as a disk run's live batches do).
   */
  private async sendExternal(id: string): Promise<void> {
    const held: ExternalUpdate[] = [];
    this.externalHeld.set(id, held);
    try {
      const whole = await this.deps.external?.whole(id);
      if (!whole) throw new Error('no such TensorBoard run');
      // The run's live updates are held until the finally below, so none lands between these messages.
      void this.deps.post({ type: 'metricColumns', runId: id, columns: whole.columns, reset: true });
      const slices = whole.histograms;
      // Posted (not awaited to be delivered, as the messages around them): the event loop runs between two.
      void Promise.all(await this.postSlicesYielding(id, slices.length, (from, to) => slices.slice(from, to)));
      for (const m of scalarMessages(id, whole.scalars)) void this.deps.post(m);
    } finally {
      if (this.externalHeld.get(id) === held) this.externalHeld.delete(id);
      for (const u of held) this.postExternal(u);
    }
  }

  /**
   * A record's histogram slices (packed by the worker), RECORD_SLICES_PER_POST per message, the first
   * with `reset` (one empty message when there are none). Each message's objects are made just before it
   * is posted, and the event loop runs between two posts. The run's live rows are held meanwhile (send's
   * LiveBuffer read), so no live batch of this run overtakes them.
   */
  private async postHistogramTable(runId: string, t: HistogramTable): Promise<void> {
    const edges: number[][] = [];
    await Promise.all(await this.postSlicesYielding(runId, histogramTableLength(t), (from, to) => slicesOf(t, from, to, edges)));
  }

  /**
   * A whole record's `n` histogram slices (`rows(from, to)` makes them) as postHistogramTable says.
   * Resolves once the last is posted, with the posts' own promises (delivered).
   */
  private async postSlicesYielding(runId: string, n: number, rows: (from: number, to: number) => HistogramSlice[]): Promise<Array<Thenable<boolean> | Promise<boolean>>> {
    const posts: Array<Thenable<boolean> | Promise<boolean>> = [];
    for (let i = 0; i < n || i === 0; i += RECORD_SLICES_PER_POST) {
      if (i > 0) await yieldToEventLoop();
      posts.push(this.deps.post({ type: 'histograms', runId, rows: rows(i, i + RECORD_SLICES_PER_POST), reset: i === 0 }));
    }
    return posts;
  }

  /** A live update's histogram slices in chunks of CHUNK_SLICES; with `reset`, at least one (empty) message. */
  private postHistograms(runId: string, slices: readonly HistogramSlice[], reset: boolean): Promise<unknown> {
    const posts: Array<Thenable<boolean> | Promise<boolean>> = [];
    for (let i = 0; i < slices.length || (i === 0 && reset); i += CHUNK_SLICES) {
      posts.push(this.deps.post({ type: 'histograms', runId, rows: slices.slice(i, i + CHUNK_SLICES), reset: reset && i === 0 }));
    }
    return Promise.all(posts);
  }
}
