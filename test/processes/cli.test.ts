// radam-lab end to end (dist/cli.js, built by scripts/build.mjs): flags, --spec, --json, exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRun } from '../../src/runs';

const cli = path.resolve('dist', 'cli.js');
let dir: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('radam-lab CLI', function () {
  this.timeout(120_000);
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-cli-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('train with flags and --json: one JSON line on stdout, runs on disk, progress on stderr', () => {
    const r = run(['train', '--steps', '25', '--hidden', '8,8', '--batch-size', '16', '--compare', 'adam', '--seed', '3', '--lr', '0.01', '--out', 'out/runs', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'exactly one line on stdout');
    const summary = JSON.parse(lines[0]);
    assert.equal(summary.ok, true);
    assert.equal(summary.backend, 'tensorflow');
    assert.equal(summary.runsDir, path.join(dir, 'out/runs'));
    assert.deepEqual(summary.runs.map((x: { label: string }) => x.label), ['RAdam', 'Adam']);
    for (const x of summary.runs) {
      assert.equal(x.status, 'finished');
      assert.equal(x.summary.steps, 25);
      const data = readRun(summary.runsDir, x.id)!;
      assert.equal(data.metrics.length, 25);
      assert.equal(data.record.spec.seed, 3);
      assert.equal(data.record.spec.optimizer.learningRate, 0.01);
      assert.deepEqual(data.record.spec.model.hiddenLayers, [8, 8]);
    }
    assert.match(r.stderr, /step 25\/25 \(100%\)/);
    const list = run(['list', '--out', 'out/runs', '--json']);
    assert.equal(list.code, 0);
    assert.equal(JSON.parse(list.stdout).length, 2);
  });

  it('train --spec FILE (a partial RunSpec), flags override it', () => {
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ optimizer: { name: 'adam', learningRate: 0.005 }, dataset: { name: 'moons', validationSplit: 0.25 }, steps: 500, batchSize: 8 }));
    const r = run(['train', '--spec', 'run.json', '--steps', '12', '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.includes('step '), false, '--quiet');
    const [x] = JSON.parse(r.stdout).runs;
    assert.equal(x.label, 'Adam');
    const data = readRun(path.join(dir, '.radam/runs'), x.id)!;
    assert.equal(data.record.spec.dataset.name, 'moons');
    assert.equal(data.record.spec.optimizer.learningRate, 0.005);
    assert.equal(data.metrics.length, 12);
  });

  it('usage errors exit with 2 and say what is wrong; a bad dataset exits with 1', () => {
    const bad = run(['train', '--steps', 'ten']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--steps: expected an integer at least 1 and at most 1000000, got "ten"/);
    assert.equal(run(['train', '--frobnicate']).code, 2);
    const help = run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /radam-lab train/);
    const csv = run(['train', '--dataset', 'csv', '--csv', 'nope.csv', '--json']);
    assert.equal(csv.code, 1);
    assert.equal(JSON.parse(csv.stdout).ok, false);
    assert.match(JSON.parse(csv.stdout).error, /nope\.csv/);
  });
});
