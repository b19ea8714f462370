// The extension host's side of a comparison's end (issue 13), with a real trainer child process and the
// real TrainingManager and status bar, on a minimal stand-in for the `vscode` module (this layer runs in
// plain Node; the integration layer runs the same code in a real VS Code):
//   - the comparison leaves the running list before the end event, so the status bar shows the end;
//   - the status bar text and a notification say how each run ended, with the reasons (kill -9 included).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import type { TrainingManager as TrainingManagerType } from '../../src/commands/trainingManager';
import { METRICS_FILE } from '../../src/runs';
import type { ComparisonSpec } from '../../src/runSpec/runSpec';
import { DIST, smallRunSpec as spec, tmpDir, waitUntil } from './helpers';

interface Note {
  level: 'info' | 'warning' | 'error';
  message: string;
}

const notes: Note[] = [];
const item = { text: '', tooltip: '' as unknown, name: '', command: '', show() {}, hide() {}, dispose() {} };

class EventEmitter<T> {
  private listeners: Array<(e: T) => void> = [];
  event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

const vscodeStub = {
  EventEmitter,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15 },
  Disposable: { from: (...ds: Array<{ dispose(): void }>) => ({ dispose: () => ds.forEach((d) => d.dispose()) }) },
  commands: { executeCommand: async () => undefined },
  window: {
    createStatusBarItem: () => item,
    showInformationMessage: async (message: string) => void notes.push({ level: 'info', message }),
    showWarningMessage: async (message: string) => void notes.push({ level: 'warning', message }),
    showErrorMessage: async (message: string) => void notes.push({ level: 'error', message }),
    withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) =>
      task({ report() {} }, { onCancellationRequested: () => ({ dispose() {} }) }),
  },
};

describe('faults: the host reports how a comparison ended (status bar, notification)', function () {
  this.timeout(120_000);
  let dir: string;
  let manager: TrainingManagerType;
  let statusBar: { dispose(): void };
  const loader = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const originalLoad = loader._load;

  before(() => {
    loader._load = function (req: string, ...rest: unknown[]) {
      return req === 'vscode' ? vscodeStub : originalLoad.call(this, req, ...rest);
    };
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { TrainingManager } = require('../../src/commands/trainingManager') as typeof import('../../src/commands/trainingManager');
    const { trainingStatusBar } = require('../../src/commands/statusBar') as typeof import('../../src/commands/statusBar');
    /* eslint-enable @typescript-eslint/no-require-imports */
    manager = new TrainingManager(DIST, () => {});
    statusBar = trainingStatusBar(manager);
  });
  after(() => {
    statusBar.dispose();
    manager.dispose();
    loader._load = originalLoad;
  });
  beforeEach(() => {
    dir = tmpDir('host');
    notes.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function start(steps: number) {
    const comparison: ComparisonSpec = { kind: 'compare-adam', runs: [spec('RAdam', 'radam', steps), spec('Adam', 'adam', steps)] };
    const runningAtEnd: number[] = [];
    const sub = manager.onEvent(({ message }) => {
      if (message.type === 'comparisonEnded') runningAtEnd.push(manager.running.length);
    });
    const entry = manager.start({ comparison, title: 'RAdam vs Adam', runsDir: dir, workspaceRoot: dir });
    return { entry, runningAtEnd, sub };
  }

  it('a comparison that finishes: the status bar shows its end (not "step 30/30"), an information notification', async () => {
    const { entry, runningAtEnd, sub } = start(30);
    await entry.ended;
    sub.dispose();
    assert.deepEqual(runningAtEnd, [0], 'the comparison was still on the running list when its end was announced');
    assert.equal(item.text, '$(check) RAdam: RAdam vs Adam: 2 finished');
    await waitUntil('the notification', () => notes.length > 0, 5000);
    assert.deepEqual(notes, [{ level: 'info', message: 'RAdam: RAdam vs Adam ended. RAdam finished (30 steps); Adam finished (30 steps).' }]);
  });

  it('kill -9 of the trainer: the status bar says 2 failed, an error notification gives the reason', async () => {
    const { entry, runningAtEnd, sub } = start(200_000);
    await waitUntil('lines on disk', () => entry.runIds.every((id) => fs.existsSync(path.join(dir, id, METRICS_FILE)) && fs.statSync(path.join(dir, id, METRICS_FILE)).size > 5000));
    const pid = entry.trainer.pid!;
    process.kill(pid, 'SIGKILL');
    await entry.ended;
    sub.dispose();
    assert.deepEqual(runningAtEnd, [0]);
    assert.equal(item.text, '$(error) RAdam: RAdam vs Adam: 2 failed');
    assert.match(String(item.tooltip), new RegExp(`RAdam failed: trainer process ${pid} was killed by SIGKILL`));
    await waitUntil('the notification', () => notes.length > 0, 5000);
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.equal(notes[0].level, 'error');
    assert.match(notes[0].message, new RegExp(`RAdam failed: trainer process ${pid} was killed by SIGKILL.*; Adam failed: trainer process ${pid} was killed by SIGKILL`));
  });
});
