// RAdam's variance rectification term, in float64 JavaScript numbers.
//
// rho_inf = 2 / (1 - beta2) - 1
// rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)
// r_t     = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)),  when rho_t > threshold
//
// These must not be computed in float32: rho_6 for beta2 = 0.999 is 5.9942 in float64 but 6.0005 in
// float32, and r_t is very sensitive to rho_t near the threshold.

export interface Rectification {
  rhoInf: number;
  rhoT: number;
  /** null when not rectified. */
  rT: number | null;
  rectified: boolean;
}

/**
 * 1 - beta^t, computed as PyTorch does (1 - beta ** t in float64). An expm1-based form would be more
 * accurate for beta near 1 but would drift from the reference trajectories by up to ~1e-8 in rho_t.
 */
export function oneMinusPow(beta: number, t: number): number {
  return 1 - Math.pow(beta, t);
}

export function rhoInf(beta2: number): number {
  return 2 / (1 - beta2) - 1;
}

export function rhoT(step: number, beta2: number): number {
  const b2t = Math.pow(beta2, step);
  return rhoInf(beta2) - (2 * step * b2t) / (1 - b2t);
}

/**
 * The rectification state of RAdam at step `step` (1-based). Rectified when rho_t > threshold (strictly,
 * as PyTorch; the authors' code and TF Addons use >= 5, which differs only when rho_t is exactly 5).
 */
export function rectification(step: number, beta2: number, threshold = 5): Rectification {
  if (!(Number.isInteger(step) && step >= 1)) throw new RangeError(`step must be an integer >= 1, got ${step}`);
  if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`beta2 must be in [0, 1), got ${beta2}`);
  if (!(threshold >= 4)) throw new RangeError(`rectification threshold must be >= 4 (r_t is undefined below), got ${threshold}`);
  const inf = rhoInf(beta2);
  const rho = rhoT(step, beta2);
  if (!(rho > threshold)) return { rhoInf: inf, rhoT: rho, rT: null, rectified: false };
  const rT = Math.sqrt(((rho - 4) * (rho - 2) * inf) / ((inf - 4) * (inf - 2) * rho));
  return { rhoInf: inf, rhoT: rho, rT, rectified: true };
}

/** The first step at which RAdam is rectified, or null if it never is (rho_inf <= threshold). */
export function firstRectifiedStep(beta2: number, threshold = 5, maxStep = 1e7): number | null {
  if (!(rhoInf(beta2) > threshold)) return null;
  // rho_t increases monotonically in t; bisect.
  let lo = 1;
  let hi = 1;
  while (!(rhoT(hi, beta2) > threshold)) {
    lo = hi;
    hi *= 2;
    if (hi > maxStep) return null;
  }
  if (rhoT(lo, beta2) > threshold) return lo;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (rhoT(mid, beta2) > threshold) hi = mid;
    else lo = mid;
  }
  return hi;
}
