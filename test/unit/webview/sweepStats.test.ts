import assert from 'node:assert/strict';
import type { SweepPoint } from '../../../src/protocol/webview';
import { seedsPerCell, spreadAcrossRates, sweepCells } from '../../../webview/data/sweepStats';

const pt = (optimizer: string, lr: number, seed: number, value: number | null, diverged = false): SweepPoint => ({ optimizer, lr, seed, value, diverged });

describe('sweep chart: mean and spread over seeds', () => {
  it('groups per (optimizer, lr): mean, min and max of the seeds, rates ascending, optimizers in order of appearance', () => {
    const cells = sweepCells([
      pt('RAdam', 0.1, 1, 0.9),
      pt('Adam', 0.1, 1, 0.2),
      pt('RAdam', 0.01, 1, 0.8),
      pt('RAdam', 0.1, 2, 0.7),
      pt('Adam', 0.1, 2, 0.6),
      pt('RAdam', 0.01, 2, 0.85),
      pt('RAdam', 0.1, 3, 0.8),
      pt('Adam', 0.1, 3, 0.4),
      pt('RAdam', 0.01, 3, 0.9),
    ]);
    assert.deepEqual(
      cells.map((c) => [c.optimizer, c.lr, c.values.length]),
      [
        ['RAdam', 0.01, 3],
        ['RAdam', 0.1, 3],
        ['Adam', 0.1, 3],
      ],
    );
    const [r001, r01, a01] = cells;
    assert.ok(Math.abs((r001.mean as number) - 0.85) < 1e-12);
    assert.deepEqual([r001.min, r001.max], [0.8, 0.9]);
    assert.ok(Math.abs((r01.mean as number) - 0.8) < 1e-12);
    assert.deepEqual([r01.min, r01.max], [0.7, 0.9]);
    assert.ok(Math.abs((a01.mean as number) - 0.4) < 1e-12);
    assert.deepEqual([a01.min, a01.max], [0.2, 0.6]);
    assert.equal(seedsPerCell(cells), 3);
  });

  it('leaves diverged seeds and missing values out of mean and spread, and counts them', () => {
    const cells = sweepCells([pt('Adam', 0.1, 1, 0.5), pt('Adam', 0.1, 2, null, true), pt('Adam', 0.1, 3, NaN), pt('Adam', 0.03, 1, null, true)]);
    const at = (lr: number) => cells.find((c) => c.lr === lr)!;
    assert.deepEqual(at(0.1).values, [0.5]);
    assert.equal(at(0.1).missing, 2);
    assert.equal(at(0.1).mean, 0.5);
    assert.equal(at(0.03).mean, null, 'every seed diverged: no mean');
    assert.equal(at(0.03).missing, 1);
    assert.equal(seedsPerCell(cells), null, 'cells of 3 and 1 seeds');
  });

  it('spread across rates: largest minus smallest mean of one optimizer', () => {
    const cells = sweepCells([pt('RAdam', 0.1, 1, 0.9), pt('RAdam', 0.01, 1, 0.8), pt('RAdam', 0.003, 1, 0.86), pt('Adam', 0.1, 1, 0.3), pt('Adam', 0.01, 1, 0.9)]);
    assert.ok(Math.abs((spreadAcrossRates(cells, 'RAdam') as number) - 0.1) < 1e-12);
    assert.ok(Math.abs((spreadAcrossRates(cells, 'Adam') as number) - 0.6) < 1e-12);
    assert.equal(spreadAcrossRates(cells, 'SGD'), null);
    assert.equal(spreadAcrossRates(sweepCells([pt('Adam', 0.1, 1, 0.3)]), 'Adam'), null, 'one rate: nothing to compare');
  });

  it('a sweep with one seed per rate (the Learning-Rate Sweep command) gives single-value cells', () => {
    const cells = sweepCells([
      { optimizer: 'RAdam', lr: 0.1, value: 0.4 },
      { optimizer: 'RAdam', lr: 0.01, value: 0.2 },
    ]);
    assert.deepEqual(
      cells.map((c) => [c.lr, c.mean, c.min, c.max]),
      [
        [0.01, 0.2, 0.2, 0.2],
        [0.1, 0.4, 0.4, 0.4],
      ],
    );
    assert.equal(seedsPerCell(cells), 1);
  });
});
