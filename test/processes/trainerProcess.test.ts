// The real trainer child (dist/trainer.js, built by scripts/build.mjs) driven through the host's handle:
// probe, streaming, stop, and a SIGKILL mid-run that must leave a readable run marked failed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrainerProcess } from '../../src/host/trainerProcess';
import type { TrainerToHost } from '../../src/protocol/trainer';
import { readRun } from '../../src/runs';
import { comparison } from '../unit/engine/specs';

const distDir = path.resolve('dist');
let dir: string;
const trainers: TrainerProcess[] = [];
const logs: string[] = [];

function trainer(): TrainerProcess {
  const t = new TrainerProcess({ distDir, log: (l) => logs.push(l) });
  trainers.push(t);
  return t;
}

function collect(t: TrainerProcess): TrainerToHost[] {
  const seen: TrainerToHost[] = [];
  t.onMessage((m) => seen.push(m));
  return seen;
}

describe('trainer process (forked dist/trainer.js)', function () {
  this.timeout(90_000);
  before(() => assert.ok(fs.existsSync(path.join(distDir, 'trainer.js')), 'run node scripts/build.mjs first'));
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-trainer-'))));
  afterEach(async () => {
    for (const t of trainers.splice(0)) {
      t.kill('SIGKILL');
      await t.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams a comparison in batches (<= ~20 messages/s) whose records are the files on disk', async () => {
    const t = trainer();
    const seen = collect(t);
    const spec = comparison(
      [
        { label: 'RAdam', optimizer: { name: 'radam', learningRate: 1e-2 } },
        { label: 'Adam', optimizer: { name: 'adam', learningRate: 1e-2 } },
      ],
      { steps: 300 },
    );
    const { comparisonId, runIds } = t.startComparison({ comparison: spec, runsDir: dir });
    const t0 = Date.now();
    const ended = await t.waitFor('comparisonEnded', 60_000);
    const firstMetrics = seen.findIndex((m) => m.type === 'metrics');
    const elapsed = (Date.now() - t0) / 1000;
    assert.equal(ended.ok, true, ended.error);
    assert.equal(ended.comparisonId, comparisonId);
    const started = seen.find((m) => m.type === 'comparisonStarted');
    assert.ok(started && started.type === 'comparisonStarted');
    assert.deepEqual(started.runs.map((r) => r.id), runIds);
    assert.notEqual(started.runs[0].pid, process.pid, 'trained in the child process');
    assert.ok(firstMetrics > 0);
    const metricMsgs = seen.filter((m) => m.type === 'metrics');
    assert.ok(metricMsgs.length <= Math.ceil(elapsed * 20) + 2, `${metricMsgs.length} messages in ${elapsed.toFixed(2)} s`);
    for (const id of runIds) {
      const run = readRun(dir, id)!;
      assert.equal(run.record.status, 'finished');
      const streamed = metricMsgs.flatMap((m) => (m.type === 'metrics' ? m.batches.filter((b) => b.runId === id).flatMap((b) => b.metrics) : []));
      assert.deepEqual(streamed, run.metrics, 'nothing dropped, nothing added');
      assert.equal(run.metrics.length, 300);
    }
    const runEnded = seen.filter((m) => m.type === 'runEnded');
    assert.deepEqual(runEnded.map((m) => m.type === 'runEnded' && m.status), ['finished', 'finished']);
    assert.equal(t.activeComparison, null);
  });

  it('SIGKILL mid-run leaves a readable run, marked failed with the signal by the host', async () => {
    const t = trainer();
    const seen = collect(t);
    const spec = comparison([{ label: 'RAdam', optimizer: { name: 'radam' } }], { steps: 1_000_000 });
    const { runIds } = t.startComparison({ comparison: spec, runsDir: dir });
    // Wait until some steps are on disk.
    await t.waitFor('metrics', 60_000, (m) => m.batches.some((b) => b.metrics.length > 0));
    await t.waitFor('metrics', 60_000);
    t.kill('SIGKILL');
    const exit = await t.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.match(exit.failure ?? '', /was killed by SIGKILL/);
    const run = readRun(dir, runIds[0])!;
    assert.equal(run.record.status, 'failed');
    assert.match(run.record.reason ?? '', /trainer process \d+ was killed by SIGKILL/);
    assert.ok(run.metrics.length > 0, 'the steps done before the kill are kept');
    assert.deepEqual(run.metrics.map((m) => m.step), Array.from({ length: run.metrics.length }, (_, i) => i + 1));
    assert.equal(run.record.summary?.steps, run.metrics.length);
    const failed = seen.find((m) => m.type === 'runEnded');
    assert.ok(failed && failed.type === 'runEnded' && failed.status === 'failed' && failed.runId === runIds[0]);
    const ended = seen.find((m) => m.type === 'comparisonEnded');
    assert.ok(ended && ended.type === 'comparisonEnded' && !ended.ok);
  });

  it('stop marks the runs stopped; the process stays up for the next comparison; probe still answers', async () => {
    const t = trainer();
    const spec = comparison([{ label: 'RAdam', optimizer: { name: 'radam' } }], { steps: 1_000_000 });
    const seen = collect(t);
    const a = t.startComparison({ comparison: spec, runsDir: dir });
    await t.waitFor('metrics', 60_000);
    // pause: no records while paused (the ones buffered before are flushed), then resume
    const paused = t.waitFor('paused', 10_000);
    t.pause();
    assert.equal((await paused).paused, true);
    await new Promise((r) => setTimeout(r, 150)); // a flush already in flight may still arrive
    const during = seen.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(seen.slice(during).filter((m) => m.type === 'metrics').length, 0, 'no metrics while paused');
    const resumed = t.waitFor('paused', 10_000);
    t.resume();
    assert.equal((await resumed).paused, false);
    await t.waitFor('metrics', 10_000);
    assert.throws(() => t.startComparison({ comparison: spec, runsDir: dir }), /still running/);
    t.stop('enough');
    const end = await t.waitFor('comparisonEnded', 30_000);
    assert.ok(end.ok);
    const run = readRun(dir, a.runIds[0])!;
    assert.equal(run.record.status, 'stopped');
    assert.equal(run.record.reason, 'enough');
    assert.ok(run.metrics.length >= 1);
    const reply = t.waitFor('backend');
    t.send({ type: 'probe' });
    const backend = (await reply).backend;
    assert.equal(backend.name, 'tensorflow');
    assert.equal(backend.pid, t.pid);
    // A malformed message is ignored (and logged by the trainer), not trusted.
    const log = t.waitFor('log', 10_000, (m) => /malformed/.test(m.text));
    t.send({ type: 'start', comparisonId: '../x', runIds: [], comparison: spec, runsDir: dir } as never);
    await log;
    const exit = await t.shutdown();
    assert.equal(exit.code, 0);
    assert.equal(exit.failure, undefined);
  });

  it('the trainer starts with the allocator settings and the thread settings it was given (its /proc environ)', async () => {
    // glibc and TensorFlow read these once, at start-up: only the child's own environment shows they took.
    const environ = (pid: number) =>
      Object.fromEntries(
        fs
          .readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
    const t = new TrainerProcess({ distDir, log: (l) => logs.push(l), env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' } });
    trainers.push(t);
    assert.ok(t.child.pid, 'the trainer was forked');
    const env = environ(t.child.pid);
    assert.equal(env.MALLOC_MMAP_THRESHOLD_, '33554432');
    assert.equal(env.MALLOC_TRIM_THRESHOLD_, '1073741824');
    assert.equal(env.MALLOC_TOP_PAD_, '268435456');
    assert.equal(env.TF_NUM_INTRAOP_THREADS, '1');

    // A user's own malloc tuning (exported before VS Code started) is passed on alone.
    const before = process.env.MALLOC_ARENA_MAX;
    process.env.MALLOC_ARENA_MAX = '2';
    try {
      const own = trainer();
      assert.ok(own.child.pid);
      const ownEnv = environ(own.child.pid);
      assert.equal(ownEnv.MALLOC_ARENA_MAX, '2');
      assert.equal(ownEnv.MALLOC_TRIM_THRESHOLD_, undefined);
    } finally {
      if (before === undefined) delete process.env.MALLOC_ARENA_MAX;
      else process.env.MALLOC_ARENA_MAX = before;
    }
  });

  it('a bad dataset ends the comparison with the error and no run folders', async () => {
    const t = trainer();
    const spec = comparison([{ label: 'RAdam', optimizer: { name: 'radam' } }], {
      dataset: { name: 'csv', validationSplit: 0.2, csvPath: 'missing.csv', csvLabelColumn: 'y' },
    });
    t.startComparison({ comparison: spec, runsDir: dir, workspaceRoot: dir });
    const end = await t.waitFor('comparisonEnded', 30_000);
    assert.equal(end.ok, false);
    assert.match(end.error ?? '', /missing\.csv/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
