import assert from 'node:assert/strict';
import { DebiasedEma, smooth } from '../../../webview/data/smoothing';

describe('webview: debiased EMA smoothing', () => {
  it('starts at the first value (debiased, not pulled toward 0)', () => {
    const ema = new DebiasedEma(0.9);
    assert.equal(ema.push(5), 5);
  });

  it('matches the closed form m_k / (1 - w^k)', () => {
    const w = 0.8;
    const ys = [3, 1, 4, 1, 5, 9, 2, 6];
    const out = smooth(ys, w);
    for (let k = 1; k <= ys.length; k++) {
      let num = 0;
      for (let i = 1; i <= k; i++) num += (1 - w) * Math.pow(w, k - i) * ys[i - 1];
      assert.ok(Math.abs(out[k - 1] - num / (1 - Math.pow(w, k))) < 1e-12, `k=${k}`);
    }
  });

  it('weight 0 is the identity; a constant series stays constant at any weight', () => {
    assert.deepEqual(Array.from(smooth([1, 2, 3], 0)), [1, 2, 3]);
    for (const v of smooth(new Array(500).fill(2.5), 0.99)) assert.ok(Math.abs(v - 2.5) < 1e-12);
  });

  it('incremental pushes equal the one-pass result', () => {
    const ys = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) + i / 100);
    const ema = new DebiasedEma(0.95);
    const inc = ys.map((y) => ema.push(y));
    const all = smooth(ys, 0.95);
    inc.forEach((v, i) => assert.equal(v, all[i]));
    assert.equal(ema.value, all[all.length - 1]);
  });

  it('skips non-finite values without resetting', () => {
    const ema = new DebiasedEma(0.5);
    ema.push(1);
    assert.ok(Number.isNaN(ema.push(NaN)));
    assert.ok(Number.isNaN(ema.push(Infinity)));
    assert.equal(ema.count, 1);
    assert.equal(ema.push(1), 1);
  });

  it('rejects weights outside [0, 1)', () => {
    assert.throws(() => new DebiasedEma(1), RangeError);
    assert.throws(() => new DebiasedEma(-0.1), RangeError);
  });
});
