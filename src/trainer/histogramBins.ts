// The binning rule of gradient-magnitude histograms, in plain JavaScript: the reference the backend
// computation (histogram.ts) is tested against, and the documentation of what a bin means.
//
//   value g == 0          -> `zeros` (ln 0 = -inf has no bin)
//   otherwise             -> bin floor((ln|g| - lo) / w), w = (hi - lo) / bins, clipped to [0, bins - 1]
//                            (so bin 0 also holds |g| < e^lo and the last bin |g| >= e^hi)
// sum(counts) + zeros == total.

export interface BinnedMagnitudes {
  counts: number[];
  zeros: number;
  total: number;
}

export function binLogMagnitudes(values: ArrayLike<number>, lo: number, hi: number, bins: number): BinnedMagnitudes {
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a === 0) {
      zeros++;
      continue;
    }
    const t = (Math.log(a) - lo) / w;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(t)));
    counts[b]++;
  }
  return { counts, zeros, total: values.length };
}
