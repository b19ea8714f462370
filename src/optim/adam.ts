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

import type { serialization, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { SlotOptimizer, bool, num, type BaseOptions, type Slot } from './base';
import { OPTIMIZER_DEFAULTS } from './spec';
import { adaptiveStep, l2Gradient } from './kernels';
import { checkBetas, checkNonNegative } from './radam';
import { oneMinusPow } from '../shared/rectification';
import type { StepScalars } from './scalars';
import type { StepInfo } from './types';

export interface AdamOptions extends BaseOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Added to sqrt(v_hat) (tfjs / PyTorch Adam); default 1e-8. */
  epsilon?: number;
  weightDecay?: number;
  /** false (default): L2 folded into the gradient; true: AdamW, theta *= 1 - lr * wd. */
  decoupledWeightDecay?: boolean;
  /** Adam-2k: for the first `frozenSteps` steps only v_t is updated; default 0 (plain Adam). */
  frozenSteps?: number;
}

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

  constructor(options: AdamOptions = {}) {
    super({ ...options, learningRate: options.learningRate ?? OPTIMIZER_DEFAULTS.adam.learningRate });
    this.beta1 = options.beta1 ?? OPTIMIZER_DEFAULTS.adam.beta1;
    this.beta2 = options.beta2 ?? OPTIMIZER_DEFAULTS.adam.beta2;
    this.epsilon = options.epsilon ?? OPTIMIZER_DEFAULTS.adam.epsilon;
    this.weightDecay = options.weightDecay ?? OPTIMIZER_DEFAULTS.adam.weightDecay;
    this.decoupledWeightDecay = options.decoupledWeightDecay ?? OPTIMIZER_DEFAULTS.adam.decoupledWeightDecay;
    this.frozenSteps = options.frozenSteps ?? 0;
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

  protected idleInfo(t: number, lr: number): StepInfo {
    return { step: t, learningRate: lr, rhoT: null, rT: null, rectified: null, effectiveStepSize: 0, paramsUpdated: false };
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...this.baseConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      decoupledWeightDecay: this.decoupledWeightDecay,
      frozenSteps: this.frozenSteps,
    };
  }

  /** @nocollapse */
  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    const c = config as Record<string, unknown>;
    const options: AdamOptions = {
      learningRate: num(c, 'learningRate', OPTIMIZER_DEFAULTS.adam.learningRate),
      beta1: num(c, 'beta1', OPTIMIZER_DEFAULTS.adam.beta1),
      beta2: num(c, 'beta2', OPTIMIZER_DEFAULTS.adam.beta2),
      epsilon: num(c, 'epsilon', OPTIMIZER_DEFAULTS.adam.epsilon),
      weightDecay: num(c, 'weightDecay', OPTIMIZER_DEFAULTS.adam.weightDecay),
      decoupledWeightDecay: bool(c, 'decoupledWeightDecay', OPTIMIZER_DEFAULTS.adam.decoupledWeightDecay),
      frozenSteps: num(c, 'frozenSteps', 0),
      schedule: (c.schedule ?? null) as AdamOptions['schedule'],
    };
    return new (cls as unknown as new (o: AdamOptions) => T)(options);
  }
}

tf.serialization.registerClass(AdamOptimizer);
