// The "RAdam Dashboard" webview panel: one per window, revived after a reload by the serializer
// registered in extension.ts (activation event onWebviewPanel:radamLab.dashboard).
import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type WebviewToHost } from '../protocol/webview';
import type { BackendReport } from '../protocol/trainer';
import { dashboardHtml } from './html';

export const DASHBOARD_VIEW_TYPE = 'radamLab.dashboard';

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  log: (line: string) => void;
  /** The backend the trainer process will use (probed once per session, lazily). */
  backend: () => Promise<BackendReport>;
}

export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the dashboard, or reveals it if it is already open. */
  static show(deps: DashboardDeps): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'RAdam Dashboard', vscode.ViewColumn.Active, {});
    return new DashboardPanel(panel, deps);
  }

  /** Adopts a panel VS Code restored after a window reload. */
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
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(deps.extensionUri, 'media'),
      ],
    };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    panel.webview.html = dashboardHtml(panel.webview, deps.extensionUri, vscode.Uri.joinPath);
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  post(msg: HostToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(msg);
  }

  private receive(raw: unknown): void {
    if (!isWebviewToHost(raw)) {
      this.deps.log(`[dashboard] ignored an unknown message: ${JSON.stringify(raw).slice(0, 200)}`);
      return;
    }
    this.handle(raw);
  }

  private handle(msg: WebviewToHost): void {
    switch (msg.type) {
      case 'ready':
        void this.sendBackend();
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

  private dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
