// The user's commands, run in the real extension host on the sample workspace (whose
// .vscode/settings.json keeps runs short: radam.training.steps = 30). Runs land in the workspace's
// .radam/runs, as for a user; the folder is emptied first so counts are exact.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RadamLabApi } from '../../src/extension';
import type { StartResult } from '../../src/commands';
import { waitFor as poll } from './waitFor';

const EXTENSION_ID = 'radam-lab.radam-lab';

let api: RadamLabApi;
let folder: vscode.WorkspaceFolder;
let runsDir: string;
let settingsFile: string;
let originalSettings: string;

interface RunJson {
  id: string;
  status: string;
  pid?: number;
  comparisonId: string;
  spec: { label: string; optimizer: { name: string; learningRate?: number } };
}

function readRun(id: string): RunJson {
  return JSON.parse(fs.readFileSync(path.join(runsDir, id, 'run.json'), 'utf8'));
}

function metricLines(id: string): Array<{ step: number; loss: number; rhoT: number | null; rT: number | null }> {
  const file = path.join(runsDir, id, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** Polls until `probe` answers (waitFor.ts), 60_000 ms unless told. */
function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  return poll(what, probe, timeoutMs);
}

/** Sets a workspace setting; returns a function that puts back the value the workspace had. */
async function setSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('radam', folder.uri);
  const previous = config.inspect(key)?.workspaceValue;
  await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  return () => Promise.resolve(config.update(key, previous, vscode.ConfigurationTarget.Workspace));
}

async function run(command: string): Promise<StartResult> {
  const result = await vscode.commands.executeCommand<StartResult>(command);
  if (result.started) await api.whenEnded(result.comparisonId!);
  return result;
}

