// TensorBoard log directories followed live for the dashboard: polls every log directory, turns runs
// into the dashboard's RunInfo / columns / histogram slices (dashboard.ts), and tells the panel what
// changed. Node only (no vscode), so it is unit-tested; src/extension.ts wires it to the panel.
//
// Off the extension host's critical path: every file read is async, parsing yields to the event loop
// every 2,000 records (eventFile.ts) and one poll reads at most 64 MiB per file, so a large log is
// taken in slices while VS Code (which shares the extension host with every other extension) stays
// responsive. Polls never overlap; the next starts `intervalMs` after the previous ended (at once
// when a file had more bytes than one poll reads). The interval is the setting
// radam.tensorboard.pollInterval (default 1 s: a value a writer flushed shows within about 1 s).
import * as path from 'node:path';
import type { HistogramSlice, MetricColumns, RunInfo } from '../protocol/webview';
import { tensorBoardRunId } from '../shared/runId';
import { runColumns, runHistograms, tensorBoardRunInfo } from './dashboard';
import { LogdirReader, type LogRun } from './logdir';
import type { RunSeries } from './series';

export interface RunUpdate {
  runId: string;
  /** Rows to add, or (reset) the run's whole record. */
  columns: MetricColumns;
  reset: boolean;
  histograms: HistogramSlice[];
  histogramsReset: boolean;
}

/** What changed in the run list: runs added or removed (`listChanged`), and runs whose info changed. */
export interface RunsChange {
  listChanged: boolean;
  changed: RunInfo[];
}

/** radam.tensorboard.pollInterval: its default and range (package.json), in milliseconds. */
export const POLL_INTERVAL = { default: 1000, min: 250, max: 60_000 } as const;

/** A poll interval from settings: an integer in POLL_INTERVAL's range, else the default. */
export function pollIntervalMs(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return POLL_INTERVAL.default;
  return Math.min(POLL_INTERVAL.max, Math.max(POLL_INTERVAL.min, Math.round(value)));
}

export interface SourceOptions {
  /** Milliseconds from the end of one poll to the start of the next (default POLL_INTERVAL.default). */
  intervalMs?: number;
  /** A run whose last event is newer than this is shown as live (PyTorch flushes every 120 s). */
  liveWindowMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

interface Sent {
  series: RunSeries;
  resets: number;
  lastStep: number;
  /** Per scalar tag: values already sent; per histogram tag: entries already sent. */
  scalarLengths: Map<string, number>;
  histogramLengths: Map<string, number>;
}

export class TensorBoardSource {
  private readonly readers = new Map<string, LogdirReader>();
  private readonly runIndex = new Map<string, { root: string; key: string }>();
  private readonly sent = new Map<string, Sent>();
  private infos = new Map<string, RunInfo>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private running: Promise<void> | undefined;
  private readonly runsListeners: ((change: RunsChange) => void)[] = [];
  private readonly dataListeners: ((u: RunUpdate) => void)[] = [];

  private intervalMs: number;

  constructor(private readonly opts: SourceOptions = {}) {
    this.intervalMs = opts.intervalMs ?? POLL_INTERVAL.default;
  }

  get pollInterval(): number {
    return this.intervalMs;
  }

  /** Changes the poll interval; a wait already under way restarts with the new interval. */
  setPollInterval(ms: number): void {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (this.timer !== undefined && this.readers.size && !this.running) this.schedule(ms);
  }

  get roots(): string[] {
    return [...this.readers.keys()];
  }

  /** Follows exactly these log directories (absolute paths). */
  setRoots(roots: readonly string[]): void {
    const want = new Set(roots.map((r) => path.resolve(r)));
    for (const r of this.readers.keys()) if (!want.has(r)) this.readers.delete(r);
    for (const r of want) if (!this.readers.has(r)) this.readers.set(r, new LogdirReader(r));
    this.schedule(0);
  }

  addRoot(root: string): void {
    this.setRoots([...this.roots, root]);
  }

  onRunsChanged(cb: (change: RunsChange) => void): void {
    this.runsListeners.push(cb);
  }
  onData(cb: (u: RunUpdate) => void): void {
    this.dataListeners.push(cb);
  }

  list(): RunInfo[] {
    return [...this.infos.values()];
  }

  has(runId: string): boolean {
    return this.runIndex.has(runId);
  }

