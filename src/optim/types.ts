// Plain data types of the optimizer library: the optimizer part of a run spec, the learning-rate schedule
// spec, and what an optimizer reports about its latest step. No tfjs here, so the extension host (which
// never loads tfjs) can import these types and the validators that go with them.

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
export interface ScheduleSpec {
  kind: ScheduleKind;
  /** Warmup length w for `linear-warmup` / `exponential-warmup` (required there, > 0). */
  warmupSteps?: number;
  /** Decay after warmup; default 'none'. */
  decay?: DecayKind;
  /** Length of the decay phase in steps (required when decay is not 'none', > 0). */
  decaySteps?: number;
  /** Step after which the decay begins; default: the warmup length (w, or the untuned w). */
  decayStart?: number;
  /** Multiplier reached at the end of the decay, in [0, 1]; default 0. */
  finalScale?: number;
}

/**
 * The optimizer part of a run spec. Every field but `name` is optional; defaults depend on the name
 * (see `OPTIMIZER_DEFAULTS` in spec.ts): learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8
 * (adam-eps: 1e-4), weightDecay 0 (adamw: 0.01), decoupledWeightDecay false (adamw: always true),
 * rectificationThreshold 5, degeneratedToSgd true, k 2000 (adam-2k only).
 */
export interface OptimizerSpec {
  name: OptimizerName;
  learningRate?: number;
  /** First-moment decay; for `sgd-momentum` the momentum coefficient. */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  /** false: L2 (g += weightDecay * theta before the moments); true: theta *= 1 - lr * weightDecay. */
  decoupledWeightDecay?: boolean;
  /** RAdam: rectify when rho_t > threshold (5 as in PyTorch; the paper's Algorithm 2 says 4). Must be >= 4. */
  rectificationThreshold?: number;
  /** RAdam: while not rectified, step with the bias-corrected momentum (true) or not at all (false). */
  degeneratedToSgd?: boolean;
  /** adam-2k: number of initial steps during which only v_t is updated. */
  k?: number;
  schedule?: ScheduleSpec;
}

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
