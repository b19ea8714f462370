import assert from 'node:assert/strict';
import { ProgressiveLttb, lttb } from '../../../webview/data/downsample';

function series(n: number, f: (i: number) => number) {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = i + 1;
    ys[i] = f(i);
  }
  return { xs, ys };
}

describe('webview: LTTB downsampling', () => {
  it('keeps short series whole', () => {
    const { xs, ys } = series(10, (i) => i * i);
    assert.deepEqual(lttb(xs, ys, 10, 1500), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('returns at most `target` strictly increasing indices with the first and last point', () => {
    for (const n of [1501, 1502, 3000, 10_007, 100_000]) {
      const { xs, ys } = series(n, (i) => Math.sin(i / 50) + ((i * 7919) % 13) / 13);
      const idx = lttb(xs, ys, n, 1500);
      assert.ok(idx.length <= 1500, `n=${n}: ${idx.length}`);
      assert.ok(idx.length >= 750, `n=${n}: only ${idx.length}`);
      assert.equal(idx[0], 0);
      assert.equal(idx[idx.length - 1], n - 1);
      for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1]);
    }
  });

  it('keeps an isolated spike (the point a plot must not lose)', () => {
    const n = 100_000;
    const { xs, ys } = series(n, (i) => (i === 54_321 ? 100 : 1 + 0.001 * Math.sin(i)));
    assert.ok(lttb(xs, ys, n, 1500).includes(54_321));
  });

  it('progressive updates give exactly the one-shot result at every length', () => {
    const n = 40_000;
    const { xs, ys } = series(n, (i) => Math.exp(-i / 8000) + 0.1 * Math.sin(i / 7) + ((i * 104729) % 17) / 170);
    const p = new ProgressiveLttb(500);
    let len = 0;
    let chunk = 1;
    while (len < n) {
      len = Math.min(n, len + chunk);
      chunk = (chunk * 3 + 7) % 1777; // irregular batch sizes
      const { indices, count } = p.update(xs, ys, len);
      assert.deepEqual(Array.from(indices.subarray(0, count)), lttb(xs, ys, len, 500), `len=${len}`);
    }
  });

  it('starts over when the source generation changes', () => {
    const { xs, ys } = series(5000, (i) => i % 10);
    const p = new ProgressiveLttb(100);
    p.update(xs, ys, 5000, 0);
    ys.fill(1);
    ys[2500] = 50;
    const { indices, count } = p.update(xs, ys, 5000, 1);
    assert.ok(Array.from(indices.subarray(0, count)).includes(2500));
  });

  it('does O(new points) work per update once the bucket is fixed', () => {
    const n = 200_000;
    const { xs, ys } = series(n, (i) => Math.sin(i));
    const p = new ProgressiveLttb(1500);
    p.update(xs, ys, 150_000);
    const t0 = process.hrtime.bigint();
    for (let len = 150_001; len < 151_000; len++) p.update(xs, ys, len);
    const perUpdateUs = Number(process.hrtime.bigint() - t0) / 1000 / 1000;
    // A full pass over 150k points takes ~1 ms; the incremental update must be far below that.
    assert.ok(perUpdateUs < 200, `${perUpdateUs.toFixed(1)} us per update`);
  });
});
