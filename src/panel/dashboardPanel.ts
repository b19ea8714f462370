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
// the host thread; live batches; zoom ranges) is runData.ts's job; this class is the VS Code panel,
// the run list and the webview's requests.
//
// ── Safety ─────────────────────────────────────────────────────────────────────────────────────
// Every webview message is validated (src/protocol/webview.ts); unknown ones are logged and ignored.
// A run id from the webview must be a run id (src/runs/runId.ts) AND one of the runs listed on disk
// before anything is read, exported or deleted, so no message can reach another path.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  RUNS_SUBDIR,
  deleteRun,
  isRunId as isDiskRunId,
  listRunEntries,
  listRuns,
  runFolderNames,
  readRunRecord,
  type HistogramRecord,
  type MetricRecord,
  type RunRecord,
} from '../runs';
import type { RunMetricsBatch } from '../protocol/trainer';
import { answer } from '../protocol/requests';
import {
  isWebviewRequest,
  isWebviewToHost,
  type ExportFormat,
  type HostToWebview,
  type RunInfo,
  type SweepResult,
  type WebviewRequest,
  type WebviewRequestResults,
  type WebviewToHost,
} from '../protocol/webview';
import type { BackendReport } from '../protocol/trainer';
import { dashboardHtml } from './html';
import { applyStatus, toRunInfo, unreadableRunInfo, type RunStatusUpdate } from './runAdapter';
import { exportPng, exportRuns } from './exports';
import type { ExternalRuns, ExternalUpdate } from './externalRuns';
import { RunData } from './runData';
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

/** Progress (last step) in the run list is refreshed at most this often per run. */
const STATUS_INTERVAL_MS = 500;

export function defaultRunsDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && folder.uri.scheme === 'file' ? path.join(folder.uri.fsPath, ...RUNS_SUBDIR.split('/')) : undefined;
}

