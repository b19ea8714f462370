// Rectified Adam (Liu et al., 2020, "On the Variance of the Adaptive Learning Rate and Beyond") for
// TensorFlow.js, step for step equal to torch.optim.RAdam (and the authors' code with threshold > 5):
//
//   g   <- g + wd * theta                      (weightDecay, not decoupled: L2)
//   m_t  = beta1 m + (1 - beta1) g ;  v_t = beta2 v + (1 - beta2) g^2
//   rho_t, r_t as in src/shared/rectification.ts (float64 JS numbers)
//   theta <- theta (1 - lr wd)                 (decoupled weight decay, whenever theta moves)
//   rectified (rho_t > threshold):  theta -= lr r_t sqrt(1 - beta2^t) / (1 - beta1^t) * m_t / (sqrt(v_t) + eps)
//   else, degeneratedToSgd:         theta -= lr / (1 - beta1^t) * m_t
//   else:                           theta unchanged (and no weight decay)
//
// eps is added to the raw sqrt(v_t), not to the bias-corrected one. Slot tensors are float32; every
// scalar factor is computed in float64 and uploaded once per step as a single combined step size.

import type { Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { SlotOptimizer, type BaseOptions, type FusedAdamUpdate, type Slot } from './base';
import { resolveOptions, type OptionValues } from './options';
import { OPTIMIZER_DEFAULTS, pickDefaults } from './spec';
import { adaptiveStep, l2Gradient, momentumStep } from './kernels';
import { oneMinusPow, rectification } from '../shared/rectification';
import type { StepScalars } from './scalars';
import type { StepInfo } from './types';

/** RAdam's options and their defaults (the run spec's: spec.ts). Each option is documented on OptimizerSpec (types.ts). */
const RADAM_OPTIONS = pickDefaults(OPTIMIZER_DEFAULTS.radam, [
  'learningRate',
  'beta1',
  'beta2',
  'epsilon',
  'weightDecay',
  'decoupledWeightDecay',
  'rectificationThreshold',
  'degeneratedToSgd',
]);

export type RAdamOptions = BaseOptions & Partial<OptionValues<typeof RADAM_OPTIONS>>;

export function checkBetas(beta1: number, beta2: number): void {
  if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`beta1 must be in [0, 1), got ${beta1}`);
  if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`beta2 must be in [0, 1), got ${beta2}`);
}

export function checkNonNegative(name: string, x: number): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`${name} must be a finite number >= 0, got ${x}`);
}

export class RAdamOptimizer extends SlotOptimizer {
  /** @nocollapse */
  static get className(): string {
    return 'RAdam';
  }

  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly decoupledWeightDecay: boolean;
  readonly rectificationThreshold: number;
  readonly degeneratedToSgd: boolean;
  protected readonly slotKinds = ['m', 'v'] as const;

  static override readonly options = RADAM_OPTIONS;

  constructor(options: RAdamOptions = {}) {
    super(options);
    const o = resolveOptions(RADAM_OPTIONS, options);
    this.beta1 = o.beta1;
    this.beta2 = o.beta2;
    this.epsilon = o.epsilon;
    this.weightDecay = o.weightDecay;
    this.decoupledWeightDecay = o.decoupledWeightDecay;
    this.rectificationThreshold = o.rectificationThreshold;
    this.degeneratedToSgd = o.degeneratedToSgd;
    checkBetas(this.beta1, this.beta2);
    checkNonNegative('epsilon', this.epsilon);
    checkNonNegative('weightDecay', this.weightDecay);
    if (!(this.rectificationThreshold >= 4)) {
      throw new RangeError(`rectificationThreshold must be >= 4 (r_t is undefined below 4), got ${this.rectificationThreshold}`);
    }
  }

  protected override scheduleBeta2(): number {
    return this.beta2;
  }

  protected updateVariable(param: Variable, grad: Tensor, slot: Slot, lr: number, sc: StepScalars): StepInfo {
    const t = slot.step + 1;
    const { beta1, beta2, weightDecay: wd } = this;
    const rect = rectification(t, beta2, this.rectificationThreshold);
    const bc1 = oneMinusPow(beta1, t);
    const bc2 = oneMinusPow(beta2, t);

    const g = wd !== 0 && !this.decoupledWeightDecay ? l2Gradient(grad, param, this.constant('wd', wd)) : grad;
    this.ema(slot, 0, beta1, g, sc);
    const g2 = tf.square(g);
    this.ema(slot, 1, beta2, g2, sc);
    g2.dispose();
    if (g !== grad) g.dispose();
    slot.step = t;

    const [cm, cv] = slot.scales; // true m = cm * M, true v = cv * V
    const [M, V] = slot.tensors;
    const moves = rect.rectified || this.degeneratedToSgd;
    const decay = moves && wd !== 0 && this.decoupledWeightDecay ? this.constant('decay', 1 - lr * wd) : null;
    let effectiveStepSize = 0;
    if (rect.rectified) {
      effectiveStepSize = (lr * (rect.rT as number) * Math.sqrt(bc2)) / bc1;
      // lr r sqrt(bc2)/bc1 * cm M / (sqrt(cv) sqrt(V) + eps) = k * M / (sqrt(V) + e)
      const sqrtCv = Math.sqrt(cv);
      adaptiveStep(param, M, V, sc.get((effectiveStepSize * cm) / sqrtCv), sc.get(this.epsilon / sqrtCv), decay);
    } else if (this.degeneratedToSgd) {
      effectiveStepSize = lr / bc1;
      momentumStep(param, M, sc.get(effectiveStepSize * cm), decay);
    }
    return {
      step: t,
      learningRate: lr,
      rhoT: rect.rhoT,
      rT: rect.rT,
      rectified: rect.rectified,
      effectiveStepSize,
      paramsUpdated: moves,
    };
  }

  /** Rectified steps without weight decay are Adam's form with k = lr r_t sqrt(1 - beta2^t) / (1 - beta1^t). */
  protected override fusedUpdate(t: number, lr: number): FusedAdamUpdate | null {
    if (this.weightDecay !== 0) return null;
    const rect = rectification(t, this.beta2, this.rectificationThreshold);
    if (!rect.rectified) return null;
    const k = (lr * (rect.rT as number) * Math.sqrt(oneMinusPow(this.beta2, t))) / oneMinusPow(this.beta1, t);
    const info: StepInfo = { step: t, learningRate: lr, rhoT: rect.rhoT, rT: rect.rT, rectified: true, effectiveStepSize: k, paramsUpdated: true };
    return { k, e: this.epsilon, beta1: this.beta1, beta2: this.beta2, info };
  }

  protected override idleInfo(t: number, lr: number): StepInfo {
    const rect = rectification(t, this.beta2, this.rectificationThreshold);
    return { step: t, learningRate: lr, rhoT: rect.rhoT, rT: rect.rT, rectified: rect.rectified, effectiveStepSize: 0, paramsUpdated: false };
  }
}

tf.serialization.registerClass(RAdamOptimizer);
