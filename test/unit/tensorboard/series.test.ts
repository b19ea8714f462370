import assert from 'node:assert/strict';
import { WriterSeries } from '../../../src/tensorboard/series';

describe('tensorboard: run series and preemption', () => {
  it('a step not after the last discards that tag’s values from that step on (restarted writer)', () => {
    const r = new WriterSeries();
    for (let s = 0; s <= 100; s += 10) r.add({ kind: 'scalar', tag: 'loss', step: s, wallTime: s, value: s });
    r.add({ kind: 'scalar', tag: 'acc', step: 100, wallTime: 100, value: 1 });
    assert.equal(r.resets, 0);
    r.add({ kind: 'scalar', tag: 'loss', step: 80, wallTime: 200, value: -80 });
    const loss = r.scalars.get('loss')!;
    assert.deepEqual(loss.steps, [0, 10, 20, 30, 40, 50, 60, 70, 80]);
    assert.equal(loss.values[8], -80);
    assert.equal(r.resets, 1);
    assert.equal(r.preempted, 3); // 80, 90, 100
    // Other tags are untouched by a tag's preemption.
    assert.deepEqual(r.scalars.get('acc')!.steps, [100]);
  });

  it('a repeated step replaces the value; increasing steps never reset', () => {
    const r = new WriterSeries();
    r.add({ kind: 'scalar', tag: 'x', step: 1, wallTime: 1, value: 1 });
    r.add({ kind: 'scalar', tag: 'x', step: 2, wallTime: 2, value: 2 });
    assert.equal(r.resets, 0);
    r.add({ kind: 'scalar', tag: 'x', step: 2, wallTime: 3, value: 22 });
    assert.deepEqual(r.scalars.get('x')!.values, [1, 22]);
    assert.equal(r.resets, 1);
  });

  it('histograms preempt the same way; a SessionLog START preempts every tag', () => {
    const r = new WriterSeries();
    for (const s of [0, 5, 10]) {
      r.add({ kind: 'histogram', tag: 'g', step: s, wallTime: s, buckets: [] });
      r.add({ kind: 'scalar', tag: 'loss', step: s, wallTime: s, value: s });
    }
    r.add({ kind: 'histogram', tag: 'g', step: 5, wallTime: 20, buckets: [{ left: 0, right: 1, count: 9 }] });
    assert.deepEqual(
      r.histograms.get('g')!.entries.map((e) => e.step),
      [0, 5],
    );
    assert.equal(r.histograms.get('g')!.entries[1].buckets[0].count, 9);
    r.add({ kind: 'restart', step: 3, wallTime: 30 });
    assert.deepEqual(r.scalars.get('loss')!.steps, [0]);
    assert.deepEqual(
      r.histograms.get('g')!.entries.map((e) => e.step),
      [0],
    );
    assert.equal(r.lastStep, 0);
  });
});
