// The webview's requests that change or write runs: delete one or several (one confirmation, never a
// live or an imported run) and export through a save dialog. Every run id passes the run list's
// checkedRun first (a run id listed on disk), so no message can reach another path.
import * as vscode from 'vscode';
import { deleteRun as deleteRunFolder } from '../runs';
import type { ExportFormat, HostToWebview } from '../protocol/webview';
import { exportRuns } from './exports';
import type { ExternalRuns } from './externalRuns';
import type { PanelRunList } from './panelRunList';

export interface RunActionDeps {
  runsDir: () => string | undefined;
  list: PanelRunList;
  /** Runs the webview shows: a deleted run leaves it. */
  shown: () => Set<string>;
  post: (msg: HostToWebview) => Thenable<boolean> | Promise<boolean>;
  log: (line: string) => void;
  external?: ExternalRuns;
}

/** Deletes one run after the user confirms; returns 1 if it did. */
export async function deleteRun(d: RunActionDeps, id: string): Promise<number> {
  if (d.external?.has(id)) {
    await d.post({ type: 'notice', level: 'info', text: 'TensorBoard runs are read from their log directory and are not deleted from the dashboard.' });
    return 0;
  }
  const dir = d.list.checkedRun(id, 'delete');
  const runsDir = d.runsDir();
  if (!dir || !runsDir) return 0;
  const info = d.list.get(id);
  if (info?.live) {
    await d.post({ type: 'notice', level: 'warn', text: `${info.label} is still training: stop it before deleting it.` });
    return 0;
  }
  const answer = await vscode.window.showWarningMessage(
    `Delete the run “${info?.label ?? id}”?`,
    { modal: true, detail: `This removes ${dir} and everything in it.` },
    'Delete',
  );
  if (answer !== 'Delete') return 0;
  deleteRunFolder(runsDir, id);
  d.log(`[dashboard] deleted run ${id}`);
  d.shown().delete(id);
  await d.list.refresh();
  await d.post({ type: 'notice', level: 'info', text: `Deleted ${info?.label ?? id}.` });
  return 1;
}

/** Several runs, one confirmation (the same modal as for one run); live runs are left alone. */
export async function deleteRuns(d: RunActionDeps, ids: readonly string[]): Promise<number> {
  const runsDir = d.runsDir();
  if (!runsDir) return 0;
  const external = ids.filter((id) => d.external?.has(id));
  if (external.length) {
    await d.post({ type: 'notice', level: 'info', text: 'TensorBoard runs are read from their log directory and are not deleted from the dashboard.' });
  }
  const unique = [...new Set(ids)].filter((id) => !d.external?.has(id));
  const live = unique.filter((id) => d.list.get(id)?.live);
  const ok = unique.filter((id) => !d.list.get(id)?.live && d.list.checkedRun(id, 'delete'));
  if (live.length) {
    await d.post({ type: 'notice', level: 'warn', text: `${live.length} of the selected runs ${live.length > 1 ? 'are' : 'is'} still training and will not be deleted: stop ${live.length > 1 ? 'them' : 'it'} first.` });
  }
  if (!ok.length) return 0;
  const label = (id: string) => d.list.get(id)?.label ?? id;
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
      deleteRunFolder(runsDir, id);
      deleted++;
      d.shown().delete(id);
      d.log(`[dashboard] deleted run ${id}`);
    } catch (e) {
      failed.push(`${label(id)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  await d.list.refresh();
  if (failed.length) await d.post({ type: 'notice', level: 'error', text: `Deleted ${deleted} of ${ok.length} runs; could not delete ${failed.join('; ')}` });
  else await d.post({ type: 'notice', level: 'info', text: `Deleted ${deleted} run${deleted > 1 ? 's' : ''}.` });
  return deleted;
}

/** Exports through a save dialog; returns the file written, null when cancelled. */
export async function exportData(d: RunActionDeps, format: ExportFormat, runIds: readonly string[]): Promise<string | null> {
  const dir = d.runsDir();
  const external = d.external;
  // Imported runs come from what the host read of their event files; ours from their folders.
  const imported = runIds.flatMap((id) => (external?.has(id) ? [external.exportRun(id)].filter((r) => r !== undefined) : []));
  const ok = runIds.filter((id) => !external?.has(id) && d.list.checkedRun(id, 'export'));
  const count = ok.length + imported.length;
  if (!count) throw new Error('nothing to export: none of these runs can be read');
  const r = await exportRuns(dir, format, ok, undefined, imported);
  if (!r) return null;
  const skipped = r.skippedLines ? ` (${r.skippedLines} unreadable line${r.skippedLines > 1 ? 's' : ''} of the run files left out)` : '';
  await d.post({ type: 'notice', level: r.skippedLines ? 'warn' : 'info', text: `Exported ${count} run${count > 1 ? 's' : ''} to ${r.uri.fsPath}${skipped}` });
  return r.uri.fsPath;
}
