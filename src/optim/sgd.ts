// SGD with momentum, tfjs-core / PyTorch semantics (no dampening, buffer starts at zero so b_1 = g_1):
//   g <- g + wd * theta                (L2)       or   theta <- theta (1 - lr wd)   (decoupled)
//   b <- momentum * b + g ;  theta -= lr * b

import type { serialization, Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { SlotOptimizer, bool, num, type BaseOptions, type Slot } from './base';
import { OPTIMIZER_DEFAULTS } from './spec';
import { l2Gradient, momentumStep } from './kernels';
import { checkNonNegative } from './radam';
import type { StepScalars } from './scalars';
import type { StepInfo } from './types';

export interface SgdMomentumOptions extends BaseOptions {
  /** Default 1e-2. */
  learningRate?: number;
  /** Default 0.9. */
  momentum?: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
}

export class SgdMomentumOptimizer extends SlotOptimizer {
  /** @nocollapse */
  static get className(): string {
    return 'RAdamLab.SGDMomentum';
  }

  readonly momentum: number;
  readonly weightDecay: number;
  readonly decoupledWeightDecay: boolean;
  protected readonly slotKinds = ['momentum'] as const;

  constructor(options: SgdMomentumOptions = {}) {
    super({ ...options, learningRate: options.learningRate ?? OPTIMIZER_DEFAULTS['sgd-momentum'].learningRate });
    this.momentum = options.momentum ?? OPTIMIZER_DEFAULTS['sgd-momentum'].beta1;
    this.weightDecay = options.weightDecay ?? 0;
    this.decoupledWeightDecay = options.decoupledWeightDecay ?? false;
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

  protected idleInfo(t: number, lr: number): StepInfo {
    return { step: t, learningRate: lr, rhoT: null, rT: null, rectified: null, effectiveStepSize: 0, paramsUpdated: false };
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...this.baseConfig(),
      momentum: this.momentum,
      weightDecay: this.weightDecay,
      decoupledWeightDecay: this.decoupledWeightDecay,
    };
  }

  /** @nocollapse */
  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    const c = config as Record<string, unknown>;
    const options: SgdMomentumOptions = {
      learningRate: num(c, 'learningRate', OPTIMIZER_DEFAULTS['sgd-momentum'].learningRate),
      momentum: num(c, 'momentum', OPTIMIZER_DEFAULTS['sgd-momentum'].beta1),
      weightDecay: num(c, 'weightDecay', OPTIMIZER_DEFAULTS['sgd-momentum'].weightDecay),
      decoupledWeightDecay: bool(c, 'decoupledWeightDecay', OPTIMIZER_DEFAULTS['sgd-momentum'].decoupledWeightDecay),
      schedule: (c.schedule ?? null) as SgdMomentumOptions['schedule'],
    };
    return new (cls as unknown as new (o: SgdMomentumOptions) => T)(options);
  }
}

tf.serialization.registerClass(SgdMomentumOptimizer);