describe('RAdam commands', function () {
  this.timeout(180_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<RadamLabApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    folder = vscode.workspace.workspaceFolders![0];
    runsDir = path.join(folder.uri.fsPath, '.radam', 'runs');
    fs.rmSync(runsDir, { recursive: true, force: true });
    settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
    originalSettings = fs.readFileSync(settingsFile, 'utf8');
  });

  afterEach(async () => {
    for (const c of api.running()) {
      await vscode.commands.executeCommand('radam.stopTraining');
      await api.whenEnded(c.comparisonId);
    }
  });

  after(() => {
    // Leave the fixture exactly as it was in git.
    fs.writeFileSync(settingsFile, originalSettings);
  });

  it('"RAdam: Start Training" trains one RAdam run in a separate process and saves it', async () => {
    const result = await vscode.commands.executeCommand<StartResult>('radam.startTraining');
    assert.equal(result.started, true, JSON.stringify(result));
    assert.equal(result.runIds!.length, 1);
    const trainerPid = api.trainerPid(result.comparisonId!);
    assert.ok(trainerPid && trainerPid !== process.pid, `trainer pid ${trainerPid} differs from the host's ${process.pid}`);
    await api.whenEnded(result.comparisonId!);

    const id = result.runIds![0];
    const record = readRun(id);
    assert.equal(record.status, 'finished');
    assert.equal(record.spec.optimizer.name, 'radam');
    const lines = metricLines(id);
    assert.equal(lines.length, 30, 'one metrics line per step (radam.training.steps = 30)');
    assert.deepEqual(
      lines.map((l) => l.step),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    // beta2 = 0.999: rho_t <= 5 for t <= 5 (momentum phase, r_t null), rectified from t = 6.
    assert.equal(lines[4].rT, null);
    assert.ok(lines[5].rT !== null && lines[5].rT > 0 && lines[5].rT < 1);
    // The extension host never loaded TensorFlow.
    const loaded = Object.keys(require.cache).filter((k) => k.includes('tfjs-node') || k.includes('tfjs-core'));
    assert.deepEqual(loaded, [], 'no tfjs module in the extension host');
    // The dashboard was opened for it.
    assert.ok(api.dashboard(), 'the dashboard is open');
  });

  it('"RAdam: Stop Training" stops a run in progress; its data stays, marked stopped', async () => {
    const restore = await setSetting('training.steps', 200_000);
    try {
      const result = await vscode.commands.executeCommand<StartResult>('radam.startTraining');
      assert.equal(result.started, true);
      const id = result.runIds![0];
      await waitFor('streamed metrics on disk', () => metricLines(id).length >= 5);
      const stopped = await vscode.commands.executeCommand<{ stopped: number }>('radam.stopTraining');
      assert.equal(stopped.stopped, 1);
      await api.whenEnded(result.comparisonId!);
      assert.equal(readRun(id).status, 'stopped');
      const n = metricLines(id).length;
      assert.ok(n >= 5 && n < 200_000, `kept ${n} steps`);
    } finally {
      await restore();
    }
  });

  it('"RAdam: Compare with Adam" trains RAdam, Adam and Adam with untuned warmup from identical weights', async () => {
    const result = await run('radam.compareWithAdam');
    assert.equal(result.started, true);
    assert.equal(result.runIds!.length, 3);
    const records = result.runIds!.map(readRun);
    assert.deepEqual(
      records.map((r) => r.spec.optimizer.name),
      ['radam', 'adam', 'adam'],
    );
    assert.ok(records.every((r) => r.status === 'finished' && r.comparisonId === result.comparisonId));
    for (const id of result.runIds!) assert.equal(metricLines(id).length, 30, `${id}: 30 steps, as the workspace settings say`);
    const first = result.runIds!.map((id) => metricLines(id)[0].loss);
    // Same initial weights and the same first batch: the loss before the first update is identical.
    assert.ok(first.every((l) => l === first[0]), `initial losses ${first.join(', ')}`);
  });

  it('a comparison split over two trainer processes (radam.training.processes = 2) draws the same curves as in one', async () => {
    const compareIn = async (processes: number) => {
      const restore = await setSetting('training.processes', processes);
      try {
        return await run('radam.compareWithAdam');
      } finally {
        await restore();
      }
    };
    const one = await compareIn(1);
    const two = await compareIn(2);
    assert.equal(one.started && two.started, true);
    const pids = (r: StartResult) => r.runIds!.map((id) => readRun(id).pid);
    const [a, b, c] = pids(two);
    // The trainer writes its own pid into each run's record: runs 1-2 in one process, run 3 in another.
    assert.ok(a && c && a === b && c !== a, `split runs' trainer pids ${[a, b, c].join(', ')}`);
    assert.ok(![a, c].includes(process.pid), 'neither is the extension host');
    assert.equal(new Set(pids(one)).size, 1, 'in one process: one pid');
    for (const [i, id] of two.runIds!.entries()) {
      assert.equal(readRun(id).status, 'finished', `${id} finished`);
      // Same data, batches and initial weights in each process: every run's losses, bit for bit.
      assert.deepEqual(
        metricLines(id).map((l) => l.loss),
        metricLines(one.runIds![i]).map((l) => l.loss),
        `run ${i + 1}: split and one-process losses`,
      );
    }
  });

  it('"RAdam: Compare Warmup Schedules" trains RAdam and one Adam per warmup length', async () => {
    const restore = await setSetting('compare.warmupSteps', [0, 10]);
    try {
      const result = await run('radam.compareWarmupSchedules');
      assert.equal(result.started, true);
      assert.deepEqual(
        result.runIds!.map((id) => readRun(id).spec.label),
        ['RAdam', 'Adam, no warmup', 'Adam, linear warmup 10'],
      );
    } finally {
      await restore();
    }
  });

  it('"RAdam: Learning-Rate Sweep" gives one run per (optimizer, rate)', async () => {
    const restore = await setSetting('compare.learningRates', [0.1, 0.01]);
    try {
      const result = await run('radam.learningRateSweep');
      assert.equal(result.started, true);
      const pairs = result.runIds!.map((id) => {
        const r = readRun(id);
        return `${r.spec.optimizer.name}@${r.spec.optimizer.learningRate}`;
      });
      assert.deepEqual(pairs.sort(), ['adam@0.01', 'adam@0.1', 'radam@0.01', 'radam@0.1']);
    } finally {
      await restore();
    }
  });

  it('"RAdam: Paper: learning-rate robustness" trains RAdam and Adam at 4 rates on 3 seeds, then charts validation accuracy per (optimizer, lr, seed)', async () => {
    // A short version (steps: 3) of the preset: the same 24 runs, one comparison per seed.
    const result = await vscode.commands.executeCommand<StartResult>('radam.paperLrRobustness', { steps: 3 });
    assert.equal(result.started, true, JSON.stringify(result));
    assert.equal(result.comparisonIds!.length, 3);
    await Promise.all(result.comparisonIds!.map((id) => api.whenEnded(id)));
    const records = result.runIds!.map(readRun) as Array<RunJson & { spec: { seed: number; steps: number; model: { name: string; layers: number } } }>;
    assert.equal(records.length, 24);
    const triples = records.map((r) => `${r.spec.optimizer.name}@${r.spec.optimizer.learningRate}#${r.spec.seed}`).sort();
    const expected = ['adam', 'radam'].flatMap((o) => [0.003, 0.01, 0.03, 0.1].flatMap((lr) => [1, 2, 3].map((seed) => `${o}@${lr}#${seed}`))).sort();
    assert.deepEqual(triples, expected);
    // One comparison per seed (a comparison shares data, initial weights and batches).
    for (const id of result.comparisonIds!) {
      const mine = records.filter((r) => r.comparisonId === id);
      assert.equal(mine.length, 8);
      assert.equal(new Set(mine.map((r) => r.spec.seed)).size, 1, `comparison ${id} has one seed`);
    }
    assert.ok(records.every((r) => r.status === 'finished' && r.spec.steps === 3 && r.spec.model.name === 'transformer' && r.spec.model.layers === 4));
    for (const id of result.runIds!) assert.equal(metricLines(id).length, 3);
    // When all three have ended, the dashboard's sweep chart gets one point per run, with its seed.
    const sweep = await waitFor('the sweep result', () => {
      const s = api.dashboard()?.shownSweep();
      return s && s.points.length === 24 ? s : undefined;
    });
    assert.equal(sweep.metric, 'accuracy');
    assert.deepEqual(sweep.points.map((p) => `${p.optimizer === 'RAdam' ? 'radam' : 'adam'}@${p.lr}#${p.seed}`).sort(), expected);
    assert.ok(sweep.points.every((p) => p.value !== null && p.value >= 0 && p.value <= 1), JSON.stringify(sweep.points.map((p) => p.value)));
  });

  it('an invalid setting starts nothing and names the setting', async () => {
    const before = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).length : 0;
    const restore = await setSetting('training.batchSize', -3);
    try {
      const result = await vscode.commands.executeCommand<StartResult>('radam.startTraining');
      assert.equal(result.started, false);
      assert.deepEqual(result.problems, ['radam.training.batchSize']);
      assert.equal(fs.readdirSync(runsDir).length, before, 'no run folder was created');
    } finally {
      await restore();
    }
  });
});
