// Small helpers the benches share for their figures (the dashboard bench's phases, the training benches).

/** The p-quantile (0..1) of an ascending array, nearest rank; NaN when empty. */
export function q(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** One decimal, or the value as it is when it is not a finite number. */
export const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : String(v));

/** The median of the finite numbers in xs; NaN when there are none. */
export function median(xs) {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A seeded shuffle, so the interleaving differs per round but is reproducible. */
export function shuffled(xs, seed) {
  const a = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
