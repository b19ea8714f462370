// The dashboard's controller: host messages -> run store -> dirty views -> one render per frame.
// Holds no truth the disk does not also hold: shown runs and view options live in setState, run data
// is read back from disk (through the host) after a reload.
import type { OmitEach } from '../src/protocol/requests';
import type { HostToWebview, RunInfo, ViewRange, WebviewRequest, WebviewRequestResults, WebviewState, WebviewToHost } from '../src/protocol/webview';
import { RunStore } from './data/runStore';
import { sameRange } from './data/viewRange';
import { applyThemeDefaults } from './charts/chartjs';
import { HistogramPanel } from './charts/histogramPanel';
import { LearningRateChart } from './charts/lrChart';
import { LossChart } from './charts/lossChart';
import { RectificationChart } from './charts/rectificationChart';
import { SweepChart } from './charts/sweepChart';
import { readTheme, runColor, watchTheme, type Theme } from './charts/theme';
import type { ChartView, RunView, ViewContext } from './charts/view';
import { RunList } from './components/runList';
import { SummaryTable } from './components/summaryTable';
import { ImportedRunsPanel } from './components/importedRuns';
import { ScalarTagsPanel } from './charts/scalarTags';
import { FrameScheduler, type Renderable } from './scheduler';
import { ZoomRange } from './zoomRange';
import { assignSlots } from './state';


export interface DashboardIO {
  /** A notification: no answer. */
  post(msg: Exclude<WebviewToHost, WebviewRequest>): void;
  /** A request: resolves with the host's result, rejects with the error it replied. */
  request<M extends OmitEach<WebviewRequest, 'requestId'>>(msg: M): Promise<WebviewRequestResults[M['type']]>;
  saveState(state: WebviewState): void;
  notice(level: 'info' | 'warn' | 'error', text: string): void;
}

export class Dashboard {
  readonly store: RunStore;
  readonly runInfos = new Map<string, RunInfo>();
  readonly charts: ChartView[];
  readonly runList: RunList;
  readonly summary: SummaryTable;
  /** Scalar tags of imported runs charted on demand. */
  readonly scalarTags: ScalarTagsPanel;
  /** Loss tag, rho_t source and beta2 of the shown imported runs. */
  readonly importedRuns: ImportedRunsPanel;
  readonly scheduler: FrameScheduler;
  private theme: Theme;
  private listReceived = false;
  /** Runs whose record was asked for in this page's lifetime. */
  private readonly requested = new Set<string>();
  private runViewsCache: RunView[] | null = null;
  /** The zoom chip and the full-resolution rows of a zoomed range (./zoomRange.ts). */
  readonly zoom: ZoomRange;
  /**
   * Called whenever the shared step range changes (null: zoom reset), after the charts were told.
   * The one hook for code that follows the zoom (e.g. fetching the range at full resolution).
   */
  readonly viewRangeListeners = new Set<(range: ViewRange | null) => void>();
  private hoverStep: number | null = null;

