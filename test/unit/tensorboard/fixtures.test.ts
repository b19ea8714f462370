// Event files written by the real Python writers (test/fixtures/tensorboard/make_fixtures.py:
// torch.utils.tensorboard, tensorboardX, TensorBoard's TF-free summary protos, TensorFlow 2 tf.summary).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LogdirReader, type LogRun } from '../../../src/tensorboard/logdir';
import type { Bucket } from '../../../src/tensorboard/values';
import { FIXTURES } from './helpers';

const f32 = Math.fround;

function assertOrdered(buckets: Bucket[], context: string): void {
  for (let i = 0; i < buckets.length; i++) {
    assert.ok(buckets[i].left <= buckets[i].right, `${context}: bucket ${i} edges cross`);
    if (i) assert.ok(buckets[i - 1].right <= buckets[i].left + 1e-12, `${context}: bucket ${i} overlaps the previous`);
  }
}
const total = (b: Bucket[]) => b.reduce((n, x) => n + x.count, 0);

describe('tensorboard: real event files from Python writers', () => {
  let reader: LogdirReader;
  let runs: Map<string, LogRun>;
  const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as {
    pytorch_radam: { loss: [number, number][]; rho_t: [number, number][]; r_t: [number, number][] };
  };

  before(async () => {
    reader = new LogdirReader(FIXTURES);
    const report = await reader.poll();
    assert.deepEqual(report.errors, []);
    assert.equal(reader.rebuilds, 0, 'every file joined its lane on first reading (no folder read twice)');
    runs = new Map(reader.runs().map((r) => [r.key, r]));
  });

  it('finds every run directory, add_scalars folders and both DDP writers', () => {
    assert.deepEqual([...runs.keys()].sort(), [
      'ddp',
      'ddp#1',
      'hf/runs/Nov30_12-00-00_host',
      'lightning_logs/version_0',
      'lightning_logs/version_1',
      'pytorch_radam',
      'pytorch_radam/loss_train',
      'pytorch_radam/loss_val',
      'tb_tensors',
      'tensorboardx',
      'tf2',
    ]);
    for (const r of runs.values()) {
      assert.equal(r.stats.badDataCrc + r.stats.badProto + r.stats.nanWallTime, 0, r.key);
      assert.deepEqual(r.errors, [], r.key);
    }
  });

  it('PyTorch add_scalar (simple_value) and new_style tensors give the values torch logged', () => {
    const s = runs.get('pytorch_radam')!.series.scalars;
    const loss = s.get('train/loss')!;
    assert.deepEqual(loss.steps, expected.pytorch_radam.loss.map(([st]) => st));
    assert.deepEqual(loss.values, expected.pytorch_radam.loss.map(([, v]) => f32(v)));
    assert.deepEqual(s.get('train/loss_new_style')!.values, loss.values);
    assert.deepEqual(s.get('optimizer/rho_t')!.values, expected.pytorch_radam.rho_t.map(([, v]) => f32(v)));
    assert.deepEqual(s.get('optimizer/r_t')!.steps, expected.pytorch_radam.r_t.map(([st]) => st));
    assert.equal(s.get('optimizer/r_t')!.steps[0], 6); // rho_t > 5 from step 6 at beta2 = 0.99
  });

  it('PyTorch add_histogram: one histogram per logged step, counts = number of values, edges in order', () => {
    const h = runs.get('pytorch_radam')!.series.histograms;
    const grads = h.get('gradients/all')!;
    assert.deepEqual(
      grads.entries.map((e) => e.step),
      [10, 20, 30],
    );
    // Linear(4,8) + Linear(8,1): 32 + 8 + 8 + 1 gradient entries.
    for (const e of grads.entries) {
      assert.equal(total(e.buckets), 49);
      assertOrdered(e.buckets, 'gradients/all');
    }
    for (const e of h.get('weights/0')!.entries) assert.equal(total(e.buckets), 32);
  });

  it('add_scalars writes one run per key with the shared tag', () => {
    assert.deepEqual(runs.get('pytorch_radam/loss_train')!.series.scalars.get('loss')!.values, [f32(0.5)]);
    assert.deepEqual(runs.get('pytorch_radam/loss_val')!.series.scalars.get('loss')!.values, [f32(0.7)]);
  });

  it('tensorboardX scalars and histograms', () => {
    const r = runs.get('tensorboardx')!.series;
    const loss = r.scalars.get('loss')!;
    assert.deepEqual(
      loss.values,
      loss.steps.map((st) => f32(1 / (st + 1))),
    );
    assert.equal(loss.length, 20);
    const vals = r.histograms.get('values')!;
    assert.equal(vals.length, 4);
    for (const e of vals.entries) {
      assert.equal(total(e.buckets), 1000);
      assertOrdered(e.buckets, 'tensorboardX values');
    }
  });

  it('TF2-format tensors (TensorBoard’s summary protos): float32 and float64 scalars, [k,3] histograms', () => {
    const r = runs.get('tb_tensors')!.series;
    const acc = r.scalars.get('accuracy')!;
    assert.deepEqual(
      acc.values,
      acc.steps.map((st) => f32(st / 12)),
    );
    const lr = r.scalars.get('lr64')!;
    assert.deepEqual(
      lr.values,
      lr.steps.map((st) => 1e-3 * (st + 1)),
    ); // float64 end to end
    const act = r.histograms.get('activations')!;
    assert.deepEqual(
      act.entries.map((e) => e.step),
      [0, 4, 8],
    );
    for (const e of act.entries) {
      assert.equal(e.buckets.length, 10);
      assert.equal(total(e.buckets), 500);
      assert.equal(e.buckets[0].left, -1);
      assert.equal(e.buckets[9].right, 1);
    }
  });

  it('TensorFlow 2 tf.summary.scalar and tf.summary.histogram', () => {
    const r = runs.get('tf2')!.series;
    const loss = r.scalars.get('loss')!;
    assert.deepEqual(loss.steps, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(
      loss.values,
      loss.steps.map((st) => 2 ** -st),
    );
    assert.deepEqual(r.scalars.get('learning_rate')!.values, new Array(10).fill(f32(0.001)));
    const w = r.histograms.get('weights')!;
    assert.deepEqual(
      w.entries.map((e) => e.step),
      [0, 3, 6, 9],
    );
    for (const e of w.entries) {
      assert.equal(e.buckets.length, 5);
      assert.equal(total(e.buckets), 101); // tf.linspace(-1, 1, 101)
      assert.ok(Math.abs(e.buckets[0].left + 1) < 1e-6 && Math.abs(e.buckets[4].right - 1) < 1e-6);
    }
  });

  it('Lightning layout: version_N runs; a restarted writer’s later file wins from the step it resumed at', () => {
    const v0 = runs.get('lightning_logs/version_0')!.series.scalars;
    assert.deepEqual([...v0.keys()].sort(), ['epoch', 'hp_metric', 'train_loss']);
    const v1 = runs.get('lightning_logs/version_1')!;
    assert.equal(v1.files.length, 2);
    assert.equal(v1.writer, undefined); // a restart, not a second writer
    const loss = v1.series.scalars.get('train_loss')!;
    assert.deepEqual(loss.steps, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    assert.deepEqual(
      loss.values,
      loss.steps.map((st) => (st < 20 ? 10 + st : 100 + st)),
    );
    assert.ok(v1.series.resets >= 1);
  });

  it('Hugging Face layout: runs/<date>_<host>, train/* tags; text summaries are counted, not charted', () => {
    const r = runs.get('hf/runs/Nov30_12-00-00_host')!;
    assert.deepEqual([...r.series.scalars.keys()].sort(), ['train/epoch', 'train/learning_rate', 'train/loss']);
    assert.equal(r.series.scalars.get('train/loss')!.length, 10);
    assert.ok(r.stats.otherValues >= 1);
  });

  it('two ranks writing one folder at once become two runs labelled by writer', () => {
    const a = runs.get('ddp')!;
    const b = runs.get('ddp#1')!;
    assert.notEqual(a.writer, b.writer);
    assert.ok(a.label.includes(a.writer!) && b.label.includes(b.writer!));
    const rank = (r: LogRun) => Math.floor(r.series.scalars.get('loss')!.values[0] / 100);
    assert.deepEqual([rank(a), rank(b)].sort(), [0, 1]);
    for (const r of [a, b]) {
      const loss = r.series.scalars.get('loss')!;
      assert.deepEqual(loss.steps, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(
        loss.values,
        loss.steps.map((st) => rank(r) * 100 + st),
      );
    }
  });
});
