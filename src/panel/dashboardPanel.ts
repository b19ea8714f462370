// The "RAdam Dashboard" webview panel: one per window, revived after a reload by the serializer
// registered in extension.ts (activation event onWebviewPanel:radamLab.dashboard).
//
// ── Host-side API (for src/commands/) ───────────────────────────────────────────────────────────
//   DashboardPanel.show(deps): DashboardPanel            open the dashboard, or reveal it
//   DashboardPanel.instance: DashboardPanel | undefined  the open dashboard, if any
//   panel.showRuns(runIds: string[], opts?: { replace?: boolean }): void
//       show these runs (replace: hide the others first, e.g. a new comparison). Their record so far
//       is read from disk; live data pushed afterwards is appended.
//   panel.pushMetrics(runId: string, rows: readonly MetricRecord[]): void
//   panel.pushHistograms(runId: string, rows: readonly HistogramRecord[]): void
//   panel.pushBatches(batches: readonly RunMetricsBatch[]): void
//       live data as the trainer streams it (a trainer `metrics` message's `batches` can be passed
//       as is). Only runs the dashboard shows are forwarded; the rest is on disk anyway.
//   panel.runStatusChanged(meta: RunRecord | RunStatusUpdate): void
//       a run started (RunRecord from `comparisonStarted`) or ended (`runEnded`: id, status, step,
//       reason, divergedAtStep): updates the run list and the summary table.
//   panel.showSweep(result: SweepResult | null): void     the learning-rate sweep chart
//   panel.refreshRuns(): Promise<void>                    re-read .radam/runs (also done by a watcher)
//   panel.runsDir: string | undefined                     where runs are read (deps.runsDir or the workspace)
//   exportRuns(runsDir, format, runIds, target?, imported?) in ./exports.ts serves "RAdam: Export Run".
//   panel.externalRunsChanged(): void                     runs of deps.external (TensorBoard logs) changed
//   panel.pushExternal(update): void                      live data of an external run (rows or whole, histograms)
// All of these are cheap no-ops for data when the panel is hidden: the webview reads everything
// back from disk when it is shown again. What is sent for a run (its record from disk, downsampled off
// the host thread; live batches; zoom ranges) is runData.ts's job, the run list panelRunList.ts's,
// deleting and exporting runActions.ts's; this class is the VS Code panel and routes the webview's
// messages and requests to them.
//
// ── Safety ─────────────────────────────────────────────────────────────────────────────────────
// Every webview message is validated (src/protocol/webview.ts); unknown ones are logged and ignored.
// A run id from the webview must be a run id (src/runs/runId.ts) AND one of the runs listed on disk
// before anything is read, exported or deleted, so no message can reach another path.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUNS_SUBDIR, isRunId as isDiskRunId, type HistogramRecord, type MetricRecord, type RunRecord } from '../runs';
import type { RunMetricsBatch } from '../protocol/trainer';
import { answer } from '../protocol/requests';
import {
  isWebviewRequest,
  isWebviewToHost,
  type HostToWebview,
  type RunInfo,
  type SweepResult,
  type WebviewRequest,
  type WebviewToHost,
} from '../protocol/webview';
import type { BackendReport } from '../protocol/trainer';
import { dashboardHtml } from './html';
import type { RunStatusUpdate } from './runAdapter';
import type { ExternalRuns, ExternalUpdate } from './externalRuns';
import { RunData } from './runData';
import { PanelRunList } from './panelRunList';
import { handleRequest, type RequestDeps } from './panelRequests';
import { RunLoader } from './runLoader';
import { handleImportedRunMessage, isImportedRunMessage } from './importedRuns';

export const DASHBOARD_VIEW_TYPE = 'radamLab.dashboard';
export type { RunStatusUpdate } from './runAdapter';
export type { ExternalRuns, ExternalUpdate } from './externalRuns';

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  log: (line: string) => void;
  /** The backend the trainer process will use (probed once per session, lazily). */
  backend: () => Promise<BackendReport>;
  /** Folder of the runs (default: <first workspace folder>/.radam/runs). */
  runsDir?: () => string | undefined;
  /** Runs that are not in .radam/runs (TensorBoard log directories, src/tensorboard/source.ts). */
  external?: ExternalRuns;
}