  constructor(
    private state: WebviewState,
    private readonly io: DashboardIO,
  ) {
    this.store = new RunStore(state.smoothing);
    this.theme = readTheme();
    applyThemeDefaults(this.theme);
    const ctx: ViewContext = {
      theme: () => this.theme,
      runs: () => this.runViews(),
      state: () => this.state,
      update: (patch) => this.update(patch),
      exportPng: (chart, dataUrl) => this.ask({ type: 'exportImage', chart, dataUrl }, `Saving the ${chart} chart failed`),
      setViewRange: (range) => this.setViewRange(range),
      hover: (step) => this.setHover(step),
    };
    this.zoom = new ZoomRange({
      store: this.store,
      range: () => this.state.viewRange,
      shownRunIds: () => this.state.shownRunIds,
      request: (msg) => this.io.request(msg),
      notice: (level, text) => this.io.notice(level, text),
      redraw: () => this.scheduler.markDirty(this.charts, true),
      reset: () => this.setViewRange(null),
    });
    this.charts = [new LossChart(ctx), new RectificationChart(ctx), new LearningRateChart(ctx), new HistogramPanel(ctx), new SweepChart(ctx)];
    this.runList = new RunList(() => ({
      runs: [...this.runInfos.values()],
      shown: new Set(this.state.shownRunIds),
      colorOf: (id) => (this.state.shownRunIds.includes(id) ? runColor(this.theme, this.state.colors[id] ?? 0) : null),
      onToggle: (id, show) => this.toggleRun(id, show),
      onToggleMany: (ids, show) => this.setShown(show ? [...this.state.shownRunIds, ...ids] : this.state.shownRunIds.filter((id) => !ids.includes(id))),
      // One run: the message the host has always taken; several: one message, one confirmation.
      onDelete: (ids) => this.ask(ids.length === 1 ? { type: 'deleteRun', runId: ids[0] } : { type: 'deleteRuns', runIds: ids }, 'Delete failed'),
      onRefresh: () => this.ask({ type: 'refreshRuns' }, 'Refreshing the run list failed'),
    }));
    this.summary = new SummaryTable(() => ({
      runs: this.runViews(),
      target: this.state.lossTarget,
      setTarget: (v) => this.update({ lossTarget: v }),
    }));
    this.scalarTags = new ScalarTagsPanel(ctx);
    this.importedRuns = new ImportedRunsPanel(() => ({
      runs: this.runViews(),
      chooseLossTag: (runId, tag) => this.io.post({ type: 'chooseLossTag', runId, tag }),
      setBeta2: (runId, beta2) => this.io.post({ type: 'setRunBeta2', runId, beta2 }),
      notice: (level, text) => this.io.notice(level, text),
    }));
    this.scheduler = new FrameScheduler(
      () => this.renderables(),
      (e) => this.io.post({ type: 'log', level: 'error', text: `render failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}` }),
    );
    watchTheme(() => {
      this.theme = readTheme();
      applyThemeDefaults(this.theme);
      this.runViewsCache = null;
      for (const c of this.charts) c.themeChanged();
      this.scalarTags.themeChanged();
      this.scheduler.markDirty();
    });
  }

  renderables(): Renderable[] {
    return [...this.charts, this.scalarTags, this.runList, this.summary, this.importedRuns];
  }

  get currentState(): Readonly<WebviewState> {
    return this.state;
  }

  /** Shown runs as the charts see them (cached until runs, colours or labels change). */
  runViews(): RunView[] {
    if (!this.runViewsCache) {
      this.runViewsCache = this.state.shownRunIds.map((id) => {
        const info = this.runInfos.get(id);
        const slot = this.state.colors[id] ?? 0;
        return { id, label: info?.label ?? id, slot, color: runColor(this.theme, slot), info, data: this.store.get(id) };
      });
    }
    return this.runViewsCache;
  }

  /** Sends a request whose result needs no handling here; shows its error if it fails. */
  ask(msg: OmitEach<WebviewRequest, 'requestId'>, failure: string): void {
    this.io.request(msg).catch((e: unknown) => this.io.notice('error', `${failure}: ${e instanceof Error ? e.message : String(e)}`));
  }

  handle(msg: Exclude<HostToWebview, { type: 'reply' }>): void {
    switch (msg.type) {
      case 'runList': {
        this.runInfos.clear();
        for (const r of msg.runs) this.runInfos.set(r.id, r);
        // Runs that are gone from disk (deleted) leave the view.
        const keep = this.state.shownRunIds.filter((id) => this.runInfos.has(id));
        if (keep.length !== this.state.shownRunIds.length) this.setShown(keep);
        if (!this.listReceived) {
          this.listReceived = true;
          // Before the runs' records: the host sends the charted tags' points with each record.
          this.io.post({ type: 'watchScalarTags', tags: this.state.scalarTags ?? [] });
          this.requestMissing();
          this.io.post({ type: 'shownRuns', runIds: this.state.shownRunIds });
        }
        this.invalidateRuns();
        break;
      }
      case 'runStatus':
        this.runInfos.set(msg.run.id, msg.run);
        this.invalidateRuns();
        break;
      case 'showRuns': {
        const ids = msg.replace ? [...msg.runIds] : [...this.state.shownRunIds, ...msg.runIds.filter((id) => !this.state.shownRunIds.includes(id))];
        this.setShown(ids);
        break;
      }
      case 'metricColumns': {
        if (!this.state.shownRunIds.includes(msg.runId)) return;
        if (!this.store.get(msg.runId)) this.runViewsCache = null;
        this.store.ingestColumns(msg.runId, msg.columns, msg.reset);
        // A long run's record comes as min/max buckets: zoomed ranges are then read from disk.
        const run = this.store.get(msg.runId);
        if (run && msg.reset) run.partial = !!msg.partial;
        this.scheduler.markDirty(this.charts.filter((c) => c.name !== 'histograms' && c.name !== 'sweep'));
        this.scheduler.markDirty([this.summary]);
        break;
      }
      case 'histograms': {
        if (!this.state.shownRunIds.includes(msg.runId)) return;
        if (!this.store.get(msg.runId)) this.runViewsCache = null;
        this.store.ingestHistograms(msg.runId, msg.rows, msg.reset);
        this.scheduler.markDirty(this.charts.filter((c) => c.name === 'histograms'));
        break;
      }
      case 'scalarSeries': {
        if (!this.state.shownRunIds.includes(msg.runId) || !(this.state.scalarTags ?? []).includes(msg.tag)) return;
        if (!this.store.get(msg.runId)) this.runViewsCache = null;
        this.store.ingestScalar(msg.runId, msg.tag, msg.steps, msg.values, msg.reset);
        this.scheduler.markDirty([this.scalarTags]);
        break;
      }
      case 'sweep':
        this.update({ sweep: msg.sweep });
        break;
      case 'notice':
        this.io.notice(msg.level, msg.text);
        break;
      case 'backend':
        break; // shown by main.ts
    }
    // A run's record arrived while zoomed (e.g. after a window reload): it may need the range from disk.
    if ((msg.type === 'metricColumns' && msg.reset) || msg.type === 'showRuns') this.zoom.requestRange();
  }

