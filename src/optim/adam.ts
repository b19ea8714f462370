// The Adam family RAdam is compared against, with tfjs-core's Adam semantics (eps added to sqrt(v_hat)):
//
//   theta <- theta (1 - lr wd)                                   (decoupledWeightDecay: AdamW)
//   theta -= lr * m_hat / (sqrt(v_hat) + eps),   m_hat = m_t / (1 - beta1^t), v_hat = v_t / (1 - beta2^t)
//
// Variants (see factory.ts): adam; adamw (decoupled decay); adam-eps (eps = 1e-4); adam-2k (the paper's
// Adam-2k: during the first `frozenSteps` steps only v_t is updated, m_t and theta stay frozen; as in the
// authors' Adam2, the first-moment bias correction afterwards uses the same t as v's).
//
// Implementation: same kernel as RAdam's rectified step, with k = lr sqrt(1 - beta2^t) / (1 - beta1^t) and
// the epsilon rescaled to eps sqrt(1 - beta2^t), which is algebraically identical:
//   m_hat / (sqrt(v_hat) + eps) = sqrt(1 - beta2^t) / (1 - beta1^t) * m_t / (sqrt(v_t) + eps sqrt(1 - beta2^t)).

import type { Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { SlotOptimizer, type BaseOptions, type FusedAdamUpdate, type Slot } from './base';
import { resolveOptions, type OptionValues } from './options';
import { OPTIMIZER_DEFAULTS, pickDefaults } from './spec';
import { adaptiveStep, l2Gradient } from './kernels';
import { checkBetas, checkNonNegative } from './radam';
import { oneMinusPow } from '../shared/rectification';
import type { StepScalars } from './scalars';
import type { StepInfo } from './types';

/**
 * The Adam family's options and their defaults (the run spec's: spec.ts; documented on OptimizerSpec in
 * types.ts). frozenSteps is the spec's `k`, used by adam-2k only: 0 is plain Adam.
 */
const ADAM_OPTIONS = {
  ...pickDefaults(OPTIMIZER_DEFAULTS.adam, ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'decoupledWeightDecay']),
  frozenSteps: 0,
};

export type AdamOptions = BaseOptions & Partial<OptionValues<typeof ADAM_OPTIONS>>;

export class AdamOptimizer extends SlotOptimizer {
  /** @nocollapse */
  static get className(): string {
    return 'RAdamLab.Adam';
  }

  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly decoupledWeightDecay: boolean;
  readonly frozenSteps: number;
  protected readonly slotKinds = ['m', 'v'] as const;

  static override readonly options = ADAM_OPTIONS;

  constructor(options: AdamOptions = {}) {
    super(options);
    const o = resolveOptions(ADAM_OPTIONS, options);
    this.beta1 = o.beta1;
    this.beta2 = o.beta2;
    this.epsilon = o.epsilon;
    this.weightDecay = o.weightDecay;
    this.decoupledWeightDecay = o.decoupledWeightDecay;
    this.frozenSteps = o.frozenSteps;
    checkBetas(this.beta1, this.beta2);
    checkNonNegative('epsilon', this.epsilon);
    checkNonNegative('weightDecay', this.weightDecay);
    if (!(Number.isInteger(this.frozenSteps) && this.frozenSteps >= 0)) {
      throw new RangeError(`frozenSteps (k) must be an integer >= 0, got ${this.frozenSteps}`);
    }
  }

  protected override scheduleBeta2(): number {
    return this.beta2;
  }

  protected updateVariable(param: Variable, grad: Tensor, slot: Slot, lr: number, sc: StepScalars): StepInfo {
    const t = slot.step + 1;
    const { beta1, beta2, weightDecay: wd } = this;
    const frozen = t <= this.frozenSteps;
    const g = wd !== 0 && !this.decoupledWeightDecay ? l2Gradient(grad, param, this.constant('wd', wd)) : grad;
    if (!frozen) this.ema(slot, 0, beta1, g, sc);
    const g2 = tf.square(g);
    this.ema(slot, 1, beta2, g2, sc);
    g2.dispose();
    if (g !== grad) g.dispose();
    slot.step = t;

    let effectiveStepSize = 0;
    if (!frozen) {
      const bc1 = oneMinusPow(beta1, t);
      const sqrtBc2 = Math.sqrt(oneMinusPow(beta2, t));
      effectiveStepSize = (lr * sqrtBc2) / bc1;
      const [cm, cv] = slot.scales;
      const sqrtCv = Math.sqrt(cv);
      const decay = wd !== 0 && this.decoupledWeightDecay ? this.constant('decay', 1 - lr * wd) : null;
      const [M, V] = slot.tensors;
      adaptiveStep(param, M, V, sc.get((effectiveStepSize * cm) / sqrtCv), sc.get((this.epsilon * sqrtBc2) / sqrtCv), decay);
    }
    return { step: t, learningRate: lr, rhoT: null, rT: null, rectified: null, effectiveStepSize, paramsUpdated: !frozen };
  }

  /** Steps past the frozen ones, without weight decay: k = lr sqrt(1 - beta2^t) / (1 - beta1^t), e = eps sqrt(1 - beta2^t). */
  protected override fusedUpdate(t: number, lr: number): FusedAdamUpdate | null {
    if (this.weightDecay !== 0 || t <= this.frozenSteps) return null;
    const sqrtBc2 = Math.sqrt(oneMinusPow(this.beta2, t));
    const k = (lr * sqrtBc2) / oneMinusPow(this.beta1, t);
    const info: StepInfo = { step: t, learningRate: lr, rhoT: null, rT: null, rectified: null, effectiveStepSize: k, paramsUpdated: true };
    return { k, e: this.epsilon * sqrtBc2, beta1: this.beta1, beta2: this.beta2, info };
  }
}

tf.serialization.registerClass(AdamOptimizer);
