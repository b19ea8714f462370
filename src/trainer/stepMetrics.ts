// Per-step metrics of one run: which are due this step, the one read-back that brings them to JavaScript,
// and the records they become (MetricRecord, HistogramRecord of src/runs/format.ts).
//
// On a step that watches (every normsEvery steps and on histogram steps), per parameter tensor (one for a
// flat native variable): L2Loss(g), L2Loss(theta_t - theta_{t-1}), L2Loss(theta_{t-1}) (4 ops;
// theta_{t-1} is a free reference: tfjs's Identity shares the buffer), stacked with the loss into one
// vector and read back ONCE; on other steps the loss alone is read back. Histograms are computed on the
// backend (histogram.ts), one read-back.
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { StepInfo } from '../optim/types';
import { histogramEdges, type HistogramRecord, type MetricRecord } from '../runs/format';
import { DEFAULT_METRICS } from '../runSpec/runSpec';
import { tf } from '../tf';
import type { ActiveRun } from './activeRun';
import { sumHistograms, type BackendHistogram } from './histogram';
import { difference, halfSumOfSquares } from './nativeOps';

export interface MetricsDue {
  /** Gradient norm and update ratio (theta_{t-1} is kept for them). */
  norms: boolean;
  histogram: boolean;
}

export interface Norms {
  gradNorm: number | null;
  updateRatio: number | null;
}

/** What `step` of `run` measures beyond its loss; nothing when the comparison does not watch. */
export function metricsDue(run: ActiveRun, step: number, watch: boolean): MetricsDue {
  const m = run.spec.metrics;
  const histogram = run.histogram !== null && step % m.histogramEvery === 0;
  const normsEvery = m.normsEvery ?? DEFAULT_METRICS.normsEvery ?? 1;
  return { histogram, norms: watch && (histogram || (normsEvery > 0 && step % normsEvery === 0)) };
}

/**
 * The loss, then (when `prev` is given) per parameter tensor the half squared norms of the gradient, of
 * the update (params - prev) and of prev, in one read-back. Call after the update.
 */
export function readBack(loss: Scalar, grads: readonly Tensor[], params: readonly Variable[], prev: readonly Tensor[] | null): Float32Array {
  if (!prev) return loss.dataSync() as Float32Array; // the loss alone: no stack op
  const vec = tf.tidy(() => {
    const parts: Scalar[] = [loss];
    for (const g of grads) parts.push(halfSumOfSquares(g));
    params.forEach((v, i) => parts.push(halfSumOfSquares(difference(v, prev[i]))));
    for (const p of prev) parts.push(halfSumOfSquares(p));
    return tf.stack(parts);
  });
  const packed = vec.dataSync() as Float32Array;
  vec.dispose();
  return packed;
}

/** Gradient norm and update ratio ||delta theta|| / ||theta_{t-1}|| from readBack's vector of `n` tensors; null where not finite. */
export function normsFrom(packed: Float32Array, n: number): Norms {
  let g2 = 0;
  let u2 = 0;
  let p2 = 0;
  for (let i = 0; i < n; i++) {
    g2 += packed[1 + i];
    u2 += packed[1 + n + i];
    p2 += packed[1 + 2 * n + i];
  }
  let gradNorm: number | null = Math.sqrt(2 * g2);
  let updateRatio: number | null = p2 > 0 ? Math.sqrt(u2 / p2) : null;
  if (!Number.isFinite(gradNorm)) gradNorm = null;
  if (updateRatio !== null && !Number.isFinite(updateRatio)) updateRatio = null;
  return { gradNorm, updateRatio };
}

/** The gradient histogram of `step` (all layers, and per layer when the run groups them). Finite gradients only. */
export function histogramRecord(run: ActiveRun, grads: readonly Tensor[], step: number): HistogramRecord {
  const h = run.histogram as BackendHistogram;
  const layers = run.layers;
  const parts = run.native ? h.computeFlat(grads[0], run.native.sizes, layers?.groupOf) : h.compute(grads, layers?.groupOf);
  const all = layers ? sumHistograms(parts, h.bins) : parts[0];
  const rec: HistogramRecord = {
    step,
    lo: h.lo,
    hi: h.hi,
    bins: h.bins,
    edges: histogramEdges(h.lo, h.hi, h.bins),
    counts: all.counts,
    zeros: all.zeros,
    total: all.total,
  };
  if (layers) rec.layers = layers.names.map((name, g) => ({ name, ...parts[g] }));
  return rec;
}

/** The metrics line of a step: its loss, what the optimizer reported doing, the norms, the time since training began. */
export function metricRecord(step: number, loss: number, info: StepInfo | null, norms: Norms, ms: number): MetricRecord {
  return {
    step,
    loss,
    lr: info?.learningRate ?? 0,
    rhoT: info?.rhoT ?? null,
    rT: info?.rT ?? null,
    rectified: info?.rectified ?? null,
    effectiveStepSize: info?.effectiveStepSize ?? 0,
    gradNorm: norms.gradNorm,
    updateRatio: norms.updateRatio,
    ms: Math.round(ms * 100) / 100,
  };
}
