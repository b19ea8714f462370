// Extension entry: wires commands, the dashboard panel (and its serializer, so a reloaded window gets
// its dashboard back), the status bar and the output channel. Heavy work never runs here: training
// happens in forked trainer processes (src/host/trainerProcess.ts, src/commands/trainingManager.ts).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { reconcileStaleRuns, RUNS_SUBDIR } from './runs';
import { registerCommands } from './commands';
import { trainingStatusBar } from './commands/statusBar';
import { openWalkthroughIfAsked } from './commands/walkthrough';
import { TrainingManager, type ActiveComparison } from './commands/trainingManager';
import { probeBackend } from './host/trainerProcess';
import { DashboardPanel, DASHBOARD_VIEW_TYPE, type DashboardDeps } from './panel/dashboardPanel';
import type { BackendReport } from './protocol/trainer';
import { pollIntervalMs, TensorBoardSource } from './tensorboard/source';
import { RunChoicesStore } from './tensorboard/runChoices';

/** What the extension exports: used by the integration tests, and by anyone scripting RAdam Lab. */
export interface RadamLabApi {
  /** The dashboard panel currently open, if any. */
  dashboard(): DashboardPanel | undefined;
  backend(): Promise<BackendReport>;
  /** Comparisons in progress. */
  running(): ActiveComparison[];
  /** Resolves when the comparison has ended (at once if it is not running). */
  whenEnded(comparisonId: string): Promise<void>;
  /** Pid of the trainer process of a running comparison (it is never the extension host's). */
  trainerPid(comparisonId: string): number | undefined;
}

