// Gradient-magnitude histograms computed on the tensor backend: the gradients never travel to
// JavaScript, only the counts do (one read-back of tensors x bins numbers per histogram).
//
// Per gradient tensor g (8 ops, all elementwise or one pass; scalars are cached tensors):
//   a   = |g|
//   t   = (ln a - lo) * (1 / w)              ln 0 = -inf for exact zeros
//   idx = int32(clip(t, 0, bins - 1))         clip first, so the cast truncates a value >= 0 (= floor);
//                                             -inf (zeros) and tiny values clip to bin 0, huge ones to the last
//   c   = bincount(idx, weights = sign(a), bins)   zeros weigh 0, so they drop out of the counts
// then the per-tensor counts are stacked and read back once; zeros = size - sum(counts) per tensor.
// The rule is the same as binLogMagnitudes (histogramBins.ts), which the unit tests compare against.
// Counts are float32 sums of ones: exact up to 2^24 entries per tensor.
//
// The caller must not pass non-finite gradients (NaN would have no bin); the engine only histograms a
// step whose gradient norm is finite.
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { BinnedMagnitudes } from './histogramBins';

export class BackendHistogram {
  private readonly negLo: Scalar;
  private readonly invWidth: Scalar;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly bins: number,
  ) {
    if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`histogram bins must be an integer >= 1, got ${bins}`);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new RangeError(`histogram range must have lo < hi, got [${lo}, ${hi}]`);
    this.negLo = tf.keep(tf.scalar(-lo));
    this.invWidth = tf.keep(tf.scalar(bins / (hi - lo)));
  }

  /** One histogram per tensor, in order, from a single read-back. */
  compute(tensors: readonly Tensor[]): BinnedMagnitudes[] {
    if (tensors.length === 0) return [];
    const stacked = tf.tidy(() => tf.stack(tensors.map((g) => this.countsOf(g))));
    const data = stacked.dataSync();
    stacked.dispose();
    return tensors.map((g, i) => {
      const counts = Array.from(data.subarray(i * this.bins, (i + 1) * this.bins));
      let nonzero = 0;
      for (const c of counts) nonzero += c;
      return { counts, zeros: g.size - nonzero, total: g.size };
    });
  }

  private countsOf(g: Tensor): Tensor {
    const a = tf.abs(g);
    const t = tf.mul(tf.add(tf.log(a), this.negLo), this.invWidth);
    const idx = tf.cast(tf.clipByValue(t, 0, this.bins - 1), 'int32');
    return tf.bincount(idx as Tensor as never, tf.sign(a) as never, this.bins);
  }

  dispose(): void {
    this.negLo.dispose();
    this.invWidth.dispose();
  }
}

/** Adds histograms bin by bin (the global histogram from per-tensor ones). */
export function sumHistograms(parts: readonly BinnedMagnitudes[], bins: number): BinnedMagnitudes {
  const counts = new Array<number>(bins).fill(0);
  let zeros = 0;
  let total = 0;
  for (const p of parts) {
    for (let i = 0; i < bins; i++) counts[i] += p.counts[i];
    zeros += p.zeros;
    total += p.total;
  }
  return { counts, zeros, total };
}

/** Groups parameter names by layer: `dense_0/kernel` and `dense_0/bias` -> `dense_0`. */
export function layerOf(parameterName: string): string {
  const cut = parameterName.lastIndexOf('/');
  return cut > 0 ? parameterName.slice(0, cut) : parameterName;
}
