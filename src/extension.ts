// Extension entry: wires commands, the dashboard panel (and its serializer, so a reloaded window gets
// its dashboard back), and the output channel. Heavy work never runs here: training happens in a
// forked trainer process (src/host/trainerProcess.ts).
import * as vscode from 'vscode';
import { DashboardPanel, DASHBOARD_VIEW_TYPE, type DashboardDeps } from './panel/dashboardPanel';
import { probeBackend } from './host/trainerProcess';
import type { BackendReport } from './protocol/trainer';

export interface RadamLabApi {
  /** For tests: the dashboard panel currently open, if any. */
  dashboard(): DashboardPanel | undefined;
  backend(): Promise<BackendReport>;
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

  const deps: DashboardDeps = { extensionUri: context.extensionUri, log, backend: getBackend };

  context.subscriptions.push(
    vscode.commands.registerCommand('radam.openDashboard', () => {
      DashboardPanel.show(deps);
    }),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        DashboardPanel.revive(panel, deps);
      },
    }),
  );

  return { dashboard: () => DashboardPanel.instance, backend: getBackend };
}

export function deactivate(): void {
  // Nothing global to release: every disposable is in context.subscriptions.
}
