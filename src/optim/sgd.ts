// SGD with momentum, tfjs-core / PyTorch semantics (no dampening, buffer starts at zero so b_1 = g_1):
//   g <- g + wd * theta                (L2)       or   theta <- theta (1 - lr wd)   (decoupled)
//   b <- momentum * b + g ;  theta -= lr * b

import type { Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { SlotOptimizer, type BaseOptions, type Slot } from './base';
import { resolveOptions, type OptionValues } from './options';
import { OPTIMIZER_DEFAULTS } from './spec';
import { l2Gradient, momentumStep } from './kernels';
import { checkNonNegative } from './radam';
import type { StepScalars } from './scalars';
import type { StepInfo } from './types';

/** SGD's options and their defaults (the run spec's for sgd-momentum, spec.ts, where beta1 is the momentum). */
const SGD_DEFAULTS = OPTIMIZER_DEFAULTS['sgd-momentum'];
const SGD_OPTIONS = {
  learningRate: SGD_DEFAULTS.learningRate,
  momentum: SGD_DEFAULTS.beta1,
  weightDecay: SGD_DEFAULTS.weightDecay,
  decoupledWeightDecay: SGD_DEFAULTS.decoupledWeightDecay,
};

export type SgdMomentumOptions = BaseOptions & Partial<OptionValues<typeof SGD_OPTIONS>>;

export class SgdMomentumOptimizer extends SlotOptimizer {
  /** @nocollapse */
  static get className(): string {
    return 'RAdamLab.SGDMomentum';
  }

  readonly momentum: number;
  readonly weightDecay: number;
  readonly decoupledWeightDecay: boolean;
  protected readonly slotKinds = ['momentum'] as const;

  static override readonly options = SGD_OPTIONS;

  constructor(options: SgdMomentumOptions = {}) {
    super(options);
    const o = resolveOptions(SGD_OPTIONS, options);
    this.momentum = o.momentum;
    this.weightDecay = o.weightDecay;
    this.decoupledWeightDecay = o.decoupledWeightDecay;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${this.momentum}`);
    checkNonNegative('weightDecay', this.weightDecay);
  }

  protected updateVariable(param: Variable, grad: Tensor, slot: Slot, lr: number, _sc: StepScalars): StepInfo {
    const wd = this.weightDecay;
    const g = wd !== 0 && !this.decoupledWeightDecay ? l2Gradient(grad, param, this.constant('wd', wd)) : grad;
    const b = slot.tensors[0];
    const kept = tf.mul(b, this.constant('momentum', this.momentum));
    const next = tf.add(kept, g);
    kept.dispose();
    if (g !== grad) g.dispose();
    b.assign(next);
    next.dispose();
    const decay = wd !== 0 && this.decoupledWeightDecay ? this.constant('decay', 1 - lr * wd) : null;
    momentumStep(param, b, this.constant('lr', lr), decay);
    slot.step += 1;
    return { step: slot.step, learningRate: lr, rhoT: null, rT: null, rectified: null, effectiveStepSize: lr, paramsUpdated: true };
  }
}

tf.serialization.registerClass(SgdMomentumOptimizer);
