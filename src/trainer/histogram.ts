// Gradient-magnitude histograms computed on the tensor backend: the gradients never travel to
// JavaScript, only the counts do (one read-back of groups x bins numbers per histogram).
//
// All gradient tensors are flattened and concatenated first (reshape is free of copies in TF; concat is
// one pass), so the binning runs once however many tensors the model has - on tfjs-node each op costs
// ~12 us whatever its size, and per-tensor binning would cost 8 ops per tensor. Then (scalars cached):
//   a   = |g|
//   t   = (1 / w) * ln(a * e^-lo)            = (ln a - lo) / w in two passes (Xlogy) instead of three;
//                                            ln 0 = -inf for exact zeros
//   idx = int32(clip(t, 0, bins - 1))         clip first, so the cast truncates a value >= 0 (= floor);
//                                             -inf (zeros) and tiny values clip to bin 0, huge ones to the last
//   [per group: idx += group * bins          one cached int32 offset per entry]
//   c   = bincount(idx, weights = sign(a), groups * bins)   zeros weigh 0, so they drop out of the counts
// and zeros = entries - sum(counts) per group. The rule is binLogMagnitudes (histogramBins.ts), which the
// unit tests compare against. Counts are float32 sums of ones: exact up to 2^24 entries per group.
//
// The caller must not pass non-finite gradients (NaN would have no bin); the engine only histograms a
// step whose gradient norm is finite.
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { BinnedMagnitudes } from './histogramBins';
import { clip, flattenConcat, scaledLog } from './nativeOps';

export class BackendHistogram {
  /** e^-lo, or null when it does not fit a float32 (|lo| > 80): then ln a - lo is computed as such. */
  private readonly prescale: Scalar | null;
  private readonly negLo: Scalar;
  private readonly invWidth: Scalar;
  private readonly zero: Scalar;
  private readonly lastBin: Scalar;
  /** Per-entry bin offsets (group * bins) for a grouping, cached: the same model histograms every time. */
  private offsets: { key: string; tensor: Tensor } | null = null;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly bins: number,
  ) {
    if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`histogram bins must be an integer >= 1, got ${bins}`);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new RangeError(`histogram range must have lo < hi, got [${lo}, ${hi}]`);
    this.negLo = tf.keep(tf.scalar(-lo));
    this.prescale = Math.abs(lo) <= 80 ? tf.keep(tf.scalar(Math.exp(-lo))) : null;
    this.invWidth = tf.keep(tf.scalar(bins / (hi - lo)));
    this.zero = tf.keep(tf.scalar(0));
    this.lastBin = tf.keep(tf.scalar(bins - 1));
  }

  /**
   * Histograms of `tensors`, one per group: `groupOf[i]` is the group of tensors[i] (default: all in
   * group 0). Group g's result covers every entry of the tensors in it. One read-back.
   */
  compute(tensors: readonly Tensor[], groupOf?: readonly number[]): BinnedMagnitudes[] {
    if (tensors.length === 0) return [];
    return this.binned(() => flattenConcat(tensors), tensors.map((t) => t.size), groupOf);
  }

  /**
   * The same for tensors already laid end to end in one 1-D tensor (the native MLP's flat gradient):
   * `sizes[i]` entries of segment i, in group `groupOf[i]`.
   */
  computeFlat(flat: Tensor, sizes: readonly number[], groupOf?: readonly number[]): BinnedMagnitudes[] {
    if (sizes.length === 0) return [];
    if (flat.rank !== 1 || flat.size !== sizes.reduce((a, b) => a + b, 0)) throw new RangeError(`computeFlat: a 1-D tensor of ${sizes.reduce((a, b) => a + b, 0)} entries expected, got [${flat.shape}]`);
    return this.binned(() => flat, sizes, groupOf);
  }

  private binned(flatten: () => Tensor, segmentSizes: readonly number[], groupOf?: readonly number[]): BinnedMagnitudes[] {
    const groups = groupOf ? Math.max(...groupOf) + 1 : 1;
    const sizes = new Array<number>(groups).fill(0);
    segmentSizes.forEach((n, i) => (sizes[groupOf ? groupOf[i] : 0] += n));
    const offsets = groups > 1 ? this.offsetsFor(segmentSizes, groupOf as readonly number[]) : null;
    const counts = tf.tidy(() => {
      const flat = flatten();
      const a = tf.abs(flat);
      const t = this.prescale
        ? scaledLog(this.invWidth, tf.mul(a, this.prescale))
        : tf.mul(tf.add(tf.log(a), this.negLo), this.invWidth);
      let idx = tf.cast(clip(t, this.zero, this.lastBin), 'int32');
      if (offsets) idx = tf.add(idx, offsets);
      // tf.bincount is typed for rank-1 input; ours is rank 1 (flattened) but typed as Tensor.
      return tf.bincount(idx as Tensor1D, tf.sign(a) as Tensor1D, groups * this.bins);
    });
    const data = counts.dataSync();
    counts.dispose();
    return sizes.map((total, g) => {
      const c = Array.from(data.subarray(g * this.bins, (g + 1) * this.bins));
      let nonzero = 0;
      for (const x of c) nonzero += x;
      return { counts: c, zeros: total - nonzero, total };
    });
  }

  private offsetsFor(segmentSizes: readonly number[], groupOf: readonly number[]): Tensor {
    const key = segmentSizes.map((n, i) => `${n}:${groupOf[i]}`).join(',');
    if (this.offsets?.key === key) return this.offsets.tensor;
    this.offsets?.tensor.dispose();
    const total = segmentSizes.reduce((s, n) => s + n, 0);
    const values = new Int32Array(total);
    let at = 0;
    segmentSizes.forEach((n, i) => {
      values.fill(groupOf[i] * this.bins, at, at + n);
      at += n;
    });
    const tensor = tf.keep(tf.tensor1d(values, 'int32'));
    this.offsets = { key, tensor };
    return tensor;
  }

  dispose(): void {
    tf.dispose([this.negLo, this.invWidth, this.zero, this.lastBin]);
    this.prescale?.dispose();
    this.offsets?.tensor.dispose();
    this.offsets = null;
  }
}

/** Adds histograms bin by bin (the global histogram from per-layer ones). */
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