export function defaultRunsDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && folder.uri.scheme === 'file' ? path.join(folder.uri.fsPath, ...RUNS_SUBDIR.split('/')) : undefined;
}

export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the dashboard knows about each run (./panelRunList.ts). */
  private readonly list: PanelRunList;
  /** What the webview's requests use (./panelRequests.ts). */
  private readonly requests: RequestDeps;
  /** Runs the webview shows (live data is forwarded for these only). */
  private shown = new Set<string>();
  /** Records from disk, live batches and zoom ranges for the webview. */
  private readonly data: RunData;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private webviewReady = false;
  private sweep: SweepResult | null = null;
  /** The last showRuns() until the webview confirms it (re-sent if the webview (re)starts first). */
  private unconfirmedShow: { runIds: string[]; replace: boolean } | undefined;

  /** Opens the dashboard, or reveals it if it is already open. */
  static show(deps: DashboardDeps): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'RAdam Dashboard', vscode.ViewColumn.Active, {});
    return new DashboardPanel(panel, deps);
  }

  /** Adopts a panel VS Code restored after a window reload (the webview restores its own view state). */
  static revive(panel: vscode.WebviewPanel, deps: DashboardDeps): DashboardPanel {
    DashboardPanel.current?.panel.dispose();
    return new DashboardPanel(panel, deps);
  }

  static get instance(): DashboardPanel | undefined {
    return DashboardPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: DashboardDeps,
  ) {
    DashboardPanel.current = this;
    const runsDir = () => this.runsDir;
    const post = (m: HostToWebview) => this.post(m);
    this.list = new PanelRunList({ runsDir, post, log: deps.log, external: deps.external, ready: () => this.webviewReady });
    const data = new RunData({
      post: (m) => this.post(m),
      log: deps.log,
      // The worker bundle sits beside dist/extension.js.
      loader: new RunLoader(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'runLoadWorker.js').fsPath),
      info: (id) => this.list.get(id),
      runDir: (id, action, quiet) => this.list.checkedRun(id, action, quiet),
      forwarded: (id) => this.shown.has(id) && this.webviewReady,
      external: deps.external,
    });
    this.data = data;
    this.requests = { runsDir, list: this.list, shown: () => this.shown, post, log: deps.log, external: deps.external, data };
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(deps.extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    panel.webview.html = dashboardHtml(panel.webview, deps.extensionUri, vscode.Uri.joinPath);
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.onDidChangeViewState(() => {
      // A hidden webview is torn down; it says `ready` again when shown.
      if (!panel.visible) this.webviewReady = false;
    }, undefined, this.disposables);
    const dir = this.runsDir;
    if (dir) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*/run.json'));
      const later = () => this.scheduleRefresh();
      watcher.onDidCreate(later, undefined, this.disposables);
      watcher.onDidChange(later, undefined, this.disposables);
      watcher.onDidDelete(later, undefined, this.disposables);
      this.disposables.push(watcher);
    }
  }

  /** Folder the runs are read from (undefined without a workspace folder). */
  get runsDir(): string | undefined {
    return (this.deps.runsDir ?? defaultRunsDir)();
  }

  post(msg: HostToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(msg);
  }

  // ── host-side API ─────────────────────────────────────────────────────────────────────────────

  showRuns(runIds: readonly string[], opts: { replace?: boolean } = {}): void {
    const external = this.deps.external;
    const ids = runIds.filter((id) => isDiskRunId(id) || external?.has(id));
    if (opts.replace) this.shown = new Set(ids);
    else for (const id of ids) this.shown.add(id);
    this.list.learn(ids);
    this.unconfirmedShow = { runIds: ids, replace: !!opts.replace };
    void this.post({ type: 'showRuns', runIds: ids, replace: !!opts.replace });
  }

  pushMetrics(runId: string, rows: readonly MetricRecord[]): void {
    if (!rows.length) return;
    this.list.noteProgress(runId, rows[rows.length - 1].step);
    this.data.pushMetrics(runId, rows);
  }

  pushHistograms(runId: string, rows: readonly HistogramRecord[]): void {
    this.data.pushHistograms(runId, rows);
  }

  pushBatches(batches: readonly RunMetricsBatch[]): void {
    for (const b of batches) {
      this.pushMetrics(b.runId, b.metrics);
      this.pushHistograms(b.runId, b.histograms);
    }
  }

  runStatusChanged(meta: RunRecord | RunStatusUpdate): void {
    this.list.runStatusChanged(meta);
  }

  /**
   * The external runs changed: runs came or went (the run list is sent again soon), or some runs'
   * progress or status changed (sent as runStatus, without re-reading .radam/runs).
   */
  externalRunsChanged(change: { listChanged: boolean; changed: readonly RunInfo[] } = { listChanged: true, changed: [] }): void {
    if (this.list.externalRunsChanged(change)) this.scheduleRefresh();
  }

  pushExternal(u: ExternalUpdate): void {
    this.data.pushExternal(u);
  }

  /** The sweep the chart shows (null: none); for tests. */
  shownSweep(): SweepResult | null {
    return this.sweep;
  }

  showSweep(result: SweepResult | null): void {
    this.sweep = result;
    void this.post({ type: 'sweep', sweep: result });
  }

  async refreshRuns(): Promise<void> {
    await this.list.refresh();
  }

  // ── webview messages ──────────────────────────────────────────────────────────────────────────

  private receive(raw: unknown): void {
    if (!isWebviewToHost(raw)) {
      let text: string;
      try {
        text = JSON.stringify(raw).slice(0, 200);
      } catch {
        text = String(raw).slice(0, 200);
      }
      this.deps.log(`[dashboard] ignored an unknown or malformed message: ${text}`);
      return;
    }
    // A request gets its reply (result or error, shown by the webview); a notification that fails is logged.
    if (isWebviewRequest(raw)) {
      void answer(raw.requestId, () => handleRequest(this.requests, raw), (reply) => this.post(reply)).then((reply) => {
        if (!reply.ok) this.deps.log(`[dashboard] ${raw.type} failed: ${reply.error}`);
      });
      return;
    }
    this.notified(raw).catch((e: unknown) => {
      const error = e instanceof Error ? e.message : String(e);
      this.deps.log(`[dashboard] ${raw.type} failed: ${error}`);
      void this.post({ type: 'notice', level: 'error', text: `${raw.type} failed: ${error}` });
    });
  }

  private async notified(msg: Exclude<WebviewToHost, WebviewRequest>): Promise<void> {
    if (isImportedRunMessage(msg)) {
      // A notification: a refused choice (a tag the run lost, a run gone) is told back as a notice.
      await handleImportedRunMessage(msg, { control: this.deps.external, shown: this.shown, post: (m) => this.post(m) }).catch((e: unknown) =>
        this.post({ type: 'notice', level: 'warn', text: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.webviewReady = true;
        this.data.reset();
        void this.sendBackend();
        await this.refreshRuns();
        if (this.sweep) await this.post({ type: 'sweep', sweep: this.sweep });
        // A showRuns() posted while the webview was still loading (or torn down) may not have arrived.
        if (this.unconfirmedShow) await this.post({ type: 'showRuns', ...this.unconfirmedShow });
        break;
      case 'shownRuns':
        this.shown = new Set(msg.runIds);
        if (this.unconfirmedShow?.runIds.every((id) => this.shown.has(id))) this.unconfirmedShow = undefined;
        break;
      case 'log':
        this.deps.log(`[dashboard webview] ${msg.level}: ${msg.text}`);
        break;
    }
  }

  private async sendBackend(): Promise<void> {
    try {
      await this.post({ type: 'backend', backend: await this.deps.backend() });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.deps.log(`[dashboard] backend probe failed: ${error}`);
      await this.post({ type: 'backend', backend: null, error });
    }
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshRuns().catch((e) => this.deps.log(`[dashboard] refresh failed: ${String(e)}`)), 300);
  }

  private dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    clearTimeout(this.refreshTimer);
    this.list.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.data.dispose();
  }
}
