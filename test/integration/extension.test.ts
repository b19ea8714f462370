// Runs inside a real VS Code extension host (see ./index.ts and test/harness/integration.mjs).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor as poll } from './waitFor';

const EXTENSION_ID = 'radam-lab.radam-lab';
const DASHBOARD_VIEW_TYPE = 'radamLab.dashboard';

function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(DASHBOARD_VIEW_TYPE));
}

/** Polls until `probe` answers (waitFor.ts), 15_000 ms unless told. */
function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  return poll(what, probe, timeoutMs);
}

describe('RAdam Lab extension', () => {
  it('runs in VS Code with the sample workspace open', () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'one workspace folder');
    assert.equal(path.basename(folders[0].uri.path), 'workspace');
  });

  it(`activates (${EXTENSION_ID})`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed in the extension host`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    const contributed: string[] = (ext.packageJSON?.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes at least one command');
    assert.ok(contributed.includes('radam.openDashboard'), 'contributes radam.openDashboard');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('"RAdam: Open Dashboard" opens the dashboard webview panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(dashboardTabs().length, 0);
    await vscode.commands.executeCommand('radam.openDashboard');
    const [tab] = await waitFor('a dashboard webview tab', () => {
      const tabs = dashboardTabs();
      return tabs.length ? tabs : undefined;
    });
    assert.ok(tab.input instanceof vscode.TabInputWebview);
    assert.ok(tab.input.viewType.includes(DASHBOARD_VIEW_TYPE), tab.input.viewType);
    // Running it again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand('radam.openDashboard');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(dashboardTabs().length, 1, 'a single dashboard panel');
  });
});
