// The extension host's side of a comparison's end (issue 13), with a real trainer child process and the
// real TrainingManager and status bar, on a minimal stand-in for the `vscode` module (this layer runs in
// plain Node; the integration layer runs the same code in a real VS Code):
//   - the comparison leaves the running list before the end event, so the status bar shows the end;
//   - the status bar text and a notification say how each run ended, with the reasons (kill -9 included);
//   - a comparison split over two trainer processes (issue 17): kill -9 of ONE fails only its runs, with
//     the exit as the reason; the other process's runs finish; every file on disk stays whole.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import type { TrainingManager as TrainingManagerType } from '../../src/commands/trainingManager';
import { METRICS_FILE } from '../../src/runs';
import type { ComparisonSpec } from '../../src/runSpec/runSpec';
import { DIST, assertBinaryAgrees, assertNoneRunning, assertWholeLines, smallRunSpec as spec, tmpDir, waitUntil } from './helpers';

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

  /** `processes`: radam.training.processes (auto splits the long one: 200,000 steps are worth a second process). */
  function start(steps: number, processes: 'auto' | 1 = 'auto') {
    const comparison: ComparisonSpec = { kind: 'compare-adam', runs: [spec('RAdam', 'radam', steps), spec('Adam', 'adam', steps)] };
    const runningAtEnd: number[] = [];
    const sub = manager.onEvent(({ message }) => {
      if (message.type === 'comparisonEnded') runningAtEnd.push(manager.running.length);
    });
    const entry = manager.start({ comparison, title: 'RAdam vs Adam', runsDir: dir, workspaceRoot: dir, processes });
    assert.equal(entry.trainer.trainers.length, 1, 'one trainer process');
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
    const { entry, runningAtEnd, sub } = start(200_000, 1);
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

  it('split over two trainer processes, kill -9 of one: only its run fails (the exit named), the others finish, files whole', async () => {
    // Three runs of the long spec; the split is forced (auto would keep a comparison this small in one process).
    const steps = 3_000;
    const comparison: ComparisonSpec = {
      kind: 'compare-adam',
      runs: [spec('RAdam', 'radam', steps), spec('Adam', 'adam', steps), { ...spec('Adam 2', 'adam', steps), optimizer: { name: 'adam', learningRate: 3e-3 } }],
    };
    const messages: string[] = [];
    const sub = manager.onEvent(({ message }) => messages.push(message.type));
    const entry = manager.start({ comparison, title: 'three', runsDir: dir, workspaceRoot: dir, processes: 2 });
    assert.deepEqual(entry.trainer.runParts, [[0, 1], [2]]);
    const [keep, kill] = entry.trainer.trainers;
    const victim = entry.runIds[2];
    await waitUntil('lines of every run on disk', () => entry.runIds.every((id) => fs.existsSync(path.join(dir, id, METRICS_FILE)) && fs.statSync(path.join(dir, id, METRICS_FILE)).size > 2000));
    const pid = kill.pid!;
    process.kill(pid, 'SIGKILL');
    const exit = await kill.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(keep.child.exitCode === null, 'the other process goes on');
    assert.equal(manager.running.length, 1, 'the comparison is still on while the other part trains');
    const ended = await entry.ended;
    sub.dispose();
    assert.equal(ended.ok, false);
    assert.match(ended.error ?? '', new RegExp(`trainer process ${pid} was killed by SIGKILL`));
    assert.equal(messages.filter((m) => m === 'comparisonEnded').length, 1, 'one end for the comparison');
    const byId = new Map(entry.runEnds.map((r) => [r.runId, r]));
    assert.equal(byId.get(victim)?.status, 'failed');
    assert.match(byId.get(victim)?.reason ?? '', new RegExp(`trainer process ${pid} was killed by SIGKILL`));
    for (const id of entry.runIds.slice(0, 2)) assert.equal(byId.get(id)?.status, 'finished', `${id} finished`);
    assert.equal(item.text, '$(error) RAdam: three: 2 finished, 1 failed');
    // On disk: nothing left running, every line whole, the binary files agree; the finished runs complete.
    const records = assertNoneRunning(dir);
    assert.deepEqual(records.map((r) => r.id).sort(), [...entry.runIds].sort());
    const { lastStep } = assertWholeLines(dir);
    assertBinaryAgrees(dir, lastStep);
    for (const id of entry.runIds.slice(0, 2)) assert.equal(lastStep[id], steps);
    assert.ok(lastStep[victim] > 0 && lastStep[victim] < steps, `the killed run kept its ${lastStep[victim]} steps`);
    assert.equal(records.find((r) => r.id === victim)?.summary?.steps, lastStep[victim]);
    await keep.exited;
  });
});
