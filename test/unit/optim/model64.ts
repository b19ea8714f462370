// A float64, element-by-element model of each optimizer, written from the formulas (PyTorch's
// single-tensor code paths), independent of the library's scaled-moment implementation. Used to test
// settings the PyTorch reference file does not cover.

import type { ResolvedOptimizerSpec } from '../../../src/optim';
import { scheduleMultiplier } from '../../../src/optim';

export interface Model64State {
  p: Float64Array;
  m: Float64Array;
  v: Float64Array;
  t: number;
}

export function model64(spec: ResolvedOptimizerSpec, init: ArrayLike<number>): { state: Model64State; step: (g: ArrayLike<number>) => void } {
  const n = init.length;
  const state: Model64State = { p: Float64Array.from(init), m: new Float64Array(n), v: new Float64Array(n), t: 0 };
  const { beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, decoupledWeightDecay: decoupled } = spec;
  const step = (grad: ArrayLike<number>) => {
    const t = ++state.t;
    const lr = spec.learningRate * scheduleMultiplier(spec.schedule, t, b2);
    const { p, m, v } = state;
    const g = Float64Array.from(grad);
    if (wd !== 0 && !decoupled) for (let i = 0; i < n; i++) g[i] += wd * p[i];
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    if (spec.name === 'sgd-momentum') {
      if (wd !== 0 && decoupled) for (let i = 0; i < n; i++) p[i] *= 1 - lr * wd;
      for (let i = 0; i < n; i++) {
        m[i] = b1 * m[i] + g[i];
        p[i] -= lr * m[i];
      }
      return;
    }
    const frozen = spec.name === 'adam-2k' && t <= spec.k;
    for (let i = 0; i < n; i++) {
      if (!frozen) m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    }
    if (spec.name === 'radam') {
      const rhoInf = 2 / (1 - b2) - 1;
      const rho = rhoInf - (2 * t * b2 ** t) / bc2;
      const rect = rho > spec.rectificationThreshold;
      if (!rect && !spec.degeneratedToSgd) return;
      if (wd !== 0 && decoupled) for (let i = 0; i < n; i++) p[i] *= 1 - lr * wd;
      if (rect) {
        const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
        for (let i = 0; i < n; i++) p[i] -= ((lr * r * Math.sqrt(bc2)) / bc1) * (m[i] / (Math.sqrt(v[i]) + eps));
      } else {
        for (let i = 0; i < n; i++) p[i] -= (lr / bc1) * m[i];
      }
      return;
    }
    // Adam family (tfjs / PyTorch semantics: eps added to sqrt(v_hat))
    if (frozen) return;
    if (wd !== 0 && decoupled) for (let i = 0; i < n; i++) p[i] *= 1 - lr * wd;
    for (let i = 0; i < n; i++) p[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
  };
  return { state, step };
}

/** Deterministic float32-representable pseudo-random numbers (xorshift32 + Box-Muller-free uniform mix). */
export function randoms(seed: number, n: number, scale = 1): Float32Array {
  let x = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const u = x / 4294967296;
    out[i] = Math.fround(scale * (2 * u - 1) * (1 + 3 * u * u)); // a heavier tail than uniform
  }
  return out;
}