  get viewRange(): ViewRange | null {
    return this.state.viewRange;
  }

  /** Zooms every step-axis chart to `range` (null: all steps); kept with setState. */
  setViewRange(range: ViewRange | null): void {
    if (sameRange(range, this.state.viewRange)) return;
    this.state = { ...this.state, viewRange: range };
    this.io.saveState(this.state);
    if (!range) for (const run of this.store.runs.values()) run.detail = null;
    this.scheduler.markDirty(this.charts, true);
    this.onViewRangeChange(range);
  }

  /** The one event for "the step range changed": listeners first, then whatever the store lacks is asked for. */
  onViewRangeChange(range: ViewRange | null): void {
    for (const l of this.viewRangeListeners) l(range);
    this.zoom.update();
  }

  /** The shared hover step: each step-axis chart draws its crosshair and values there. */
  setHover(step: number | null): void {
    if (step === this.hoverStep) return;
    this.hoverStep = step;
    for (const c of this.charts) c.showHover?.(step);
  }

  toggleRun(id: string, show: boolean): void {
    const ids = this.state.shownRunIds.filter((r) => r !== id);
    if (show) ids.push(id);
    this.setShown(ids);
  }

  /** Changes the shown runs: assigns colours, drops hidden runs' data, asks for new runs' data. */
  setShown(ids: string[]): void {
    const unique = [...new Set(ids)];
    const colors = assignSlots(unique, this.state.colors);
    for (const id of this.state.shownRunIds) {
      if (!unique.includes(id)) {
        this.store.drop(id);
        this.requested.delete(id);
        this.zoom.forget(id);
      }
    }
    this.state = { ...this.state, shownRunIds: unique, colors };
    this.io.saveState(this.state);
    this.io.post({ type: 'shownRuns', runIds: unique });
    if (this.listReceived) this.requestMissing();
    this.invalidateRuns();
  }

  private requestMissing(): void {
    const want = this.state.shownRunIds.filter((id) => !this.requested.has(id));
    if (!want.length) return;
    for (const id of want) this.requested.add(id);
    this.io.request({ type: 'requestRunData', runIds: want }).then(
      ({ failed }) => {
        for (const f of failed) this.io.notice('warn', `Run ${f.runId}: ${f.error}`);
      },
      (e: unknown) => this.io.notice('error', `Reading the runs' data failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  update(patch: Partial<WebviewState>): void {
    const prev = this.state;
    this.state = { ...this.state, ...patch };
    if (patch.smoothing !== undefined && patch.smoothing !== prev.smoothing) {
      // The store drops zoomed details (their smoothing continued the old average): ask again.
      this.store.setSmoothing(patch.smoothing);
      this.zoom.askAgain();
    }
    if (patch.shownRunIds) {
      this.state = prev;
      this.setShown(patch.shownRunIds);
      return;
    }
    this.io.saveState(this.state);
    if (patch.scalarTags && JSON.stringify(patch.scalarTags) !== JSON.stringify(prev.scalarTags ?? [])) {
      const keep = new Set(patch.scalarTags);
      for (const run of this.store.runs.values()) run.dropScalars(keep);
      this.io.post({ type: 'watchScalarTags', tags: [...patch.scalarTags] });
    }
    this.scheduler.markDirty(undefined, true);
  }

  private invalidateRuns(): void {
    this.runViewsCache = null;
    this.scheduler.markDirty(undefined, true);
  }
}
