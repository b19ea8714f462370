// The user's commands (category "RAdam"). Each is thin: settings → comparison spec (src/runSpec), a
// trainer process (TrainingManager), the dashboard (src/panel). Commands return a plain result so
// integration tests can check what happened without scraping notifications.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DashboardPanel, type DashboardDeps } from '../panel/dashboardPanel';
import { exportRuns } from '../panel/exports';
import type { ExportFormat, SweepResult } from '../protocol/webview';
import { listRuns, printable, RUNS_SUBDIR } from '../runs';
import { compareWarmups, compareWithAdam, learningRateSweep, singleRun } from '../runSpec/comparisons';
import { paperTransformerComparison } from '../runSpec/presets';
import { threadsFromSettings } from '../runSpec/fromSettings';
import type { ComparisonSpec, RunSpec } from '../runSpec/runSpec';
import type { SettingSchema } from '../runSpec/settingsSchema';
import { showSettingProblems, specFromWorkspace } from './settings';
import type { ActiveComparison, TrainingManager } from './trainingManager';

export interface StartResult {
  started: boolean;
  /** Why nothing started: setting problems (keys), no workspace, untrusted, or cancelled by the user. */
  reason?: string;
  problems?: string[];
  comparisonId?: string;
  runIds?: string[];
  runsDir?: string;
}

export interface CommandDeps {
  manager: TrainingManager;
  schema: Record<string, SettingSchema>;
  dashboard: DashboardDeps;
  log: (line: string) => void;
}

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

type Build = (base: RunSpec, config: vscode.WorkspaceConfiguration) => ComparisonSpec;

const COMPARISONS: Record<string, { title: string; build: Build }> = {
  'radam.startTraining': { title: 'RAdam training', build: (base) => singleRun(base) },
  'radam.compareWithAdam': {
    title: 'RAdam vs Adam',
    build: (base, c) =>
      compareWithAdam(base, {
        includeAdam2k: c.get<boolean>('compare.includeAdam2k', false),
        includeAdamEps: c.get<boolean>('compare.includeAdamEps', false),
      }),
  },
  'radam.compareWarmupSchedules': {
    title: 'RAdam vs Adam with warmup',
    build: (base, c) =>
      compareWarmups(base, c.get<number[]>('compare.warmupSteps', [0, 100, 500, 2000]), c.get<boolean>('compare.exponentialWarmup', false)),
  },
  // The paper's phenomenon at small scale (docs/transformer-experiment.md): a fixed configuration, not
  // the workspace's data/model settings, because it only shows in a narrow window.
  'radam.paperTransformer': { title: 'Paper: Transformer without warmup', build: () => paperTransformerComparison() },
  'radam.learningRateSweep': {
    title: 'learning-rate sweep',
    build: (base, c) => learningRateSweep(base, c.get<number[]>('compare.learningRates', [0.1, 0.03, 0.01, 0.003, 0.001])),
  },
};

async function startComparison(commandId: string, deps: CommandDeps, opts: { alongside?: boolean } = {}): Promise<StartResult> {
  const { title, build } = COMPARISONS[commandId];
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'RAdam: training reads workspace files and settings, so it is disabled in an untrusted workspace. The dashboard can still show existing runs.',
    );
    return { started: false, reason: 'untrusted workspace' };
  }
  const folder = workspaceFolder();
  if (!folder) {
    void vscode.window.showErrorMessage('RAdam: open a folder first — runs are saved in its .radam/runs folder.');
    return { started: false, reason: 'no workspace folder' };
  }
  const spec = specFromWorkspace(deps.schema, folder);
  if (!spec.ok) {
    void showSettingProblems(spec.problems);
    return { started: false, reason: 'invalid settings', problems: spec.problems.map((p) => p.key) };
  }
  // The compare.* lists were validated with every other setting above.
  const config = vscode.workspace.getConfiguration('radam', folder.uri);

  if (deps.manager.running.length && !opts.alongside) {
    const choice = await vscode.window.showWarningMessage(
      `RAdam: ${deps.manager.running.map((r) => r.title).join(', ')} is still running.`,
      { modal: true },
      'Stop It and Start',
      'Run Alongside',
    );
    if (choice === undefined) return { started: false, reason: 'cancelled' };
    if (choice === 'Stop It and Start') await deps.manager.stopAll('stopped to start another run');
  }

  const runsDir = path.join(folder.uri.fsPath, RUNS_SUBDIR);
  let entry: ActiveComparison;
  try {
    entry = deps.manager.start({
      comparison: build(spec.spec, config),
      title,
      runsDir,
      workspaceRoot: folder.uri.fsPath,
      threads: threadsFromSettings({ 'radam.training.threads': config.get('training.threads') }),
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`RAdam: could not start ${title}: ${msg}`);
    return { started: false, reason: msg };
  }
  const panel = DashboardPanel.show(deps.dashboard);
  panel.showRuns(entry.runIds, { replace: true });
  deps.manager.showProgress(entry);
  if (commandId === 'radam.learningRateSweep') void reportSweep(entry, deps);
  return { started: true, comparisonId: entry.comparisonId, runIds: entry.runIds, runsDir };
}

