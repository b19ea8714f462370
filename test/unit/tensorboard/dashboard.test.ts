import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { rectification } from '../../../src/shared/rectification';
import { isHostToWebview, isRunId } from '../../../src/protocol/webview';
import { assignRoles, tensorBoardRunInfo } from '../../../src/tensorboard/dashboard';
import { bucketsToSlice, LOG_BINS, logMagnitudeHistogram, runHistograms } from '../../../src/tensorboard/histogramSlices';
import { runRows } from '../../../src/tensorboard/runColumns';
import { tensorBoardRunId } from '../../../src/shared/runId';
import { LogdirReader } from '../../../src/tensorboard/logdir';
import { TensorBoardSource, type RunUpdate } from '../../../src/tensorboard/source';
import { concat, fileVersion, FIXTURES, scalarEvent } from './helpers';

describe('tensorboard: runs in the dashboard', () => {
  it('tags of PyTorch, Lightning, Hugging Face and Keras go to the charts they mean', () => {
    const roles = (tags: string[]) => Object.fromEntries(assignRoles(tags));
    assert.deepEqual(roles(['train/loss', 'train/learning_rate', 'train/epoch', 'eval/loss', 'eval/accuracy']), {
      loss: 'train/loss',
      valLoss: 'eval/loss',
      valAccuracy: 'eval/accuracy',
      lr: 'train/learning_rate',
    });
    assert.deepEqual(roles(['epoch', 'val_loss', 'train_loss_step', 'lr-Adam', 'grad_2.0_norm_total']), {
      loss: 'train_loss_step',
      valLoss: 'val_loss',
      lr: 'lr-Adam',
      gradNorm: 'grad_2.0_norm_total',
    });
    assert.deepEqual(roles(['epoch_loss', 'epoch_learning_rate']), { loss: 'epoch_loss', lr: 'epoch_learning_rate' });
    assert.deepEqual(roles(['Loss/train', 'Loss/test', 'optimizer/rho_t', 'optimizer/r_t', 'optimizer/beta2']), {
      loss: 'Loss/train',
      valLoss: 'Loss/test',
      rhoT: 'optimizer/rho_t',
      rT: 'optimizer/r_t',
      beta2: 'optimizer/beta2',
    });
    assert.deepEqual(roles(['accuracy', 'hp_metric']), {});
  });

  it('the PyTorch RAdam fixture: loss, lr, rho_t and r_t on one row per step', async () => {
    const reader = new LogdirReader(FIXTURES);
    await reader.poll();
    const run = reader.run('pytorch_radam')!;
    const rows = runRows(run);
    assert.equal(rows.length, 30);
    const loss = run.series.scalars.get('train/loss')!;
    assert.deepEqual(
      rows.map((r) => r.loss),
      loss.values,
    );
    assert.equal(rows[0].rT, undefined); // not rectified yet: no r_t logged at step 1
    assert.equal(rows[5].step, 6);
    assert.equal(rows[5].rectified, true);
    assert.equal(rows[4].rectified, false);
    const info = tensorBoardRunInfo(FIXTURES, run, false);
    assert.ok(isRunId(info.id));
    assert.equal(info.status, 'finished');
    assert.equal(info.lastStep, 30);
    assert.equal(info.rectificationThreshold, 5);
    // gradients/all is the run's histogram (no layer); weights/0 a layer. All 49 gradient entries counted.
    const slices = runHistograms(run);
    const grads = slices.filter((h) => h.layer === undefined);
    assert.deepEqual(
      grads.map((h) => h.step),
      [10, 20, 30],
    );
    for (const h of grads) {
      assert.equal(h.total, 49);
      assert.ok(Math.abs(h.counts.reduce((a, b) => a + b, 0) + h.zeros - 49) < 1e-9);
    }
    assert.deepEqual([...new Set(slices.map((h) => h.layer))], [undefined, 'weights/0']);
    // Messages built from it pass the webview's validators.
    assert.ok(isHostToWebview({ type: 'runList', runs: [info] }));
    assert.ok(isHostToWebview({ type: 'histograms', runId: info.id, rows: runHistograms(run), reset: true }));
  });

  it('rho_t and r_t derived from a logged beta2 when the writer did not log them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radam-tb-'));
    try {
      const parts = [fileVersion()];
      for (let s = 0; s < 10; s++) parts.push(scalarEvent('loss', s, 1 / (s + 1)), scalarEvent('lr', s, 0.01), scalarEvent('beta2', s, 0.9));
      writeFileSync(path.join(dir, 'events.out.tfevents.1000.h.1.0'), concat(parts));
      const reader = new LogdirReader(dir);
      await reader.poll();
      const rows = runRows(reader.run('.')!);
      assert.equal(rows.length, 10);
      // Steps count from 0, so step s is RAdam's t = s + 1. beta2 was written as a float32.
      const b2 = Math.fround(0.9);
      for (const row of rows) {
        const want = rectification(row.step + 1, b2);
        // The wire's rho/r columns are float32 (src/protocol/webview.ts MetricColumns).
        assert.equal(row.rhoT, Math.fround(want.rhoT));
        assert.equal(row.rT, want.rT === null ? undefined : Math.fround(want.rT));
        assert.equal(row.rectified, want.rectified);
        assert.equal(row.effectiveStepSize, want.rT === null ? row.lr : Math.fround(row.lr! * want.rT));
      }
      assert.equal(rows[0].rectified, false);
      assert.equal(rows[9].rectified, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tags logged at different steps share one row per step, NaN (absent) where a tag has none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radam-tb-'));
    try {
      const parts = [fileVersion()];
      for (let s = 1; s <= 5; s++) parts.push(scalarEvent('train/loss', s, s));
      for (const s of [2, 4, 6]) parts.push(scalarEvent('eval/loss', s, 10 * s));
      for (const s of [0, 3]) parts.push(scalarEvent('lr', s, s / 100));
      writeFileSync(path.join(dir, 'events.out.tfevents.1000.h.1.0'), concat(parts));
      const reader = new LogdirReader(dir);
      await reader.poll();
      const rows = runRows(reader.run('.')!);
      assert.deepEqual(
        rows.map((r) => [r.step, r.loss ?? null, r.valLoss ?? null, r.lr == null ? null : Math.round(r.lr * 100)]),
        [
          [0, null, null, 0],
          [1, 1, null, null],
          [2, 2, 20, null],
          [3, 3, null, 3],
          [4, 4, 40, null],
          [5, 5, null, null],
          [6, null, 60, null],
        ],
      );
      // Rows after a step, for live updates.
      assert.deepEqual(
        runRows(reader.run('.')!, 4).map((r) => r.step),
        [5, 6],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('histograms of values become histograms of ln|value| in the dashboard’s bins (as our gradient histograms)', () => {
    const width = (LOG_BINS.hi - LOG_BINS.lo) / LOG_BINS.bins; // 1/3
    const bin = (x: number) => Math.floor((Math.log(Math.abs(x)) - LOG_BINS.lo) / width);
    // A narrow bucket inside one ln bin keeps its count there, whatever its sign.
    const a = logMagnitudeHistogram([
      { left: 0.01, right: 0.0101, count: 4 },
      { left: -0.0101, right: -0.01, count: 6 },
    ]);
    assert.equal(a.total, 10);
    assert.equal(a.counts[bin(0.01)], 10);
    assert.equal(a.counts.reduce((x, y) => x + y, 0), 10);
    // A bucket across 0 is split by width; exact zeros (zero-width at 0) are counted apart.
    const b = logMagnitudeHistogram([
      { left: -1e-3, right: 3e-3, count: 8 },
      { left: 0, right: 0, count: 5 },
    ]);
    assert.equal(b.zeros, 5);
    assert.equal(b.total, 13);
    assert.ok(Math.abs(b.counts.reduce((x, y) => x + y, 0) - 8) < 1e-9);
    // Uniform over [0, 3e-3]: the bin holding (e^-6.33.., e^-6] etc. get their share; nothing above e^-5.8.
    assert.equal(b.counts.slice(bin(3e-3) + 1).reduce((x, y) => x + y, 0), 0);
    // Magnitudes beyond the range pile up in the outer bins; a slice always has total = sum + zeros.
    const c = logMagnitudeHistogram([
      { left: 5, right: 6, count: 2 },
      { left: 1e-12, right: 2e-12, count: 3 },
    ]);
    assert.equal(c.counts[LOG_BINS.bins - 1], 2);
    assert.equal(c.counts[0], 3);
    const s = bucketsToSlice(7, [{ left: -1, right: 1, count: 10 }], 'w')!;
    assert.equal(s.layer, 'w');
    assert.equal(s.edges.length, LOG_BINS.bins + 1);
    assert.equal(s.edges[0], LOG_BINS.lo);
    assert.ok(Math.abs(s.counts.reduce((x, y) => x + y, 0) + s.zeros - s.total) < 1e-9);
    assert.equal(bucketsToSlice(1, []), undefined);
    assert.equal(bucketsToSlice(1, [{ left: 0, right: 1, count: 0 }]), undefined);
  });

  it('run ids are valid dashboard ids, distinct per log directory and run', () => {
    const a = tensorBoardRunId('/logs/a', 'lightning_logs/version_0');
    const b = tensorBoardRunId('/logs/b', 'lightning_logs/version_0');
    assert.notEqual(a, b);
    for (const id of [a, b, tensorBoardRunId('/x', '.'), tensorBoardRunId('/x', 'ddp#1'), tensorBoardRunId('/x', 'a/../../b')]) assert.ok(isRunId(id), id);
  });

  it('the source: lists runs, sends a run whole, then live rows as the writer appends', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radam-tb-'));
    const now = 5000 * 1000;
    const src = new TensorBoardSource({ intervalMs: 1e9, now: () => now });
    try {
      const f = path.join(dir, 'events.out.tfevents.1000.h.1.0');
      writeFileSync(f, concat([fileVersion(4990), scalarEvent('loss', 1, 1, 4991), scalarEvent('loss', 2, 0.5, 4992)]));
      let lists = 0;
      let progress = 0;
      src.onRunsChanged((c) => (c.listChanged ? lists++ : (progress += c.changed.length)));
      const updates: RunUpdate[] = [];
      src.onData((u) => updates.push(u));
      src.setRoots([dir]);
      await src.pollNow();
      const [info] = src.list();
      assert.equal(lists, 1);
      assert.equal(info.live, true); // last event 8 s ago
      const whole = (await src.whole(info.id))!;
      assert.deepEqual([...whole.columns.steps], [1, 2]);
      appendFileSync(f, concat([scalarEvent('loss', 3, 0.25, 4993)]));
      await src.pollNow();
      assert.equal(updates.length, 1);
      assert.equal(updates[0].reset, false);
      assert.equal(progress, 1); // lastStep 2 -> 3: a status change, not a new list
      assert.equal(lists, 1);
      assert.deepEqual([...updates[0].columns.steps], [3]);
      assert.deepEqual([...updates[0].columns.loss], [0.25]);
      // A restart that rewrites step 2: the run is sent again whole.
      writeFileSync(path.join(dir, 'events.out.tfevents.1001.h.2.0'), concat([fileVersion(4994), scalarEvent('loss', 2, 9, 4995)]));
      await src.pollNow();
      assert.equal(updates.length, 2);
      assert.equal(updates[1].reset, true);
      assert.deepEqual([...updates[1].columns.steps], [1, 2]);
      assert.deepEqual([...updates[1].columns.loss], [1, 9]);
    } finally {
      src.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
