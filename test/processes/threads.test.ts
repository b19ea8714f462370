// Thread settings change how fast a run trains, never what it computes (issue 8): the same seed gives the
// same loss curve with tfjs-node's default threads and with the tuned ones, to float32 rounding. Each
// setting needs a process of its own (TensorFlow reads them when it loads): the CLI (dist/cli.js) and the
// trainer (dist/trainer.js, forked the way TrainingManager does) are spawned with different environments,
// and run.json must say which settings each one really ran with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadEnvFor, tfThreadEnv } from '../../src/shared/threads';
import { TrainerProcess } from '../../src/host/trainerProcess';
import { readRun, type MetricRecord, type RunRecord } from '../../src/runs';
import type { ComparisonSpec } from '../../src/runSpec/runSpec';
import { runSpec } from '../unit/engine/specs';

const cli = path.resolve('dist', 'cli.js');
const distDir = path.resolve('dist');
let dir: string;

/** The environment of this process without any TF_* thread variable (tfjs-node's defaults). */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'TF_ENABLE_ONEDNN_OPTS']) delete env[k];
  return env;
}

// Big enough that a matMul is split across threads when there are two (digits, 784-64-64-10, batch 128),
// small enough for a unit test. RAdam and Adam in lockstep: both optimizers' curves are checked.
const spec: ComparisonSpec = {
  kind: 'compare-adam',
  runs: [
    runSpec({ label: 'RAdam', optimizer: { name: 'radam', learningRate: 1e-3 } }),
    runSpec({ label: 'Adam', optimizer: { name: 'adam', learningRate: 1e-3 } }),
  ].map((r) => ({
    ...r,
    dataset: { name: 'digits', validationSplit: 0.1, samples: 1000 },
    model: { name: 'mlp', hiddenLayers: [64, 64], activation: 'relu' },
    steps: 40,
    batchSize: 128,
    seed: 5,
  })),
};

interface Trained {
  records: RunRecord[];
  /** Loss per step of each run, in spec order. */
  curves: number[][];
}

function trained(runsDir: string, ids: string[]): Trained {
  const runs = ids.map((id) => readRun(runsDir, id)!);
  return { records: runs.map((r) => r.record), curves: runs.map((r) => r.metrics.map((m: MetricRecord) => m.loss)) };
}

function cliRun(env: NodeJS.ProcessEnv): Trained {
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
  const out = fs.mkdtempSync(path.join(dir, 'cli-'));
  const r = spawnSync(process.execPath, [cli, 'train', '--spec', 'spec.json', '--out', out, '--json', '--quiet'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return trained(out, JSON.parse(r.stdout.trim()).runs.map((x: { id: string }) => x.id));
}

async function trainerRun(env: Record<string, string>): Promise<Trained> {
  const runsDir = fs.mkdtempSync(path.join(dir, 'trainer-'));
  // As TrainingManager.start does: the thread variables go into the forked trainer's environment.
  const t = new TrainerProcess({ distDir, log: () => {}, env });
  try {
    const { runIds } = t.startComparison({ comparison: spec, runsDir });
    const ended = await t.waitFor('comparisonEnded', 120_000);
    assert.equal(ended.ok, true, ended.error);
    return trained(runsDir, runIds);
  } finally {
    await t.shutdown();
  }
}

describe('thread settings: same seed, same loss curve (default vs tuned threads)', function () {
  this.timeout(240_000);
  before(() => assert.ok(fs.existsSync(cli) && fs.existsSync(path.join(distDir, 'trainer.js')), 'run node scripts/build.mjs first'));
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-threads-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('CLI with tfjs-node defaults, CLI with the rule, trainer with 2 threads, trainer with the rule: equal curves to float32 rounding', async () => {
    const cores = os.cpus().length;
    const rule = tfThreadEnv(spec, cores, 'auto');
    // 0 = "TensorFlow decides" (its defaults); set, so the CLI's auto rule leaves them alone.
    const defaults = cliRun({ ...baseEnv(), TF_NUM_INTRAOP_THREADS: '0', TF_NUM_INTEROP_THREADS: '0' });
    const tuned = cliRun(baseEnv());
    const two = await trainerRun(threadEnvFor(spec, cores, 2, {}));
    const auto = await trainerRun(threadEnvFor(spec, cores, 'auto', {}));

    // Each process really ran with its settings (recorded in run.json by the process that trained).
    assert.deepEqual(defaults.records[0].backend.threads, { intraOp: 0, interOp: 0, oneDnnOpts: null });
    const interOp = Number(rule.TF_NUM_INTEROP_THREADS);
    assert.deepEqual(tuned.records[0].backend.threads, { intraOp: Number(rule.TF_NUM_INTRAOP_THREADS), interOp, oneDnnOpts: null });
    assert.deepEqual(two.records[0].backend.threads, { intraOp: 2, interOp, oneDnnOpts: null });
    assert.deepEqual(auto.records[0].backend.threads, tuned.records[0].backend.threads);

    const base = defaults.curves;
    for (const [name, other] of [
      ['CLI, rule', tuned],
      ['trainer, 2 threads', two],
      ['trainer, rule', auto],
    ] as const) {
      other.curves.forEach((curve, k) => {
        assert.equal(curve.length, 40, `${name}: ${spec.runs[k].label} has every step`);
        curve.forEach((loss, i) => {
          const ref = base[k][i];
          // float32 rounding, grown over 40 steps of training: relative 1e-4 (a real change, e.g. another
          // batch order or initial weights, moves the loss by 1e-2 and more within a few steps).
          assert.ok(Math.abs(loss - ref) <= 1e-4 * Math.max(1, Math.abs(ref)), `${name}: ${spec.runs[k].label} step ${i + 1}: ${loss} vs ${ref}`);
        });
      });
    }
    // Not trivially equal: the two optimizers differ, and training moved the loss.
    assert.notEqual(base[0][39], base[1][39]);
    assert.ok(Math.abs(base[0][39] - base[0][0]) > 1e-2);
  });
});
