// Kills, with real processes (issue 13):
//   kill -9 of the trainer child (the extension host's path: TrainerProcess marks the runs failed and
//   says why; the notification text is built from the same messages),
//   kill -9 of the CLI (nobody is left to mark the runs: `radam-lab list` reconciles them),
//   a pid reused by another process (the run must not look alive for ever), and a live owner (left alone).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeComparisonEnd, type RunEnd } from '../../src/commands/comparisonEnd';
import { TrainerProcess } from '../../src/host/trainerProcess';
import type { TrainerToHost } from '../../src/protocol/trainer';
import { METRICS_FILE, listRunEntries, newComparisonId, processStartOf, readRun, runIdFor, writeJsonAtomic, RUN_FILE, type RunRecord } from '../../src/runs';
import type { ComparisonSpec } from '../../src/runSpec/runSpec';
import { DIST, smallRunSpec as spec, assertNoStack, assertNoneRunning, assertWholeLines, cli, cliAsync, exited, readRecord, runFolders, tmpDir, waitUntil } from './helpers';

describe('faults: kills and stale runs', function () {
  this.timeout(120_000);
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => (dir = tmpDir('kill')));
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await exited(c);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of the trainer child: every run becomes failed with the reason, on disk and in the messages; the end is reported as an error', async () => {
    const t = new TrainerProcess({ distDir: DIST, log: () => {} });
    children.push(t.child);
    const seen: TrainerToHost[] = [];
    t.onMessage((m) => seen.push(m));
    const comparison: ComparisonSpec = { kind: 'compare-adam', runs: [spec('RAdam', 'radam', 200_000), spec('Adam', 'adam', 200_000)] };
    const { runIds } = t.startComparison({ comparison, runsDir: dir });
    await waitUntil('lines on disk', () => runIds.every((id) => fs.existsSync(path.join(dir, id, METRICS_FILE)) && fs.statSync(path.join(dir, id, METRICS_FILE)).size > 5000));
    process.kill(t.pid!, 'SIGKILL');
    const exit = await t.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.match(exit.failure ?? '', /killed by SIGKILL/);
    const records = assertNoneRunning(dir);
    const { lastStep } = assertWholeLines(dir);
    for (const r of records) {
      assert.equal(r.status, 'failed');
      assert.match(r.reason ?? '', new RegExp(`trainer process ${t.pid} was killed by SIGKILL`));
      assert.equal(r.summary?.steps, lastStep[r.id]);
    }
    const ends = seen.filter((m): m is Extract<TrainerToHost, { type: 'runEnded' }> => m.type === 'runEnded');
    assert.deepEqual(ends.map((e) => e.runId).sort(), [...runIds].sort());
    const ended = seen.find((m) => m.type === 'comparisonEnded');
    assert.ok(ended && ended.type === 'comparisonEnded' && !ended.ok);
    // What the status bar and the notification say (TrainingManager feeds describeComparisonEnd these messages).
    const runEnds: RunEnd[] = ends.map((e) => ({ runId: e.runId, label: runIds.indexOf(e.runId) === 0 ? 'RAdam' : 'Adam', status: e.status, reason: e.reason, step: e.step }));
    const text = describeComparisonEnd('RAdam vs Adam', runEnds, 2, ended.error);
    assert.equal(text.level, 'error');
    assert.equal(text.statusText, '$(error) RAdam: RAdam vs Adam: 2 failed');
    assert.match(text.message, /RAdam failed: trainer process \d+ was killed by SIGKILL.*; Adam failed: trainer process \d+ was killed by SIGKILL/);
  });

  it('kill -9 of the CLI: `list` reconciles the dead runs (failed, with the reason, written to run.json; a cut last line removed), no stack', async () => {
    const child = cliAsync(['train', '--steps', '1000000', '--hidden', '16,16', '--compare', 'adam', '--out', 'runs', '--quiet'], { cwd: dir });
    children.push(child);
    const runsDir = path.join(dir, 'runs');
    await waitUntil('lines on disk', () => {
      const ids = runFolders(runsDir);
      return ids.length === 2 && ids.every((id) => fs.existsSync(path.join(runsDir, id, METRICS_FILE)) && fs.statSync(path.join(runsDir, id, METRICS_FILE)).size > 5000);
    });
    child.kill('SIGKILL');
    await exited(child);
    for (const id of runFolders(runsDir)) assert.equal(readRecord(runsDir, id).status, 'running', 'precondition: nobody marked the runs');
    // SIGKILL can interrupt a write to a regular file part way: leave what that looks like in one run.
    const [cut] = runFolders(runsDir);
    fs.appendFileSync(path.join(runsDir, cut, METRICS_FILE), '{"step": 999999, "loss": 0.12');
    fs.appendFileSync(path.join(runsDir, cut, 'histograms.jsonl'), '{"step": 999990, "counts": [1, 2');
    const list = cli(['list', '--out', 'runs'], { cwd: dir });
    assert.equal(list.code, 0);
    assertNoStack(list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, new RegExp(`failed +(RAdam|Adam) +steps \\d+ +loss [0-9.]+ +\\(trainer process ${child.pid} ended without finishing the run\\)`));
    const records = assertNoneRunning(runsDir);
    const { lastStep } = assertWholeLines(runsDir);
    for (const r of records) assert.equal(r.summary?.steps, lastStep[r.id], 'summary rebuilt from metrics.jsonl');
    const json = JSON.parse(cli(['list', '--out', 'runs', '--json'], { cwd: dir }).stdout);
    assert.deepEqual(json.map((x: { status: string }) => x.status), ['failed', 'failed']);
  });

  it('a pid reused by another process: the run is failed (process start time differs); the real owner, alive, is left running', async () => {
    const sleeper = spawn('sleep', ['60']);
    children.push(sleeper);
    await waitUntil('sleep started', () => processStartOf(sleeper.pid!) !== undefined);
    const cid = newComparisonId();
    const make = (index: number, label: string, processStart: string): RunRecord => ({
      format: 1,
      id: runIdFor(cid, index, label),
      comparisonId: cid,
      comparisonKind: 'single',
      index,
      label,
      spec: spec(label, 'radam', 100),
      status: 'running',
      startedAt: new Date().toISOString(),
      endedAt: null,
      backend: { name: 'tensorflow', native: true },
      pid: sleeper.pid!,
      processStart,
      parameters: 1,
      dataset: { task: 'classification', inputShape: [2], outputSize: 3, trainExamples: 1, validationExamples: 0 },
      summary: null,
    });
    const [boot, ticks] = processStartOf(sleeper.pid!)!.split('/');
    const reused = make(0, 'reused', `${boot}/${Number(ticks) - 1000}`);
    const owned = make(1, 'owned', `${boot}/${ticks}`);
    for (const r of [reused, owned]) {
      fs.mkdirSync(path.join(dir, r.id));
      writeJsonAtomic(path.join(dir, r.id, RUN_FILE), r);
    }
    const list = cli(['list', '--out', '.'], { cwd: dir });
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`${reused.id}  failed .*its pid now belongs to another process`));
    assert.match(list.stdout, new RegExp(`${owned.id}  running `));
    assert.equal(readRecord(dir, reused.id).status, 'failed');
    assert.equal(readRecord(dir, owned.id).status, 'running');
    // The same rule in-process (the dashboard and activation call listRunEntries).
    const entries = listRunEntries(dir);
    assert.deepEqual(entries.map((e) => e.record?.status), ['failed', 'running']);
    sleeper.kill('SIGKILL');
    await exited(sleeper);
    assert.deepEqual(listRunEntries(dir).map((e) => e.record?.status), ['failed', 'failed'], 'once the owner is gone, it is failed too');
    assert.ok(readRun(dir, owned.id));
  });
});
