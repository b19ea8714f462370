// Write faults on real files, with the real CLI and tfjs-node (issue 13):
//   ENOSPC   a 2 MB tmpfs fills up mid-run; a full temporary folder (where graph steps are written)
//   EFBIG    `ulimit -f` (RLIMIT_FSIZE) in the shell that execs the CLI; SIGXFSZ ignored so the write fails
//            with EFBIG instead of killing the process (an ignored signal stays ignored across exec)
//   EACCES   the CLI runs as `nobody` (setpriv): root ignores permission bits (CAP_DAC_OVERRIDE), so a
//            chmod would change nothing for a root trainer; a read-only bind remount is refused (EBUSY)
//            while the trainer holds files open for writing. As nobody, `chmod 0555` on a run folder
//            mid-run makes the folder refuse new files (run.json's atomic replace) for real.
// Each checks: the CLI says how every run ended, no run is left `running`, every line on disk is whole,
// a partner is not aborted by another run's fault, no stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { METRICS_FILE, RESERVE_FILE, RUN_FILE } from '../../src/runs';
import {
  assertNoStack,
  assertNoneRunning,
  assertWholeLines,
  cli,
  cliAsync,
  exited,
  isRoot,
  readRecord,
  runFolders,
  tmpDir,
  twoRunSpec,
  waitUntil,
} from './helpers';

