import assert from 'node:assert/strict';
import { deriveSeed, Random } from '../../../src/trainer/random';

describe('trainer/random', () => {
  it('is deterministic for a seed and stream, and differs across seeds and streams', () => {
    const draw = (seed: number, stream?: string) => {
      const r = new Random(seed, stream);
      return Array.from({ length: 20 }, () => r.nextUint32());
    };
    assert.deepEqual(draw(42), draw(42));
    assert.deepEqual(draw(42, 'data'), draw(42, 'data'));
    assert.notDeepEqual(draw(42), draw(43));
    assert.notDeepEqual(draw(42, 'data'), draw(42, 'split'));
  });

  it('derives non-zero 32-bit seeds from any finite number', () => {
    const seeds = [0, 1, -1, 0.5, 2 ** 40 + 3, -(2 ** 33), Number.MAX_SAFE_INTEGER];
    const derived = seeds.map((s) => deriveSeed(s));
    for (const d of derived) assert.ok(Number.isInteger(d) && d >= 1 && d < 2 ** 32, String(d));
    assert.equal(new Set(derived).size, seeds.length, 'distinct seeds give distinct derived seeds');
    assert.throws(() => deriveSeed(NaN), RangeError);
  });

  it('draws uniforms in [0, 1) with the right mean, and unbiased integers', () => {
    const r = new Random(7);
    let sum = 0;
    const counts = new Array(6).fill(0);
    const N = 60000;
    for (let i = 0; i < N; i++) {
      const u = r.next();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      counts[r.int(6)]++;
    }
    assert.ok(Math.abs(sum / N - 0.5) < 0.01, `mean ${sum / N}`);
    for (const c of counts) assert.ok(Math.abs(c / N - 1 / 6) < 0.01, `int(6) frequencies ${counts}`);
  });

  it('draws normals with mean 0 and std 1 (Box-Muller)', () => {
    const r = new Random(3);
    const N = 40000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    const mean = s / N;
    const std = Math.sqrt(s2 / N - mean * mean);
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.03, `std ${std}`);
    assert.ok(Math.abs(new Random(3).normal(5, 0.001) - 5) < 0.01);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const p = new Random(11, 'batches').permutation(1000);
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    assert.deepEqual(p, new Random(11, 'batches').permutation(1000));
    assert.notDeepEqual(p, new Random(12, 'batches').permutation(1000));
    const arr = ['a', 'b', 'c', 'd'];
    assert.equal(new Random(1).shuffle(arr), arr, 'in place');
    assert.deepEqual([...arr].sort(), ['a', 'b', 'c', 'd']);
  });
});
