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
import { paperLrRobustnessComparisons, paperTransformerComparison } from '../runSpec/presets';
import { processesFromSettings, threadsFromSettings } from '../runSpec/fromSettings';
import type { ComparisonSpec, RunSpec } from '../runSpec/runSpec';
import { optimizerDefault } from '../runSpec/schema';
import type { SettingValues } from '../runSpec/fromSettings';
import { readSettings, showSettingProblems, specFromWorkspace } from './settings';
import type { ActiveComparison, TrainingManager } from './trainingManager';

export interface StartResult {
  started: boolean;
  /** Why nothing started: setting problems (keys), no workspace, untrusted, or cancelled by the user. */
  reason?: string;
  problems?: string[];
  comparisonId?: string;
  /** Every comparison started (a preset with several seeds starts one per seed); comparisonId is the first. */
  comparisonIds?: string[];
  runIds?: string[];
  runsDir?: string;
}

export interface CommandDeps {
  manager: TrainingManager;
  dashboard: DashboardDeps;
  log: (line: string) => void;
}

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

/** What a command was called with: from a keybinding, another extension or a test. */
export interface StartOptions {
  /** Start alongside what is running without asking. */
  alongside?: boolean;
  /** Presets only: train this many steps instead of the preset's (tests run a short version). */
  steps?: number;
}

/** One comparison, or several started together (a preset's seeds: a comparison shares one seed). */
/** `settings`: every radam.* value, validated, unset ones at their declared defaults. */
type Build = (base: RunSpec, settings: SettingValues, opts: StartOptions) => ComparisonSpec | ComparisonSpec[];

interface CommandEntry {
  title: string;
  build: Build;
  /** When every comparison has ended, show final loss or validation accuracy against learning rate. */
  sweep?: SweepResult['metric'];
}

const COMPARISONS: Record<string, CommandEntry> = {
  'radam.startTraining': { title: 'RAdam training', build: (base) => singleRun(base) },
  'radam.compareWithAdam': {
    title: 'RAdam vs Adam',
    build: (base, c) =>
      compareWithAdam(base, {
        includeAdam2k: c['radam.compare.includeAdam2k'] as boolean,
        includeAdamEps: c['radam.compare.includeAdamEps'] as boolean,
      }),
  },
  'radam.compareWarmupSchedules': {
    title: 'RAdam vs Adam with warmup',
    build: (base, c) =>
      compareWarmups(base, c['radam.compare.warmupSteps'] as number[], c['radam.compare.exponentialWarmup'] as boolean),
  },
  // The paper's phenomenon at small scale (docs/transformer-experiment.md): a fixed configuration, not
  // the workspace's data/model settings, because it only shows in a narrow window.
  'radam.paperTransformer': { title: 'Paper: Transformer without warmup', build: (_b, _c, o) => paperTransformerComparison({ steps: o.steps }) },
  // The paper's Figure 3 at small scale (docs/lr-robustness.md): RAdam and Adam at 4 rates, 3 seeds.
  'radam.paperLrRobustness': {
    title: 'Paper: learning-rate robustness',
    build: (_b, _c, o) => paperLrRobustnessComparisons({ steps: o.steps }),
    sweep: 'accuracy',
  },
  'radam.learningRateSweep': {
    title: 'learning-rate sweep',
    build: (base, c) => learningRateSweep(base, c['radam.compare.learningRates'] as number[]),
    sweep: 'loss',
  },
};

async function startComparison(commandId: string, deps: CommandDeps, opts: StartOptions = {}): Promise<StartResult> {
  const { title, build, sweep } = COMPARISONS[commandId];
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
  const settings = readSettings(folder);
  const spec = specFromWorkspace(settings, folder);
  if (!spec.ok) {
    void showSettingProblems(spec.problems);
    return { started: false, reason: 'invalid settings', problems: spec.problems.map((p) => p.key) };
  }
  // The compare.* lists were validated with every other setting above.

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
  const built = build(spec.spec, settings, opts);
  const comparisons = Array.isArray(built) ? built : [built];
  const entries: ActiveComparison[] = [];
  try {
    for (const comparison of comparisons) {
      entries.push(
        deps.manager.start({
          comparison,
          title: comparisons.length > 1 ? `${title} (seed ${comparison.runs[0].seed})` : title,
          runsDir,
          workspaceRoot: folder.uri.fsPath,
          threads: threadsFromSettings(settings),
          processes: processesFromSettings(settings),
          alongside: comparisons.length - 1,
        }),
      );
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // A preset's later seed refused: stop the ones already started rather than leave half a figure.
    for (const started of entries) started.trainer.stop(`${title} could not start`);
    void vscode.window.showErrorMessage(`RAdam: could not start ${title}: ${msg}`);
    return { started: false, reason: msg };
  }
  const runIds = entries.flatMap((e) => e.runIds);
  const panel = DashboardPanel.show(deps.dashboard);
  panel.showRuns(runIds, { replace: true });
  for (const e of entries) deps.manager.showProgress(e);
  if (sweep) void reportSweep(entries, sweep, deps);
  return { started: true, comparisonId: entries[0].comparisonId, comparisonIds: entries.map((e) => e.comparisonId), runIds, runsDir };
}

/**
 * When every comparison of a sweep has ended: final loss (or validation accuracy) against learning rate,
 * one line per optimizer; with several seeds, the chart shows their mean and spread.
 */
async function reportSweep(entries: ActiveComparison[], metric: SweepResult['metric'], deps: CommandDeps): Promise<void> {
  await Promise.all(entries.map((e) => e.ended));
  const seeds = new Set(entries.map((e) => e.comparison.runs[0].seed)).size;
  const result: SweepResult = {
    title: `Final ${metric === 'accuracy' ? 'validation accuracy' : 'loss'} against learning rate${seeds > 1 ? `, ${seeds} seeds` : ''}`,
    metric,
    points: entries.flatMap((entry) => {
      const records = new Map(listRuns(entry.runsDir).map((r) => [r.id, r]));
      return entry.runIds.map((id, i) => {
        const spec = entry.comparison.runs[i];
        const rec = records.get(id);
        const diverged = rec?.status === 'diverged';
        const value = metric === 'accuracy' ? rec?.summary?.finalValAccuracy : rec?.summary?.finalLoss;
        return {
          optimizer: spec.optimizer.name === 'radam' ? 'RAdam' : 'Adam',
          lr: spec.optimizer.learningRate ?? optimizerDefault(spec.optimizer.name, 'learningRate'),
          value: diverged ? null : (value ?? null),
          runId: id,
          diverged,
          ...(seeds > 1 ? { seed: spec.seed } : {}),
        };
      });
    }),
  };
  DashboardPanel.instance?.showSweep(result);
  deps.log(`[host] sweep: ${result.points.map((p) => `${p.optimizer}@${p.lr}${p.seed !== undefined ? `#${p.seed}` : ''}=${p.value ?? 'diverged'}`).join(', ')}`);
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
    vscode.commands.registerCommand(id, (opts?: StartOptions) => startComparison(id, deps, opts)),
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
