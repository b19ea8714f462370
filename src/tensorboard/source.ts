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
import { scalarUpdates, sentState, updateSince, type RunUpdate, type ScalarUpdate, type Sent } from './runUpdates';
import { tensorBoardRunId } from '../shared/runId';
import { tensorBoardRunInfo, type RunChoices } from './dashboard';
import { runHistograms, runHistogramsSliced } from './histogramSlices';
import { runColumnsSliced } from './runColumns';
import { importedRunExport, type ImportedRunExport } from './exportRun';
import { LogdirReader, type LogRun } from './logdir';
import { RunChoicesStore, runChoiceKey } from './runChoices';

export type { RunUpdate, ScalarUpdate } from './runUpdates';

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
  /** The user's loss tag and beta2 per run (default: kept in memory only). */
  choices?: RunChoicesStore;
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
  private readonly choices: RunChoicesStore;
  /** Scalar tags the dashboard charts on demand (sent for every run that has them). */
  private watched: string[] = [];

  constructor(private readonly opts: SourceOptions = {}) {
    this.intervalMs = opts.intervalMs ?? POLL_INTERVAL.default;
    this.choices = opts.choices ?? new RunChoicesStore();
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

  /**
   * A run's whole record (and from now on, live updates continue from it), built in time slices
   * (./timeSlices.ts): a long run's record took 0.5-1.3 s of CPU in one piece on the extension host. It is
   * the run as it was when asked; updates a poll reads meanwhile go to the data listeners, from there on.
   */
  async whole(runId: string): Promise<{ columns: MetricColumns; histograms: HistogramSlice[]; scalars: ScalarUpdate[] } | undefined> {
    for (;;) {
      const run = this.lookup(runId);
      if (!run) return undefined;
      const { series, resets } = { series: run.series, resets: run.series.resets };
      // Marked and started in one turn of the event loop: the builds take the series' lengths now.
      this.markSent(runId, run);
      const scalars = scalarUpdates(run, this.watched);
      const [columns, histograms] = await Promise.all([runColumnsSliced(run, -Infinity, this.choicesOf(runId)), runHistogramsSliced(run)]);
      // A restart (preemption) dropped values the build may have read: built again.
      if (run.series === series && series.resets === resets) return { columns, histograms, scalars };
    }
  }

  /** A run's metric columns (for a zoomed range), built in time slices like whole(); nothing is marked sent. */
  async columns(runId: string): Promise<MetricColumns | undefined> {
    for (;;) {
      const run = this.lookup(runId);
      if (!run) return undefined;
      const { series, resets } = { series: run.series, resets: run.series.resets };
      const columns = await runColumnsSliced(run, -Infinity, this.choicesOf(runId));
      if (run.series === series && series.resets === resets) return columns;
    }
  }

  /** The run as the dashboard's exports write it (undefined: no such run). */
  exportRun(runId: string): ImportedRunExport | undefined {
    const at = this.runIndex.get(runId);
    const run = this.lookup(runId);
    const info = this.infos.get(runId);
    return at && run && info ? importedRunExport(at.root, run, this.choicesOf(runId), info) : undefined;
  }

  /** The user's choices for a run (empty for an unknown run). */
  choicesOf(runId: string): RunChoices {
    const at = this.runIndex.get(runId);
    const run = this.lookup(runId);
    return at && run ? this.choices.get(runChoiceKey(at.root, run)) : {};
  }

  /**
   * Sets (or with null clears) the run's loss tag or beta2, keeps it, and applies it at once: the run's
   * info goes to the run-list listeners and, if the run's record was sent, the whole record again.
   */
  async choose(runId: string, patch: { lossTag?: string | null; beta2?: number | null }): Promise<RunInfo> {
    const at = this.runIndex.get(runId);
    const run = this.lookup(runId);
    if (!at || !run) throw new Error(`no such TensorBoard run: ${runId}`);
    if (typeof patch.lossTag === 'string' && !run.series.scalars.has(patch.lossTag)) throw new Error(`the run has no scalar tag '${patch.lossTag}'`);
    const choices = await this.choices.set(runChoiceKey(at.root, run), patch);
    const prev = this.infos.get(runId);
    const info = tensorBoardRunInfo(at.root, run, prev?.live ?? false, choices);
    this.infos.set(runId, info);
    for (const cb of this.runsListeners) cb({ listChanged: false, changed: [info] });
    const sent = this.sent.get(runId);
    if (sent) {
      // The columns again, whole; histograms and watched tags only past what was sent (a poll may have
      // read more while the choice was saved).
      const replaced = sent.series !== run.series || sent.resets !== run.series.resets;
      const update: RunUpdate = {
        runId,
        columns: await runColumnsSliced(run, -Infinity, choices),
        reset: true,
        histograms: runHistograms(run, replaced ? undefined : sent.histogramLengths),
        histogramsReset: replaced,
        scalars: scalarUpdates(run, this.watched, replaced ? undefined : sent.scalarLengths),
      };
      this.markSent(runId, run);
      for (const cb of this.dataListeners) cb(update);
    }
    return info;
  }

  /** The scalar tags charted on demand; returns them as sent (deduplicated, in order). */
  setWatchedTags(tags: readonly string[]): string[] {
    this.watched = [...new Set(tags)];
    return [...this.watched];
  }

  get watchedTags(): string[] {
    return [...this.watched];
  }

  /** Every point of the watched tags the run has (for a tag just added to the charts). */
  scalarSeries(runId: string, tags: readonly string[] = this.watched): ScalarUpdate[] {
    const run = this.lookup(runId);
    return run ? scalarUpdates(run, tags) : [];
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
        const info = tensorBoardRunInfo(root, run, isLive, this.choices.get(runChoiceKey(root, run)));
        nextInfos.set(id, info);
        const prev = this.infos.get(id);
        if (!prev) listChanged = true;
        else if (
          prev.status !== info.status ||
          prev.live !== info.live ||
          prev.lastStep !== info.lastStep ||
          prev.label !== info.label ||
          prev.error !== info.error ||
          JSON.stringify(prev.imported) !== JSON.stringify(info.imported)
        )
          changedInfos.push(info);
        if (changed.has(run.key) && this.sent.has(id)) await this.emitUpdate(id, run);
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

  /** What changed since the last update of this run, to the data listeners. */
  private async emitUpdate(runId: string, run: LogRun): Promise<void> {
    const prev = this.sent.get(runId)!;
    const update = await updateSince(runId, run, prev, this.choicesOf(runId), this.watched);
    this.markSent(runId, run);
    if (update) for (const cb of this.dataListeners) cb(update);
  }

  private markSent(runId: string, run: LogRun): void {
    this.sent.set(runId, sentState(run));
  }
}