export function activate(context: vscode.ExtensionContext): RadamLabApi {
  const output = vscode.window.createOutputChannel('RAdam Lab');
  context.subscriptions.push(output);
  const log = (line: string) => output.appendLine(line);
  const distDir = vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath;

  // Probe the backend once per session, on first need, in a throwaway trainer process.
  let backend: Promise<BackendReport> | undefined;
  const getBackend = (): Promise<BackendReport> => {
    backend ??= probeBackend({ distDir, log }).then(
      (report) => {
        log(`TensorFlow.js ${report.tfjsVersion}, backend '${report.name}'${report.native ? ' (native)' : ''}`);
        if (report.warning) {
          log(`WARNING: ${report.warning}`);
          void vscode.window.showWarningMessage(`RAdam Lab: ${report.warning}`);
        }
        return report;
      },
      (err: unknown) => {
        backend = undefined; // let a later attempt retry
        throw err;
      },
    );
    return backend;
  };

  // Runs left `running` by a VS Code that closed or crashed mid-run: their trainer is gone; say so.
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const stale = reconcileStaleRuns(path.join(folder.uri.fsPath, RUNS_SUBDIR));
    if (stale.length) log(`[host] marked ${stale.length} run(s) failed whose trainer had ended: ${stale.map((r) => r.id).join(', ')}`);
  }

  // TensorBoard log directories (radam.logDirectories, plus folders opened this session), read live.
  const pollSetting = () => pollIntervalMs(vscode.workspace.getConfiguration('radam').get<unknown>('tensorboard.pollInterval'));
  // The loss tag and beta2 the user chose per imported run live in the workspace state, never in the logs.
  const tensorboard = new TensorBoardSource({ log, intervalMs: pollSetting(), choices: new RunChoicesStore(context.workspaceState) });
  const openedLogDirs = new Set<string>();
  const updateLogDirs = () => tensorboard.setRoots([...logDirectoriesFromSettings(), ...openedLogDirs]);
  tensorboard.onRunsChanged((change) => DashboardPanel.instance?.externalRunsChanged(change));
  tensorboard.onData((u) => DashboardPanel.instance?.pushExternal(u));
  updateLogDirs();
  context.subscriptions.push(
    { dispose: () => tensorboard.dispose() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('radam.logDirectories')) updateLogDirs();
      if (e.affectsConfiguration('radam.tensorboard.pollInterval')) tensorboard.setPollInterval(pollSetting());
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(updateLogDirs),
    vscode.workspace.onDidGrantWorkspaceTrust(updateLogDirs),
  );

  const dashboard: DashboardDeps = { extensionUri: context.extensionUri, log, backend: getBackend, external: tensorboard };
  const manager = new TrainingManager(distDir, log);

  // Live data to the dashboard: the trainer already wrote it to disk; this is only the fast path.
  manager.onEvent(({ message }) => {
    const panel = DashboardPanel.instance;
    if (!panel) return;
    switch (message.type) {
      case 'comparisonStarted':
        for (const run of message.runs) panel.runStatusChanged(run);
        break;
      case 'metrics':
        panel.pushBatches(message.batches);
        break;
      case 'runEnded':
        panel.runStatusChanged({
          id: message.runId,
          status: message.status,
          step: message.step,
          reason: message.reason,
          divergedAtStep: message.divergedAtStep,
        });
        break;
    }
  });

  context.subscriptions.push(
    manager,
    trainingStatusBar(manager),
    ...registerCommands({ manager, dashboard, log }),
    vscode.commands.registerCommand('radam.openDashboard', () => {
      DashboardPanel.show(dashboard);
    }),
    // Opens TensorBoard log directories (a folder picker, or the paths given) beside our runs.
    vscode.commands.registerCommand('radam.openTensorBoardLogs', async (...args: unknown[]) => {
      let folders = args.flat().map((a) => (a instanceof vscode.Uri ? a.fsPath : typeof a === 'string' ? a : undefined)).filter((a): a is string => !!a);
      if (!folders.length) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: true,
          openLabel: 'Open Logs',
          title: 'RAdam: Open TensorBoard Logs (a folder with event files, or a parent of run folders)',
        });
        folders = (picked ?? []).map((u) => u.fsPath);
      }
      if (!folders.length) return { opened: [], runIds: [] };
      for (const f of folders) openedLogDirs.add(path.resolve(f));
      updateLogDirs();
      const panel = DashboardPanel.show(dashboard);
      await tensorboard.pollNow();
      const runIds = folders.flatMap((f) => tensorboard.runIdsOf(f));
      log(`[tensorboard] opened ${folders.join(', ')}: ${runIds.length} run(s)`);
      if (!runIds.length) void vscode.window.showInformationMessage(`RAdam: no TensorBoard event files (*tfevents*) under ${folders.join(', ')} yet; runs appear as they are written.`);
      panel.externalRunsChanged();
      panel.showRuns(runIds);
      return { opened: folders, runIds };
    }),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        DashboardPanel.revive(panel, dashboard);
      },
    }),
  );

  openWalkthroughIfAsked(context.extension.id);

  const find = (id: string) => manager.running.find((c) => c.comparisonId === id);
  return {
    dashboard: () => DashboardPanel.instance,
    backend: getBackend,
    running: () => manager.running,
    whenEnded: async (id) => {
      await find(id)?.ended;
    },
    trainerPid: (id) => find(id)?.trainer.pid,
  };
}

/** radam.logDirectories of every workspace folder, resolved (relative to the folder, `~` to home). */
function logDirectoriesFromSettings(): string[] {
  const out: string[] = [];
  const folders = vscode.workspace.workspaceFolders ?? [];
  const scopes: (vscode.WorkspaceFolder | undefined)[] = folders.length ? [...folders] : [undefined];
  for (const folder of scopes) {
    const dirs = vscode.workspace.getConfiguration('radam', folder?.uri).get<unknown>('logDirectories');
    if (!Array.isArray(dirs)) continue;
    for (const d of dirs) {
      if (typeof d !== 'string' || !d.trim()) continue;
      const p = d.startsWith('~') ? path.join(os.homedir(), d.slice(1)) : d;
      if (path.isAbsolute(p)) out.push(path.normalize(p));
      else if (folder) out.push(path.join(folder.uri.fsPath, p));
    }
  }
  return [...new Set(out)];
}

export function deactivate(): void {
  // Trainer processes are shut down by TrainingManager.dispose (in context.subscriptions).
}
