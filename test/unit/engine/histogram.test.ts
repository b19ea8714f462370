// Gradient-magnitude histograms on the backend against the plain-JS reference binning.
import assert from 'node:assert/strict';
import { tf } from '../../../src/tf';
import { BackendHistogram, sumHistograms } from '../../../src/trainer/histogram';
import { binLogMagnitudes } from '../../../src/trainer/histogramBins';
import { Random } from '../../../src/trainer/random';

/** Values whose ln|v| lies well inside bins (away from edges, where float32 and float64 could disagree),
 *  plus zeros, underflow (< e^lo), overflow (>= e^hi) and both signs. */
function sampleValues(n: number, lo: number, hi: number, bins: number, seed: number): Float32Array {
  const r = new Random(seed, 'hist-test');
  const w = (hi - lo) / bins;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = r.int(10);
    const sign = r.next() < 0.5 ? -1 : 1;
    if (kind === 0) out[i] = 0;
    else if (kind === 1) out[i] = sign * Math.exp(lo - 1 - 10 * r.next()); // below the range
    else if (kind === 2) out[i] = sign * Math.exp(hi + 3 * r.next()); // above the range
    else {
      const bin = r.int(bins);
      out[i] = sign * Math.exp(lo + (bin + 0.1 + 0.8 * r.next()) * w);
    }
  }
  return out;
}

describe('engine: gradient histograms on the backend', () => {
  // nativeOps keeps two tiny int32 tensors (shape [-1], axis 0) once it has been used: warm it up.
  before(() => {
    const h = new BackendHistogram(-20, 0, 4);
    const a = tf.ones([2, 2]);
    const b = tf.ones([3]);
    h.compute([a, b]);
    tf.dispose([a, b]);
    h.dispose();
  });

  it('match the JS reference binning bin for bin, zeros apart, counts + zeros = entries', () => {
    const [lo, hi, bins] = [-20, 0, 60];
    const h = new BackendHistogram(lo, hi, bins);
    const a = sampleValues(3000, lo, hi, bins, 1);
    const b = sampleValues(257, lo, hi, bins, 2);
    const ta = tf.tensor2d(a, [60, 50]);
    const tb = tf.tensor1d(b);
    const before = tf.memory().numTensors;
    const [ha, hb] = h.compute([ta, tb], [0, 1]); // one group per tensor
    const after = tf.memory().numTensors;
    assert.equal(after, before + 1, 'only the cached per-entry offsets stay');
    const [whole] = h.compute([ta, tb]);
    assert.equal(tf.memory().numTensors, after, 'no tensor left behind');
    assert.deepEqual(whole, binLogMagnitudes(Float32Array.from([...a, ...b]), lo, hi, bins));
    const ra = binLogMagnitudes(a, lo, hi, bins);
    const rb = binLogMagnitudes(b, lo, hi, bins);
    assert.deepEqual(ha, ra);
    assert.deepEqual(hb, rb);
    assert.ok(ra.zeros > 0 && ra.counts[0] > 0 && ra.counts[bins - 1] > 0, 'the sample exercises zeros and both clipped ends');
    const all = sumHistograms([ha, hb], bins);
    assert.equal(all.counts.reduce((s, c) => s + c, 0) + all.zeros, 3000 + 257);
    assert.equal(all.total, 3257);
    tf.dispose([ta, tb]);
    h.dispose();
  });

  it('counts every entry of a real model gradient', () => {
    const h = new BackendHistogram(-100, 0, 40); // |lo| > 80: the ln a - lo path
    const w = tf.variable(tf.randomNormal([30, 20], 0, 1, 'float32', 3));
    const x = tf.randomNormal([16, 30], 0, 1, 'float32', 4);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.relu(tf.matMul(x, w)))), [w]);
    const g = grads[w.name];
    const [res] = h.compute([g]);
    const ref = binLogMagnitudes(g.dataSync(), -100, 0, 40);
    assert.equal(res.total, 600);
    assert.equal(res.counts.reduce((s, c) => s + c, 0) + res.zeros, 600);
    // Values of a real gradient can sit on an edge; allow a few to move to a neighbouring bin.
    const moved = res.counts.reduce((s, c, i) => s + Math.abs(c - ref.counts[i]), 0);
    assert.ok(moved <= 4, `bins differ by ${moved} counts`);
    assert.equal(res.zeros, ref.zeros);
    tf.dispose([value, g, w, x]);
    h.dispose();
  });
});
