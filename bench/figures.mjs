// Small helpers the dashboard bench's phases share for their figures.

/** The p-quantile (0..1) of an ascending array, nearest rank; NaN when empty. */
export function q(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** One decimal, or the value as it is when it is not a finite number. */
export const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : String(v));
