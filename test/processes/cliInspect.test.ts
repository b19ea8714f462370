// radam-lab inspect (dist/cli.js, built by scripts/build.mjs) on the event files real Python writers made
// (test/fixtures/tensorboard/logs, values in expected.json), on a damaged copy, and on bad LOGDIRs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Inspection, RunInspection } from '../../src/tensorboard/inspect';
import { concat, fileVersion, scalarEvent } from '../unit/tensorboard/helpers';

const cli = path.resolve('dist', 'cli.js');
const FIXTURES = path.resolve('test', 'fixtures', 'tensorboard', 'logs');
const f32 = Math.fround;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('radam-lab inspect', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-inspect-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('on the fixtures (--json)', () => {
    let ins: Inspection;
    let byRun: Map<string, RunInspection>;
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as {
      pytorch_radam: { loss: [number, number][]; rho_t: [number, number][]; r_t: [number, number][] };
    };
    before(() => {
      const r = run(['inspect', FIXTURES, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 1, 'one JSON document on one line');
      const doc = JSON.parse(lines[0]) as Inspection & { ok: boolean };
      assert.equal(doc.ok, true);
      ins = doc;
      byRun = new Map(ins.runs.map((x) => [x.run, x]));
    });

    it('lists every run, in key order, each with its path and no skipped records', () => {
      assert.equal(ins.logdir, FIXTURES);
      assert.deepEqual(
        ins.runs.map((x) => x.run),
        ['ddp', 'ddp#1', 'hf/runs/Nov30_12-00-00_host', 'lightning_logs/version_0', 'lightning_logs/version_1', 'pytorch_radam', 'pytorch_radam/loss_train', 'pytorch_radam/loss_val', 'tb_tensors', 'tensorboardx', 'tf2'],
      );
      assert.equal(byRun.get('pytorch_radam/loss_val')!.path, path.join(FIXTURES, 'pytorch_radam', 'loss_val'));
      assert.notEqual(byRun.get('ddp#1')!.writer, null);
      for (const x of ins.runs) {
        assert.deepEqual(x.skipped, { badDataCrc: 0, badProto: 0, nanWallTime: 0 }, x.run);
        assert.deepEqual(x.errors, [], x.run);
      }
    });

    it('PyTorch run: scalar tags with the values torch logged (expected.json), histograms, loss tag, rho_t logged', () => {
      const r = byRun.get('pytorch_radam')!;
      const e = expected.pytorch_radam;
      const tag = (t: string) => r.scalars.find((s) => s.tag === t)!;
      const last = <T>(xs: T[]) => xs[xs.length - 1];
      assert.deepEqual(tag('train/loss'), { tag: 'train/loss', points: e.loss.length, firstStep: e.loss[0][0], lastStep: last(e.loss)[0], lastValue: f32(last(e.loss)[1]) });
      assert.deepEqual(tag('optimizer/rho_t'), { tag: 'optimizer/rho_t', points: 30, firstStep: 1, lastStep: 30, lastValue: f32(last(e.rho_t)[1]) });
      assert.deepEqual(tag('optimizer/r_t'), { tag: 'optimizer/r_t', points: e.r_t.length, firstStep: 6, lastStep: 30, lastValue: f32(last(e.r_t)[1]) });
      assert.equal(tag('train/loss_new_style').lastValue, f32(last(e.loss)[1]));
      assert.deepEqual(tag('optimizer/lr'), { tag: 'optimizer/lr', points: 30, firstStep: 1, lastStep: 30, lastValue: f32(0.01) });
      assert.deepEqual(r.histograms, [
        { tag: 'gradients/all', slices: 3, firstStep: 10, lastStep: 30 },
        { tag: 'weights/0', slices: 3, firstStep: 10, lastStep: 30 },
      ]);
      assert.equal(r.lossTag, 'train/loss');
      assert.equal(r.lrTag, 'optimizer/lr');
      assert.equal(r.histogramTag, 'gradients/all');
      assert.deepEqual(r.rhoT, { kind: 'logged', tag: 'optimizer/rho_t', rTTag: 'optimizer/r_t' });
    });

    it('TensorFlow 2 run (tf.summary): tensor scalars, tensor histogram, no rho_t', () => {
      const r = byRun.get('tf2')!;
      assert.deepEqual(r.scalars, [
        { tag: 'loss', points: 10, firstStep: 0, lastStep: 9, lastValue: 2 ** -9 },
        { tag: 'learning_rate', points: 10, firstStep: 0, lastStep: 9, lastValue: f32(0.001) }, // tf.summary.scalar writes float32
      ]);
      assert.deepEqual(r.histograms, [{ tag: 'weights', slices: 4, firstStep: 0, lastStep: 9 }]);
      assert.equal(r.lossTag, 'loss');
      assert.equal(r.lrTag, 'learning_rate');
      assert.deepEqual(r.rhoT, { kind: 'none' });
    });

  });

  it('text output: one block per run naming loss tag and rho_t source; file text goes through printable()', () => {
    const d = path.join(tmp, 'logs', 'evil\u001b[2Jrun\u202e');
    fs.mkdirSync(d, { recursive: true });
    fs.copyFileSync(
      path.join(FIXTURES, 'tf2', fs.readdirSync(path.join(FIXTURES, 'tf2'))[0]),
      path.join(d, 'events.out.tfevents.1796040250.vm.1.0.v2'),
    );
    const r = run(['inspect', path.join(tmp, 'logs')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.includes('\u001b'), false, 'no raw ESC reaches the terminal');
    assert.match(r.stdout, /run evil\\x1b\[2Jrun\\u202e\n/);
    assert.match(r.stdout, /loss tag {4}loss\n/);
    assert.match(r.stdout, /rho_t {7}none\n/);
    assert.match(r.stdout, /loss {2}10 points, steps 0\.\.9, last 0\.00195313\n/);
    assert.match(r.stdout, /weights {2}4 slices, steps 0\.\.9 {2}\(main\)/);
    const json = run(['inspect', path.join(tmp, 'logs'), '--json']);
    assert.equal(JSON.parse(json.stdout).runs[0].run, 'evil\u001b[2Jrun\u202e', '--json keeps the name (escaped by JSON)');
    assert.equal(json.stdout.includes('\u001b'), false);
    assert.equal(json.stdout.includes('\u202e'), false, 'a bidi override is written as an escape, not raw');
  });

  it('a run that logged beta2 but not rho_t: rho_t derived from beta2; a beta2 of 1 derives nothing', () => {
    for (const [name, beta2] of [['b', 0.98], ['one', 1]] as const) {
      fs.mkdirSync(path.join(tmp, name));
      fs.writeFileSync(path.join(tmp, name, 'events.out.tfevents.1000.h.1.0'), concat([fileVersion(), scalarEvent('train/loss', 1, 0.5), scalarEvent('optim/beta2', 1, beta2)]));
    }
    const r = run(['inspect', tmp, '--json']);
    const runs = new Map((JSON.parse(r.stdout) as Inspection).runs.map((x) => [x.run, x]));
    assert.deepEqual(runs.get('b')!.rhoT, { kind: 'beta2', tag: 'optim/beta2', beta2: f32(0.98) });
    assert.deepEqual(runs.get('one')!.rhoT, { kind: 'none' });
    const text = run(['inspect', path.join(tmp, 'b')]).stdout;
    assert.match(text, /train\/loss {2}1 point, steps 1\.\.1, last 0\.5\n/);
    assert.match(text, /rho_t {7}derived from beta2 \(tag optim\/beta2 = 0\.98\)\n/);
  });

  it('counts a record with a bad CRC as skipped and reads on', () => {
    const src = path.join(FIXTURES, 'tensorboardx');
    const name = fs.readdirSync(src)[0];
    const bytes = fs.readFileSync(path.join(src, name));
    // Record framing: u64 length, u32 length CRC, data, u32 data CRC. Flip a byte in the 3rd record's data.
    let pos = 0;
    for (let i = 0; i < 2; i++) pos += 12 + Number(bytes.readBigUInt64LE(pos)) + 4;
    bytes[pos + 12] ^= 0xff;
    fs.mkdirSync(path.join(tmp, 'bad'));
    fs.writeFileSync(path.join(tmp, 'bad', name), bytes);
    const r = run(['inspect', path.join(tmp, 'bad'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [x] = JSON.parse(r.stdout).runs as RunInspection[];
    assert.equal(x.run, '.');
    assert.equal(x.skipped.badDataCrc, 1);
    const text = run(['inspect', path.join(tmp, 'bad')]);
    assert.match(text.stdout, /skipped {5}bad CRC 1, /);
  });

  it('a missing LOGDIR or a file: one line naming it, exit 1, no stack trace', () => {
    const missing = path.join(tmp, 'nope');
    const r = run(['inspect', missing]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `radam-lab: cannot read the log directory ${missing}: no such folder\n`);
    const file = path.join(tmp, 'f.txt');
    fs.writeFileSync(file, 'x');
    const f = run(['inspect', file, '--json']);
    assert.equal(f.code, 1);
    assert.deepEqual(JSON.parse(f.stdout), { ok: false, error: `cannot read the log directory ${file}: not a folder` });
    const empty = run(['inspect', tmp]);
    assert.equal(empty.code, 0);
    assert.match(empty.stdout, /^no TensorBoard runs/);
  });

  it('usage errors exit 2 with the usage text', () => {
    const r = run(['inspect']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing LOGDIR/);
    assert.match(r.stderr, /radam-lab inspect LOGDIR \[--json\]/);
  });
});
