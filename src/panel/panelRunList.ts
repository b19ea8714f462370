// The dashboard's run list on the host: what it knows of each run (from .radam/runs, updated live by
// the trainer, plus the external runs of TensorBoard logs), sent to the webview as `runList` and
// `runStatus`; and the one check a run id from the webview must pass before a folder is touched
// (checkedRun). The panel (dashboardPanel.ts) owns the webview; this module owns the list.
import * as path from 'node:path';
import { isRunId as isDiskRunId, listRunEntries, listRuns, readRunRecord, runFolderNames, type RunRecord } from '../runs';
import type { HostToWebview, RunInfo } from '../protocol/webview';
import type { ExternalRuns } from './externalRuns';
import { applyStatus, toRunInfo, unreadableRunInfo, type RunStatusUpdate } from './runAdapter';

/** Progress (last step) in the run list is refreshed at most this often per run. */
const STATUS_INTERVAL_MS = 500;

export interface RunListDeps {
  runsDir: () => string | undefined;
  post: (msg: HostToWebview) => Thenable<boolean> | Promise<boolean>;
  log: (line: string) => void;
  external?: ExternalRuns;
  /** The webview is there to be told (progress is not posted to a torn-down webview). */
  ready: () => boolean;
}

export class PanelRunList {
  /** What the dashboard knows about each run: from disk, updated live. */
  readonly runs = new Map<string, RunInfo>();
  private readonly lastStatusPost = new Map<string, number>();
  private readonly statusTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: RunListDeps) {}

  get(id: string): RunInfo | undefined {
    return this.runs.get(id);
  }

  /** Runs being shown that the list does not know yet: an external run's info, or a disk run's record. */
  learn(ids: readonly string[]): void {
    const external = this.deps.external;
    for (const id of ids) {
      if (this.runs.has(id)) continue;
      const info = external?.has(id) ? external.list().find((r) => r.id === id) : undefined;
      if (info) {
        this.runs.set(id, info);
        void this.deps.post({ type: 'runStatus', run: info });
      } else this.learnRun(id);
    }
  }

  runStatusChanged(meta: RunRecord | RunStatusUpdate): void {
    if (!isDiskRunId(meta.id)) return;
    const prev = this.runs.get(meta.id);
    let info: RunInfo;
    if ('spec' in meta && 'startedAt' in meta) info = toRunInfo(meta, { lastStep: prev?.lastStep });
    else if (prev) info = applyStatus(prev, meta);
    else {
      const dir = this.deps.runsDir();
      const rec = dir ? readRunRecord(path.join(dir, meta.id)) : undefined;
      info = applyStatus(rec ? toRunInfo(rec) : { id: meta.id, label: meta.label ?? meta.id, status: 'unknown', live: false }, meta);
    }
    this.runs.set(meta.id, info);
    this.lastStatusPost.set(meta.id, Date.now());
    void this.deps.post({ type: 'runStatus', run: info });
  }

  /**
   * The external runs changed: some runs' progress or status changed (sent as runStatus, without
   * re-reading .radam/runs). Returns true when runs came or went: the list must be refreshed.
   */
  externalRunsChanged(change: { listChanged: boolean; changed: readonly RunInfo[] }): boolean {
    if (change.listChanged) return true;
    for (const info of change.changed) {
      if (!this.runs.has(info.id)) continue;
      this.runs.set(info.id, info);
      if (this.deps.ready()) void this.deps.post({ type: 'runStatus', run: info });
    }
    return false;
  }

  /** Lists .radam/runs again (and the external runs) and sends the whole list. */
  async refresh(): Promise<void> {
    const dir = this.deps.runsDir();
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
    await this.deps.post({ type: 'runList', runs: [...this.runs.values()] });
  }

  /** The run directory of `id` if it is a run id listed on disk; undefined otherwise (logged). */
  checkedRun(id: string, action: string, quiet = false): string | undefined {
    const dir = this.deps.runsDir();
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

  /** A run shown before its run.json was listed: read it now (or keep a placeholder). */
  private learnRun(id: string): void {
    const dir = this.deps.runsDir();
    const rec = dir ? readRunRecord(path.join(dir, id)) : undefined;
    const info: RunInfo = rec ? toRunInfo(rec) : { id, label: id, status: 'running', live: true };
    this.runs.set(id, info);
    void this.deps.post({ type: 'runStatus', run: info });
  }

  /** Keeps the run list's progress current for live runs, at most every STATUS_INTERVAL_MS. */
  noteProgress(runId: string, step: number): void {
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
        if (now && this.deps.ready()) void this.deps.post({ type: 'runStatus', run: now });
      }, wait),
    );
  }

  dispose(): void {
    for (const t of this.statusTimers.values()) clearTimeout(t);
  }
}
