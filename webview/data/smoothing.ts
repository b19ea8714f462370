// Debiased exponential moving average, as TensorBoard's scalar smoothing: computed on every recorded
// point (before any downsampling) and incrementally, one push per new point. Pure: no DOM.
//
//   m_0 = 0,  m_k = w m_{k-1} + (1 - w) y_k,  smoothed_k = m_k / (1 - w^k)
//
// The debiasing divides out the weight the zero start still holds, so the first points are not
// pulled toward 0. Non-finite values are skipped (they neither enter the average nor reset it).

export class DebiasedEma {
  private m = 0;
  private k = 0;
  /** w^k, kept as a running product (no Math.pow per point). */
  private wk = 1;

  constructor(readonly weight: number) {
    if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  }

  /**
   * An average that continues from `value`, the smoothed value after `count` points (to smooth a
   * slice of a series -- a zoomed range read from disk -- as if the points before it had been seen).
   */
  static resume(weight: number, value: number, count: number): DebiasedEma {
    const ema = new DebiasedEma(weight);
    if (count > 0 && Number.isFinite(value)) {
      ema.k = count;
      ema.wk = Math.pow(weight, count);
      ema.m = value * (1 - ema.wk);
    }
    return ema;
  }

  /** Adds y and returns the smoothed value at this point (NaN if y is not finite). */
  push(y: number): number {
    if (!Number.isFinite(y)) return NaN;
    this.m = this.weight * this.m + (1 - this.weight) * y;
    this.k++;
    this.wk *= this.weight;
    return this.m / (1 - this.wk);
  }

  /** The current smoothed value (NaN before the first point). */
  get value(): number {
    return this.k === 0 ? NaN : this.m / (1 - this.wk);
  }

  get count(): number {
    return this.k;
  }
}

/** The smoothed series of `ys` (first `n` values) in one pass. */
export function smooth(ys: ArrayLike<number>, weight: number, n = ys.length): Float64Array {
  const ema = new DebiasedEma(weight);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ema.push(ys[i]);
  return out;
}