export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the dashboard knows about each run: from disk, updated live. */
  private readonly runs = new Map<string, RunInfo>();
  /** Runs the webview shows (live data is forwarded for these only). */
  private shown = new Set<string>();
  /** Records from disk, live batches and zoom ranges for the webview. */
  private readonly data: RunData;
  private readonly lastStatusPost = new Map<string, number>();
  private readonly statusTimers = new Map<string, ReturnType<typeof setTimeout>>();
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
    this.data = new RunData({
      post: (m) => this.post(m),
      log: deps.log,
      // The worker bundle sits beside dist/extension.js.
      loader: new RunLoader(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'runLoadWorker.js').fsPath),
      info: (id) => this.runs.get(id),
      runDir: (id, action, quiet) => this.checkedRun(id, action, quiet),
      forwarded: (id) => this.shown.has(id) && this.webviewReady,
      external: deps.external,
    });
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
    for (const id of ids) {
      if (this.runs.has(id)) continue;
      const info = external?.has(id) ? external.list().find((r) => r.id === id) : undefined;
      if (info) {
        this.runs.set(id, info);
        void this.post({ type: 'runStatus', run: info });
      } else this.learnRun(id);
    }
    this.unconfirmedShow = { runIds: ids, replace: !!opts.replace };
    void this.post({ type: 'showRuns', runIds: ids, replace: !!opts.replace });
  }

  pushMetrics(runId: string, rows: readonly MetricRecord[]): void {
    if (!rows.length) return;
    this.noteProgress(runId, rows[rows.length - 1].step);
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
    if (!isDiskRunId(meta.id)) return;
    const prev = this.runs.get(meta.id);
    let info: RunInfo;
    if ('spec' in meta && 'startedAt' in meta) info = toRunInfo(meta, { lastStep: prev?.lastStep });
    else if (prev) info = applyStatus(prev, meta);
    else {
      const rec = this.runsDir ? readRunRecord(path.join(this.runsDir, meta.id)) : undefined;
      info = applyStatus(rec ? toRunInfo(rec) : { id: meta.id, label: meta.label ?? meta.id, status: 'unknown', live: false }, meta);
    }
    this.runs.set(meta.id, info);
    this.lastStatusPost.set(meta.id, Date.now());
    void this.post({ type: 'runStatus', run: info });
  }

  /**
   * The external runs changed: runs came or went (the run list is sent again soon), or some runs'
   * progress or status changed (sent as runStatus, without re-reading .radam/runs).
   */
  externalRunsChanged(change: { listChanged: boolean; changed: readonly RunInfo[] } = { listChanged: true, changed: [] }): void {
    if (change.listChanged) {
      this.scheduleRefresh();
      return;
    }
    for (const info of change.changed) {
      if (!this.runs.has(info.id)) continue;
      this.runs.set(info.id, info);
      if (this.webviewReady) void this.post({ type: 'runStatus', run: info });
    }
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
    const dir = this.runsDir;
    // The one reconciliation (src/runs/recover.ts): a run left `running` by a process that is gone (or
    // whose pid was reused) is shown, and written, as failed; an unreadable folder is listed with why.
    let entries: ReturnType<typeof listRunEntries> = [];
    try {
      entries = dir ? listRunEntries(dir, { reconcile: true }) : [];
    } catch (e) {
      this.deps.log(`[dashboard] cannot read ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const next = new Map<string, RunInfo>();
    for (const entry of entries) {
      if (!entry.record) {
        next.set(entry.id, unreadableRunInfo(entry.id, entry.unreadable));
        continue;
      }
      const rec = entry.record;
      const prev = this.runs.get(rec.id);
      const live = rec.status === 'running';
      const info = toRunInfo(rec, { live, lastStep: live ? prev?.lastStep : undefined });
      next.set(rec.id, info);
    }
    // Live runs announced by the trainer but not yet listed stay.
    for (const [id, info] of this.runs) if (!next.has(id) && info.live && !this.deps.external?.has(id)) next.set(id, info);
    for (const info of this.deps.external?.list() ?? []) next.set(info.id, info);
    this.runs.clear();
    for (const [id, info] of next) this.runs.set(id, info);
    await this.post({ type: 'runList', runs: [...this.runs.values()] });
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
      void answer(raw.requestId, () => this.request(raw), (reply) => this.post(reply)).then((reply) => {
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

  /** A zoomed step range at full resolution, one entry per run (./rangeRead.ts). */
  /** Runs a webview request; its result (or the error it throws) is the reply. */
  private async request<T extends WebviewRequest>(msg: T): Promise<WebviewRequestResults[T['type']]>;
  private async request(msg: WebviewRequest): Promise<WebviewRequestResults[WebviewRequest['type']]> {
    switch (msg.type) {
      case 'requestRunData': {
        const failed: { runId: string; error: string }[] = [];
        for (const runId of msg.runIds) {
          try {
            await this.data.send(runId);
          } catch (e) {
            failed.push({ runId, error: e instanceof Error ? e.message : String(e) });
          }
        }
        return { failed };
      }
      case 'refreshRuns':
        await this.refreshRuns();
        return null;
      case 'deleteRun':
        return { deleted: await this.deleteRun(msg.runId) };
      case 'deleteRuns':
        return { deleted: await this.deleteRuns(msg.runIds) };
      case 'exportData':
        return { savedTo: await this.exportData(msg.format, msg.runIds) };
      case 'requestRange':
        return { runs: await this.data.range(msg.runIds, msg.fromStep, msg.toStep, msg.maxPoints) };
      case 'exportImage': {
        const r = await exportPng(this.runsDir, msg.chart, msg.dataUrl);
        if (r) await this.post({ type: 'notice', level: 'info', text: `Saved ${msg.chart} chart to ${r.uri.fsPath}` });
        return { savedTo: r?.uri.fsPath ?? null };
      }
    }
  }

  /** The run directory of `id` if it is a run id listed on disk; undefined otherwise (logged). */
  private checkedRun(id: string, action: string, quiet = false): string | undefined {
    const dir = this.runsDir;
    if (!dir || !isDiskRunId(id)) {
      this.deps.log(`[dashboard] refused to ${action} '${id}': not a run id`);
      return undefined;
    }
    // Delete also takes an unreadable run folder (listed with its reason, it must be removable); reading
    // and exporting need a readable run.json.
    const known = action === 'delete' ? runFolderNames(dir).includes(id) : listRuns(dir).some((r) => r.id === id);
    if (!known) {
      if (!quiet) this.deps.log(`[dashboard] refused to ${action} '${id}': no such run in ${dir}`);
      return undefined;
    }
    return path.join(dir, id);
  }

  /** Deletes one run after the user confirms; returns 1 if it did. */
  private async deleteRun(id: string): Promise<number> {
    if (this.deps.external?.has(id)) {
      await this.post({ type: 'notice', level: 'info', text: 'TensorBoard runs are read from their log directory and are not deleted from the dashboard.' });
      return 0;
    }
    const dir = this.checkedRun(id, 'delete');
    const runsDir = this.runsDir;
    if (!dir || !runsDir) return 0;
    const info = this.runs.get(id);
    if (info?.live) {
      await this.post({ type: 'notice', level: 'warn', text: `${info.label} is still training: stop it before deleting it.` });
      return 0;
    }
    const answer = await vscode.window.showWarningMessage(
      `Delete the run “${info?.label ?? id}”?`,
      { modal: true, detail: `This removes ${dir} and everything in it.` },
      'Delete',
    );
    if (answer !== 'Delete') return 0;
    deleteRun(runsDir, id);
    this.deps.log(`[dashboard] deleted run ${id}`);
    this.shown.delete(id);
    await this.refreshRuns();
    await this.post({ type: 'notice', level: 'info', text: `Deleted ${info?.label ?? id}.` });
    return 1;
  }

  /** Several runs, one confirmation (the same modal as for one run); live runs are left alone. */
  private async deleteRuns(ids: readonly string[]): Promise<number> {
    const runsDir = this.runsDir;
    if (!runsDir) return 0;
    const external = ids.filter((id) => this.deps.external?.has(id));
    if (external.length) {
      await this.post({ type: 'notice', level: 'info', text: 'TensorBoard runs are read from their log directory and are not deleted from the dashboard.' });
    }
    const unique = [...new Set(ids)].filter((id) => !this.deps.external?.has(id));
    const live = unique.filter((id) => this.runs.get(id)?.live);
    const ok = unique.filter((id) => !this.runs.get(id)?.live && this.checkedRun(id, 'delete'));
    if (live.length) {
      await this.post({ type: 'notice', level: 'warn', text: `${live.length} of the selected runs ${live.length > 1 ? 'are' : 'is'} still training and will not be deleted: stop ${live.length > 1 ? 'them' : 'it'} first.` });
    }
    if (!ok.length) return 0;
    const label = (id: string) => this.runs.get(id)?.label ?? id;
    const names = ok.slice(0, 10).map((id) => `• ${label(id)}`);
    if (ok.length > 10) names.push(`… and ${ok.length - 10} more`);
    const answer = await vscode.window.showWarningMessage(
      ok.length === 1 ? `Delete the run “${label(ok[0])}”?` : `Delete ${ok.length} runs?`,
      { modal: true, detail: `This removes their folders in ${runsDir} and everything in them:\n${names.join('\n')}` },
      'Delete',
    );
    if (answer !== 'Delete') return 0;
    let deleted = 0;
    const failed: string[] = [];
    for (const id of ok) {
      try {
        deleteRun(runsDir, id);
        deleted++;
        this.shown.delete(id);
        this.deps.log(`[dashboard] deleted run ${id}`);
      } catch (e) {
        failed.push(`${label(id)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await this.refreshRuns();
    if (failed.length) await this.post({ type: 'notice', level: 'error', text: `Deleted ${deleted} of ${ok.length} runs; could not delete ${failed.join('; ')}` });
    else await this.post({ type: 'notice', level: 'info', text: `Deleted ${deleted} run${deleted > 1 ? 's' : ''}.` });
    return deleted;
  }

  /** Exports through a save dialog; returns the file written, null when cancelled. */
  private async exportData(format: ExportFormat, runIds: readonly string[]): Promise<string | null> {
    const dir = this.runsDir;
    const external = this.deps.external;
    // Imported runs come from what the host read of their event files; ours from their folders.
    const imported = runIds.flatMap((id) => (external?.has(id) ? [external.exportRun(id)].filter((r) => r !== undefined) : []));
    const ok = runIds.filter((id) => !external?.has(id) && this.checkedRun(id, 'export'));
    const count = ok.length + imported.length;
    if (!count) throw new Error('nothing to export: none of these runs can be read');
    const r = await exportRuns(dir, format, ok, undefined, imported);
    if (!r) return null;
    const skipped = r.skippedLines ? ` (${r.skippedLines} unreadable line${r.skippedLines > 1 ? 's' : ''} of the run files left out)` : '';
    await this.post({ type: 'notice', level: r.skippedLines ? 'warn' : 'info', text: `Exported ${count} run${count > 1 ? 's' : ''} to ${r.uri.fsPath}${skipped}` });
    return r.uri.fsPath;
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

  /** A run shown before its run.json was listed: read it now (or keep a placeholder). */
  private learnRun(id: string): void {
    const rec = this.runsDir ? readRunRecord(path.join(this.runsDir, id)) : undefined;
    const info: RunInfo = rec ? toRunInfo(rec) : { id, label: id, status: 'running', live: true };
    this.runs.set(id, info);
    void this.post({ type: 'runStatus', run: info });
  }

  /** Keeps the run list's progress current for live runs, at most every STATUS_INTERVAL_MS. */
  private noteProgress(runId: string, step: number): void {
    const info = this.runs.get(runId);
    if (!info) return;
    info.lastStep = step;
    if (this.statusTimers.has(runId)) return;
    const wait = Math.max(0, (this.lastStatusPost.get(runId) ?? 0) + STATUS_INTERVAL_MS - Date.now());
    this.statusTimers.set(
      runId,
      setTimeout(() => {
        this.statusTimers.delete(runId);
        this.lastStatusPost.set(runId, Date.now());
        const now = this.runs.get(runId);
        if (now && this.webviewReady) void this.post({ type: 'runStatus', run: now });
      }, wait),
    );
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshRuns().catch((e) => this.deps.log(`[dashboard] refresh failed: ${String(e)}`)), 300);
  }

  private dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    clearTimeout(this.refreshTimer);
    for (const t of this.statusTimers.values()) clearTimeout(t);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.data.dispose();
  }
}