  /** Run ids of one log directory (for "show the runs of the folder just opened"). */
  runIdsOf(root: string): string[] {
    const r = path.resolve(root);
    return [...this.runIndex.entries()].filter(([, v]) => v.root === r).map(([id]) => id);
  }

  private lookup(runId: string): LogRun | undefined {
    const at = this.runIndex.get(runId);
    return at && this.readers.get(at.root)?.run(at.key);
  }

  /** A run's whole record (and from now on, live updates continue from it). */
  whole(runId: string): { columns: MetricColumns; histograms: HistogramSlice[] } | undefined {
    const run = this.lookup(runId);
    if (!run) return undefined;
    this.markSent(runId, run);
    return { columns: runColumns(run), histograms: runHistograms(run) };
  }

  /** Polls every log directory once now (and resolves when done). */
  async pollNow(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.pollAll().finally(() => (this.running = undefined));
    await this.running;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollNow().catch((e) => this.opts.log?.(`[tensorboard] poll failed: ${e instanceof Error ? e.message : String(e)}`));
    }, ms);
  }

  private async pollAll(): Promise<void> {
    let behind = false;
    let listChanged = false;
    const changedInfos: RunInfo[] = [];
    const now = (this.opts.now ?? Date.now)();
    const live = this.opts.liveWindowMs ?? 120_000;
    const nextIndex = new Map<string, { root: string; key: string }>();
    const nextInfos = new Map<string, RunInfo>();
    for (const [root, reader] of [...this.readers]) {
      const report = await reader.poll();
      if (!this.readers.has(root)) continue; // removed while polling
      behind ||= report.behind;
      for (const e of report.errors) this.opts.log?.(`[tensorboard] ${e}`);
      const changed = new Set(report.changed);
      for (const run of reader.runs()) {
        const id = tensorBoardRunId(root, run.key);
        nextIndex.set(id, { root, key: run.key });
        const isLive = run.series.lastWallTime !== undefined && now - run.series.lastWallTime * 1000 < live;
        const info = tensorBoardRunInfo(root, run, isLive);
        nextInfos.set(id, info);
        const prev = this.infos.get(id);
        if (!prev) listChanged = true;
        else if (prev.status !== info.status || prev.live !== info.live || prev.lastStep !== info.lastStep || prev.label !== info.label || prev.error !== info.error)
          changedInfos.push(info);
        if (changed.has(run.key) && this.sent.has(id)) this.emitUpdate(id, run);
      }
    }
    for (const id of this.infos.keys()) if (!nextInfos.has(id)) listChanged = true;
    this.runIndex.clear();
    for (const [id, v] of nextIndex) this.runIndex.set(id, v);
    for (const id of this.sent.keys()) if (!nextIndex.has(id)) this.sent.delete(id);
    this.infos = nextInfos;
    if (listChanged || changedInfos.length) for (const cb of this.runsListeners) cb({ listChanged, changed: changedInfos });
    // No log directory: no timer (setRoots starts polling again).
    if (this.readers.size) this.schedule(behind ? 0 : this.intervalMs);
  }

  private markSent(runId: string, run: LogRun): void {
    this.sent.set(runId, {
      series: run.series,
      resets: run.series.resets,
      lastStep: run.series.lastStep ?? -Infinity,
      scalarLengths: new Map([...run.series.scalars].map(([t, s]) => [t, s.length])),
      histogramLengths: new Map([...run.series.histograms].map(([t, h]) => [t, h.length])),
    });
  }

  /** What changed since the last update of this run: appended rows, or the whole run when needed. */
  private emitUpdate(runId: string, run: LogRun): void {
    const prev = this.sent.get(runId)!;
    let reset = prev.series !== run.series || prev.resets !== run.series.resets;
    // A value at a step already sent (e.g. an eval logged after later training steps) needs a reset.
    if (!reset) {
      for (const [tag, s] of run.series.scalars) {
        const from = prev.scalarLengths.get(tag) ?? 0;
        if (from < s.length && s.steps[from] <= prev.lastStep) reset = true;
      }
    }
    const update: RunUpdate = reset
      ? { runId, columns: runColumns(run), reset: true, histograms: runHistograms(run), histogramsReset: true }
      : { runId, columns: runColumns(run, prev.lastStep), reset: false, histograms: runHistograms(run, prev.histogramLengths), histogramsReset: false };
    this.markSent(runId, run);
    if (update.columns.steps.length === 0 && update.histograms.length === 0 && !reset) return;
    for (const cb of this.dataListeners) cb(update);
  }
}
