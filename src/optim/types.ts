// Plain data types of the optimizer library: the optimizer part of a run spec, the learning-rate schedule
// spec, and what an optimizer reports about its latest step. No tfjs here, so the extension host (which
// never loads tfjs) can import these types and the validators that go with them. The spec types are
// inferred from the one declaration of a run (src/runSpec/schema.ts).
import type * as v from 'valibot';
import type { OptimizerFields, ScheduleFields } from '../runSpec/schema';

/** Every optimizer `createOptimizer` knows. */
export const OPTIMIZER_NAMES = ['radam', 'adam', 'adamw', 'sgd-momentum', 'adam-2k', 'adam-eps'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Warmup shapes. `untuned-*` derive their length from beta2 (Ma & Yarats, 2021). */
export const SCHEDULE_KINDS = [
  'constant',
  'linear-warmup',
  'exponential-warmup',
  'untuned-warmup',
  'untuned-exponential-warmup',
] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const DECAY_KINDS = ['none', 'linear', 'cosine'] as const;
export type DecayKind = (typeof DECAY_KINDS)[number];

/**
 * A learning-rate schedule: the learning rate at step t (1-based: the t of the update being applied) is
 * `learningRate * warmup(t) * decay(t)`.
 *
 * warmup(t):
 *  - `constant`:                   1
 *  - `linear-warmup`:              min(1, t / warmupSteps)
 *  - `exponential-warmup`:         1 - exp(-t / warmupSteps)
 *  - `untuned-warmup`:             min(1, t / w) with w = 2 / (1 - beta2)     (Ma & Yarats' untuned linear warmup)
 *  - `untuned-exponential-warmup`: 1 - exp(-t / w) with w = 1 / (1 - beta2)   (their untuned exponential warmup)
 *
 * decay(t) (optional): 1 until `decayStart`, then falls to `finalScale` over `decaySteps` steps, linearly
 * or along half a cosine, and stays there. `decayStart` defaults to the warmup length (0 for `constant`).
 */
export type ScheduleSpec = v.InferOutput<typeof ScheduleFields.schema>;

/**
 * The optimizer part of a run spec, declared with its ranges and defaults in src/runSpec/schema.ts
 * (`OptimizerFields`; per-name defaults in `OPTIMIZER_NAME_DEFAULTS` there). Every field but `name` is optional.
 */
export type OptimizerSpec = v.InferOutput<typeof OptimizerFields.schema>;

/** What an optimizer did in its latest `applyGradients`, for charts (no recomputation needed). */
export interface StepInfo {
  /** 1-based step count of the update (the t in beta^t). */
  step: number;
  /** The learning rate used at this step (after the schedule). */
  learningRate: number;
  /** RAdam: rho_t; null for the other optimizers. */
  rhoT: number | null;
  /** RAdam: r_t when rectified, else null; null for the other optimizers. */
  rT: number | null;
  /** RAdam: whether the adaptive (rectified) update was used; null for the other optimizers. */
  rectified: boolean | null;
  /**
   * The scalar the update direction was multiplied by:
   *  - RAdam rectified:   lr * r_t * sqrt(1 - beta2^t) / (1 - beta1^t)   (times m_t / (sqrt(v_t) + eps))
   *  - RAdam SGD phase:   lr / (1 - beta1^t)                             (times m_t)
   *  - Adam family:       lr * sqrt(1 - beta2^t) / (1 - beta1^t)         (times m_t / (sqrt(v_t) + eps sqrt(1 - beta2^t)))
   *  - SGD with momentum: lr                                             (times the momentum buffer)
   *  - 0 when the parameters were not moved (RAdam without degeneratedToSgd before rectification,
   *    Adam-2k during its first k steps).
   */
  effectiveStepSize: number;
  /** Whether the parameters were moved at this step. */
  paramsUpdated: boolean;
}