/** When a sweep ends: final loss (or validation accuracy) against learning rate, one line per optimizer. */
async function reportSweep(entry: ActiveComparison, deps: CommandDeps): Promise<void> {
  await entry.ended;
  const records = new Map(listRuns(entry.runsDir).map((r) => [r.id, r]));
  const result: SweepResult = {
    title: 'Final loss against learning rate',
    metric: 'loss',
    points: entry.runIds.map((id, i) => {
      const spec = entry.comparison.runs[i];
      const rec = records.get(id);
      const diverged = rec?.status === 'diverged';
      return {
        optimizer: spec.optimizer.name === 'radam' ? 'RAdam' : 'Adam',
        lr: spec.optimizer.learningRate ?? 1e-3,
        value: diverged ? null : (rec?.summary?.finalLoss ?? null),
        runId: id,
        diverged,
      };
    }),
  };
  DashboardPanel.instance?.showSweep(result);
  deps.log(`[host] sweep: ${result.points.map((p) => `${p.optimizer}@${p.lr}=${p.value ?? 'diverged'}`).join(', ')}`);
}

async function exportRunCommand(): Promise<{ exported: boolean; file?: string; skippedLines?: number }> {
  const folder = workspaceFolder();
  if (!folder) {
    void vscode.window.showErrorMessage('RAdam: open the folder whose .radam/runs you want to export from.');
    return { exported: false };
  }
  const runsDir = path.join(folder.uri.fsPath, RUNS_SUBDIR);
  const runs = listRuns(runsDir);
  if (!runs.length) {
    void vscode.window.showInformationMessage(`RAdam: no runs in ${RUNS_SUBDIR} yet. Start one with "RAdam: Start Training".`);
    return { exported: false };
  }
  const run = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: printable(r.label ?? r.spec?.label, 80), description: `${r.status} · ${r.id}`, id: r.id })),
    { title: 'RAdam: Export Run', placeHolder: 'Which run?' },
  );
  if (!run) return { exported: false };
  const formats: Array<vscode.QuickPickItem & { format: ExportFormat }> = [
    { label: 'CSV', description: 'metrics, one row per step', format: 'metrics-csv' },
    { label: 'JSON', description: 'metrics as a JSON array', format: 'metrics-json' },
    { label: 'Histograms JSON', description: 'gradient-magnitude histograms', format: 'histograms-json' },
  ];
  const format = await vscode.window.showQuickPick(formats, { title: 'RAdam: Export Run', placeHolder: 'Which format?' });
  if (!format) return { exported: false };
  const result = await exportRuns(runsDir, format.format, [run.id]);
  if (result?.skippedLines) {
    void vscode.window.showWarningMessage(
      `RAdam: exported ${printable(run.label, 60)}; ${result.skippedLines} unreadable line${result.skippedLines > 1 ? 's' : ''} of its files ${result.skippedLines > 1 ? 'were' : 'was'} left out.`,
    );
  }
  return result ? { exported: true, file: result.uri.fsPath, skippedLines: result.skippedLines } : { exported: false };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const disposables = Object.keys(COMPARISONS).map((id) =>
    vscode.commands.registerCommand(id, (opts?: { alongside?: boolean }) => startComparison(id, deps, opts)),
  );
  disposables.push(
    vscode.commands.registerCommand('radam.stopTraining', async () => {
      const n = deps.manager.running.length;
      if (!n) {
        void vscode.window.showInformationMessage('RAdam: nothing is training.');
        return { stopped: 0 };
      }
      return { stopped: await deps.manager.stopAll() };
    }),
    vscode.commands.registerCommand('radam.exportRun', () => exportRunCommand()),
  );
  return disposables;
}