describe('faults: writes (ENOSPC, EFBIG, EACCES)', function () {
  this.timeout(180_000);
  let dir: string;
  let mounted: string | null = null;
  beforeEach(() => (dir = tmpDir('write')));
  afterEach(() => {
    if (mounted) spawnSync('umount', [mounted]);
    mounted = null;
    spawnSync('chmod', ['-R', 'u+rwX', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ENOSPC: a 2 MB tmpfs fills mid-run; both runs end failed "disk full after step N", N the last step on disk, no cut line', function () {
    const mnt = path.join(dir, 'disk');
    fs.mkdirSync(mnt);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { encoding: 'utf8' });
    if (m.status !== 0) {
      // Not passed off as a pass: reported as pending with the reason. The EFBIG test covers the same code path.
      this.skip();
    }
    mounted = mnt;
    fs.writeFileSync(path.join(dir, 'spec.json'), twoRunSpec(5000, { histogramEvery: 1, histogramBins: 200, perLayerHistograms: true }, { histogramEvery: 1, histogramBins: 200, perLayerHistograms: true }));
    const r = cli(['train', '--spec', 'spec.json', '--out', 'disk/runs', '--json', '--quiet'], { cwd: dir });
    assertNoStack(r.stderr);
    assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.ok, false);
    assert.equal(summary.backend, 'tensorflow', 'the real tfjs-node backend');
    const runsDir = path.join(mnt, 'runs');
    const { lastStep, metricsLines } = assertWholeLines(runsDir);
    const records = assertNoneRunning(runsDir);
    assert.equal(records.length, 2);
    for (const rec of records) {
      assert.equal(rec.status, 'failed', `${rec.id}: ${rec.reason}`);
      const steps = lastStep[rec.id];
      assert.ok(steps > 0 && steps < 5000, `${rec.id}: ${steps} steps on disk`);
      assert.equal(metricsLines[rec.id], steps, 'one whole line per step, 1..N');
      assert.equal(rec.reason, `disk full after step ${steps.toLocaleString('en-US')} (ENOSPC writing ${rec.reason?.includes('histograms') ? 'histograms.jsonl' : 'metrics.jsonl'})`);
      assert.equal(rec.summary?.steps, steps, 'the summary agrees with metrics.jsonl');
      assert.equal(fs.existsSync(path.join(runsDir, rec.id, RESERVE_FILE)), false, 'the space reserve is released');
      const out = summary.runs.find((x: { id: string }) => x.id === rec.id);
      assert.equal(out.status, 'failed');
      assert.equal(out.reason, rec.reason);
    }
    const list = cli(['list', '--out', 'disk/runs'], { cwd: dir });
    assert.equal(list.code, 0);
    assert.match(list.stdout, /failed .*disk full after step/);
    assert.doesNotMatch(list.stdout, /running/);
  });

  it('ENOSPC in the temporary folder (TMPDIR on a full tmpfs): every run trains to the end op by op, and the CLI warns once per run that its step is not a graph', function () {
    const mnt = path.join(dir, 'tmp');
    fs.mkdirSync(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]).status !== 0) this.skip();
    mounted = mnt;
    spawnSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(dir, 'spec.json'), twoRunSpec(40, {}, {}));
    const r = cli(['train', '--spec', 'spec.json', '--out', 'runs'], { cwd: dir, env: { TMPDIR: mnt } });
    assertNoStack(r.stderr);
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    assert.equal(warnings.length, 2, r.stderr);
    for (const w of warnings) {
      assert.match(w, /^warning: run [12] \(.+\): training step not compiled to a TensorFlow graph: its graph could not be loaded \(ENOSPC/);
      assert.match(w, /same numbers, slower/);
    }
    const records = assertNoneRunning(path.join(dir, 'runs'));
    assert.equal(records.length, 2);
    for (const rec of records) {
      assert.equal(rec.status, 'finished', `${rec.id}: ${rec.reason}`);
      assert.equal(rec.backend.name, 'tensorflow');
    }
    assert.deepEqual(fs.readdirSync(mnt), ['filler'], 'no half-written graph folder left on the full disk');
  });

  it('ENOSPC before the first run.json: exit 1 with one line saying so, no empty run folder left, no stack', function () {
    const mnt = path.join(dir, 'full');
    fs.mkdirSync(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]).status !== 0) this.skip();
    mounted = mnt;
    fs.mkdirSync(path.join(mnt, 'runs'));
    // Fill the disk to the last byte.
    spawnSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
    const r = cli(['train', '--steps', '5', '--hidden', '8', '--out', 'full/runs', '--quiet'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assertNoStack(r.stderr);
    assert.match(r.stderr, /radam-lab: ENOSPC writing run\.json: cannot create run \S+: disk full\n/);
    assert.deepEqual(runFolders(path.join(mnt, 'runs')), [], 'an empty run folder was left behind');
  });

  it('EFBIG (ulimit -f): the run whose histograms outgrow the limit fails; its partner, writing little, finishes all its steps', () => {
    fs.writeFileSync(
      path.join(dir, 'spec.json'),
      twoRunSpec(1500, { histogramEvery: 1, histogramBins: 200, perLayerHistograms: true }, { histogramEvery: 0, validationEvery: 0, normsEvery: 0 }),
    );
    // 512 KiB per file. RAdam's histograms pass it after ~120 steps; Adam's metrics stay near 300 KiB.
    const r = cli(['train', '--spec', 'spec.json', '--out', 'runs', '--json', '--quiet'], { cwd: dir, shellPrefix: "ulimit -f 512; trap '' XFSZ" });
    assertNoStack(r.stderr);
    assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).backend, 'tensorflow', 'the real tfjs-node backend');
    const runsDir = path.join(dir, 'runs');
    const { lastStep } = assertWholeLines(runsDir);
    const records = assertNoneRunning(runsDir);
    const radam = records.find((x) => x.label === 'RAdam')!;
    const adam = records.find((x) => x.label === 'Adam')!;
    assert.equal(radam.status, 'failed');
    assert.equal(radam.reason, `file size limit reached after step ${lastStep[radam.id].toLocaleString('en-US')} (EFBIG writing histograms.jsonl)`);
    assert.ok(lastStep[radam.id] > 10 && lastStep[radam.id] < 1500);
    assert.equal(adam.status, 'finished', `the partner was aborted: ${adam.reason}`);
    assert.equal(lastStep[adam.id], 1500);
    assert.equal(adam.summary?.steps, 1500);
  });

  it('EACCES: a run folder made read-only mid-run (trainer running as nobody); run.json is still updated, both runs finish', async function () {
    if (!isRoot()) this.skip(); // needs setpriv to another user
    const runsDir = path.join(dir, 'runs');
    fs.mkdirSync(runsDir);
    fs.chmodSync(dir, 0o755);
    spawnSync('chown', ['-R', '65534:65534', dir]);
    fs.writeFileSync(path.join(dir, 'spec.json'), twoRunSpec(2500, { histogramEvery: 5 }, { histogramEvery: 5 }));
    fs.chmodSync(path.join(dir, 'spec.json'), 0o644);
    const child = cliAsync(['train', '--spec', 'spec.json', '--out', 'runs', '--json'], { cwd: dir, asUser: 65534 });
    // Mid-run: both folders exist and have lines.
    await waitUntil('both runs writing', () => {
      const ids = runFolders(runsDir);
      return ids.length === 2 && ids.every((id) => fs.existsSync(path.join(runsDir, id, METRICS_FILE)) && fs.statSync(path.join(runsDir, id, METRICS_FILE)).size > 2000);
    });
    const [first] = runFolders(runsDir);
    fs.chmodSync(path.join(runsDir, first), 0o555);
    // Proof that the fault is real for the trainer's user: nobody cannot create a file there now.
    const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'touch', path.join(runsDir, first, 'probe')], { encoding: 'utf8' });
    assert.notEqual(probe.status, 0, 'nobody could still write into the read-only folder');
    assert.match(probe.stderr, /Permission denied/);
    const { code } = await exited(child);
    assertNoStack(child.out.stderr);
    assert.equal(code, 0, `exit code; stderr: ${child.out.stderr}`);
    assert.equal(JSON.parse(child.out.stdout).backend, 'tensorflow', 'the real tfjs-node backend');
    assertWholeLines(runsDir);
    const records = assertNoneRunning(runsDir);
    for (const r of records) assert.equal(r.status, 'finished', `${r.id}: ${r.reason}`);
    assert.match(child.out.stderr, /run\.json written in place: permission denied \(EACCES\)/);
    assert.equal(readRecord(runsDir, first).summary?.steps, 2500);
    assert.ok(fs.existsSync(path.join(runsDir, first, RUN_FILE)));
  });
});
