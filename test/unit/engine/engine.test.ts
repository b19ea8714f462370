// The engine end to end in this process: metrics lines, rectification, fairness, divergence, no leaks.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rectification } from '../../../src/optim';
import { readRun } from '../../../src/runs';
import { tf } from '../../../src/tf';
import { RunControl } from '../../../src/trainer/control';
import { runComparison, type RunEndedEvent } from '../../../src/trainer/engine';
import type { RunMetricsBatch } from '../../../src/trainer/stream';
import { comparison } from './specs';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-engine-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('engine: a comparison in lockstep', function () {
  this.timeout(60_000);
  // Module-level caches (nativeOps' shape and axis tensors) are created on first use: warm up once.
  before(async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-engine-'));
    await runComparison({ comparison: comparison([{ label: 'warm-up', optimizer: { name: 'radam' } }], { steps: 5 }, { histogramEvery: 1 }), runsDir: d });
    fs.rmSync(d, { recursive: true, force: true });
  });

  it('writes one metrics line per step from step 1, with rho_t/r_t = rectification(step, beta2), and leaks no tensors', async () => {
    const spec = comparison(
      [
        { label: 'RAdam', optimizer: { name: 'radam', learningRate: 1e-2, beta2: 0.99 } },
        { label: 'Adam', optimizer: { name: 'adam', learningRate: 1e-2 } },
      ],
      {},
      { normsEvery: 1 },
    );
    const before = tf.memory().numTensors;
    const perStep: number[] = [];
    const batches: RunMetricsBatch[][] = [];
    const ended: RunEndedEvent[] = [];
    const res = await runComparison({
      comparison: spec,
      runsDir: dir,
      events: { step: () => perStep.push(tf.memory().numTensors), metrics: (b) => batches.push(b), runEnded: (e) => ended.push(e) },
    });
    assert.equal(tf.memory().numTensors, before, 'every tensor of the comparison was disposed');
    assert.ok(perStep.slice(2).every((n) => n === perStep[2]), `tensor count flat across steps: ${perStep.join(',')}`);

    const [radam, adam] = res.runs.map((r) => readRun(dir, r.id)!);
    for (const run of [radam, adam]) {
      assert.equal(run.record.status, 'finished');
      assert.deepEqual(run.metrics.map((m) => m.step), Array.from({ length: 30 }, (_, i) => i + 1));
      assert.equal(run.record.summary?.steps, 30);
      assert.equal(run.record.pid, process.pid);
      assert.ok(run.record.backend.name);
      for (const m of run.metrics) {
        assert.ok(Number.isFinite(m.loss) && Number.isFinite(m.gradNorm!) && m.gradNorm! > 0, `step ${m.step}`);
        assert.ok(m.updateRatio! > 0 && m.updateRatio! < 1, `update ratio at step ${m.step}: ${m.updateRatio}`);
      }
      // validation every 10 steps (and at the last step)
      assert.deepEqual(run.metrics.filter((m) => m.valLoss !== undefined).map((m) => m.step), [10, 20, 30]);
      assert.ok(run.metrics[9].valAccuracy! >= 0 && run.metrics[9].valAccuracy! <= 1);
      // histograms every 5 steps, counts + zeros = number of parameters (one gradient entry each)
      assert.deepEqual(run.histograms.map((h) => h.step), [5, 10, 15, 20, 25, 30]);
      for (const h of run.histograms) {
        assert.equal(h.counts.reduce((s, c) => s + c, 0) + h.zeros, run.record.parameters);
        assert.equal(h.total, run.record.parameters);
        assert.equal(h.edges.length, h.bins + 1);
      }
    }
    for (const m of radam.metrics) {
      const r = rectification(m.step, 0.99);
      assert.equal(m.rhoT, r.rhoT, `rho_t at step ${m.step}`);
      assert.equal(m.rT, r.rT, `r_t at step ${m.step}`);
      assert.equal(m.rectified, r.rectified);
      assert.equal(m.lr, 1e-2);
    }
    assert.ok(radam.metrics.some((m) => !m.rectified) && radam.metrics.some((m) => m.rectified), 'beta2 0.99 crosses the threshold within 30 steps');
    assert.ok(adam.metrics.every((m) => m.rhoT === null && m.rT === null));

    // Fair comparison: same initial weights, same first batch -> same first loss.
    assert.equal(radam.metrics[0].loss, adam.metrics[0].loss);
    // Streamed records are exactly what is on disk.
    const streamed = batches.flat().filter((b) => b.runId === radam.record.id).flatMap((b) => b.metrics);
    assert.deepEqual(streamed, radam.metrics);
    assert.ok(batches.length < 30, `records were batched (${batches.length} messages for 30 steps)`);
    assert.deepEqual(ended.map((e) => e.status), ['finished', 'finished']);
  });

  it('a NaN run is marked diverged at its step while its partner goes on', async () => {
    const spec = comparison([
      { label: 'RAdam', optimizer: { name: 'radam', learningRate: 1e-2 } },
      { label: 'Adam, lr 1e20', optimizer: { name: 'adam', learningRate: 1e20 } },
    ], { model: { name: 'mlp', hiddenLayers: [16, 16], activation: 'relu' } });
    const before = tf.memory().numTensors;
    const res = await runComparison({ comparison: spec, runsDir: dir });
    assert.equal(tf.memory().numTensors, before);
    const [ok, bad] = res.runs.map((r) => readRun(dir, r.id)!);
    assert.equal(ok.record.status, 'finished');
    assert.equal(ok.metrics.length, 30);
    assert.equal(bad.record.status, 'diverged');
    const n = bad.record.divergedAtStep!;
    assert.ok(n >= 2 && n <= 30, `diverged at ${n}`);
    assert.match(bad.record.reason!, new RegExp(`at step ${n}$`));
    assert.deepEqual(bad.metrics.map((m) => m.step), Array.from({ length: n - 1 }, (_, i) => i + 1), 'data before the divergence is kept');
    assert.equal(bad.record.summary?.steps, n - 1);
    assert.equal(ok.metrics[0].loss, bad.metrics[0].loss, 'shared initial loss');
  });

  it('stop marks every run stopped with what was done so far', async () => {
    const control = new RunControl();
    const spec = comparison([{ label: 'RAdam', optimizer: { name: 'radam' } }], { steps: 10_000 });
    const res = await runComparison({
      comparison: spec,
      runsDir: dir,
      control,
      yieldEveryMs: 0,
      events: { step: (s) => s === 12 && control.stop('stopped by the test') },
    });
    const run = readRun(dir, res.runs[0].id)!;
    assert.equal(run.record.status, 'stopped');
    assert.equal(run.record.reason, 'stopped by the test');
    assert.equal(run.metrics.length, 12);
  });

  it('norms follow their cadence (and histogram steps); watch off: same losses, no norms, no histograms', async () => {
    const spec = comparison([{ label: 'RAdam', optimizer: { name: 'radam', learningRate: 1e-2 } }], { steps: 24 }, { normsEvery: 4, histogramEvery: 6 });
    const on = await runComparison({ comparison: spec, runsDir: dir });
    const off = await runComparison({ comparison: spec, runsDir: dir, watch: false });
    const a = readRun(dir, on.runs[0].id)!;
    const b = readRun(dir, off.runs[0].id)!;
    assert.deepEqual(a.metrics.filter((m) => m.gradNorm !== null).map((m) => m.step), [4, 6, 8, 12, 16, 18, 20, 24]);
    assert.ok(a.metrics.every((m) => (m.gradNorm === null) === (m.updateRatio === null)));
    assert.deepEqual(b.metrics.map((m) => m.loss), a.metrics.map((m) => m.loss));
    assert.ok(b.metrics.every((m) => m.gradNorm === null && m.updateRatio === null));
    assert.equal(b.histograms.length, 0);
  });

  it('per-layer histograms split the global one by layer', async () => {
    const spec = comparison([{ label: 'RAdam', optimizer: { name: 'radam' } }], { steps: 5 }, { perLayerHistograms: true });
    const res = await runComparison({ comparison: spec, runsDir: dir });
    const run = readRun(dir, res.runs[0].id)!;
    const [h] = run.histograms;
    assert.deepEqual(h.layers!.map((l) => l.name), ['dense_0', 'dense_1', 'dense_2']);
    assert.deepEqual(h.layers!.map((l) => l.total), [2 * 16 + 16, 16 * 16 + 16, 16 * 3 + 3]);
    h.counts.forEach((c, i) => assert.equal(h.layers!.reduce((s, l) => s + l.counts[i], 0), c));
    assert.equal(h.layers!.reduce((s, l) => s + l.zeros, 0), h.zeros);
  });

  it('refuses a comparison whose runs do not share the dataset', async () => {
    const spec = comparison([
      { label: 'A', optimizer: { name: 'radam' } },
      { label: 'B', optimizer: { name: 'adam' } },
    ]);
    spec.runs[1].seed = 8;
    await assert.rejects(runComparison({ comparison: spec, runsDir: dir }), /runs\[1\]\.seed differs/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
