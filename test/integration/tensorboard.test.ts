// "RAdam: Open TensorBoard Logs…" in the real extension host, with the folder given as the argument the
// folder picker would return: the runs of the Python-written fixtures are found and shown.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/tensorboard/logs');

describe('TensorBoard logs (extension host)', () => {
  it('opens a log folder: every run directory is found and the dashboard opens', async () => {
    const result = await vscode.commands.executeCommand<{ opened: string[]; runIds: string[] }>(
      'radam.openTensorBoardLogs',
      vscode.Uri.file(path.join(FIXTURES, 'lightning_logs')),
    );
    assert.deepEqual(result.opened, [path.join(FIXTURES, 'lightning_logs')]);
    assert.equal(result.runIds.length, 2, `version_0 and version_1: ${result.runIds.join(', ')}`);
    for (const id of result.runIds) assert.match(id, /^tb-[0-9a-f]{8}-version_[01]$/);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
    assert.ok(tabs.length >= 1, 'the dashboard is open');
  });

  it('a folder without event files opens nothing and does not fail', async () => {
    const result = await vscode.commands.executeCommand<{ runIds: string[] }>('radam.openTensorBoardLogs', path.join(FIXTURES, '..', 'no-such-folder'));
    assert.deepEqual(result.runIds, []);
  });
});
