// Reads the radam.* settings of a workspace folder and turns them into a run spec, or shows the user
// what is wrong: the setting, its value, what is accepted, and a button that opens that setting.
// Which settings there are, their ranges and defaults: the declaration (src/runSpec/schema.ts), the same
// one package.json's contributes.configuration is generated from.
import * as vscode from 'vscode';
import { runSpecFromSettings, type SettingValues, type SpecResult } from '../runSpec/fromSettings';
import { packagedSettingsSchema } from '../runSpec/schemaSource';
import type { SettingProblem } from '../runSpec/settingsSchema';
import { resolveInWorkspace } from '../shared/workspacePath';
import * as fs from 'node:fs';

/**
 * Current values of every radam.* setting for `folder` (user, workspace and folder levels merged); a
 * setting VS Code has no value for takes its declared default.
 */
export function readSettings(folder: vscode.WorkspaceFolder | undefined): SettingValues {
  const config = vscode.workspace.getConfiguration(undefined, folder?.uri);
  const values: SettingValues = {};
  for (const [key, s] of Object.entries(packagedSettingsSchema())) values[key] = config.get(key) ?? s.default;
  return values;
}

/** Settings → spec, including the checks that need the file system (the CSV file). */
export function specFromWorkspace(values: SettingValues, folder: vscode.WorkspaceFolder | undefined): SpecResult {
  const result = runSpecFromSettings(values);
  if (!result.ok || result.spec.dataset.name !== 'csv') return result;
  const csvPath = result.spec.dataset.csvPath ?? '';
  const problem = (accepted: string, message: string): SpecResult => ({
    ok: false,
    problems: [{ key: 'radam.training.csvPath', value: csvPath, accepted, message }],
  });
  if (!folder) return problem('a CSV file inside an open workspace folder', 'The csv dataset needs an open workspace folder; radam.training.csvPath is relative to it.');
  let resolved: string;
  try {
    resolved = resolveInWorkspace(csvPath, folder.uri.fsPath);
  } catch (e) {
    return problem('the path of a CSV file inside the workspace folder', `Setting radam.training.csvPath is ${JSON.stringify(csvPath)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
    return problem('an existing CSV file inside the workspace folder', `Setting radam.training.csvPath is ${JSON.stringify(csvPath)}, but there is no such file in ${folder.name}.`);
  }
  return result;
}

/** Shows the first problem (and how many more) with a button that opens the setting at fault. */
export async function showSettingProblems(problems: SettingProblem[]): Promise<void> {
  const [first, ...rest] = problems;
  const more = rest.length ? ` (and ${rest.length} more: ${rest.map((p) => p.key).join(', ')})` : '';
  const choice = await vscode.window.showErrorMessage(`RAdam: no run started. ${first.message}${more}`, 'Open Setting');
  if (choice === 'Open Setting') await vscode.commands.executeCommand('workbench.action.openSettings', first.key);
}
