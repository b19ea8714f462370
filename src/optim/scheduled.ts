// Schedules for optimizers that are not ours (tf.train.adam, tf.train.momentum, ...): a wrapper that sets
// the wrapped optimizer's learning rate before each applyGradients. Our own optimizers take `schedule`
// as an option instead (and report the scheduled rate in lastStep).

import type { NamedTensorMap, Optimizer, serialization } from '@tensorflow/tfjs';
import type { NamedTensor } from './base';
import { tf } from '../tf';
import { assertValidSchedule, learningRateAt } from './schedules';
import type { ScheduleSpec } from './types';

/**
 * Change an optimizer's learning rate for its next step. Works for this library's optimizers and for
 * tfjs-core's (SGD and Momentum keep -lr as a cached tensor and have setLearningRate; Adam, Adamax,
 * Adagrad, Adadelta and RMSProp read their `learningRate` field at every step).
 */
export function setLearningRate(optimizer: Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (typeof o.learningRate === 'number') o.learningRate = lr;
  else throw new Error(`cannot set the learning rate of ${optimizer.getClassName()}`);
}

export class ScheduledOptimizer extends tf.Optimizer {
  /** @nocollapse */
  static get className(): string {
    return 'RAdamLab.Scheduled';
  }

  /** The learning rate used at the latest step. */
  lastLearningRate: number | null = null;

  constructor(
    readonly inner: Optimizer,
    readonly schedule: ScheduleSpec,
    readonly baseLearningRate: number,
    /** beta2 for the untuned warmups. */
    readonly beta2 = 0.999,
  ) {
    super();
    assertValidSchedule(schedule);
  }

  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const lr = learningRateAt(this.schedule, this.baseLearningRate, this.inner.iterations + 1, this.beta2);
    setLearningRate(this.inner, lr);
    this.inner.applyGradients(variableGradients);
    this.lastLearningRate = lr;
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await this.inner.setWeights(weightValues);
    this.iterations_ = this.inner.iterations;
  }

  override dispose(): void {
    this.inner.dispose();
    super.dispose();
  }

  override getConfig(): serialization.ConfigDict {
    return {
      inner: { className: this.inner.getClassName(), config: this.inner.getConfig() },
      schedule: this.schedule,
      baseLearningRate: this.baseLearningRate,
      beta2: this.beta2,
    };
  }

  /** @nocollapse */
  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    const c = config as unknown as {
      inner: { className: string; config: serialization.ConfigDict };
      schedule: ScheduleSpec;
      baseLearningRate: number;
      beta2?: number;
    };
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[c.inner.className];
    if (entry === undefined) throw new Error(`ScheduledOptimizer: unknown optimizer class '${c.inner.className}'`);
    const [innerCls, innerFromConfig] = entry;
    const inner = innerFromConfig(innerCls, c.inner.config) as unknown as Optimizer;
    return new (cls as unknown as new (...a: unknown[]) => T)(inner, c.schedule, c.baseLearningRate, c.beta2 ?? 0.999);
  }
}

tf.serialization.registerClass(ScheduledOptimizer);

/** Make any optimizer follow a schedule; `baseLearningRate` is the rate the schedule multiplies. */
export function withSchedule(optimizer: Optimizer, schedule: ScheduleSpec, baseLearningRate: number, beta2 = 0.999): ScheduledOptimizer {
  return new ScheduledOptimizer(optimizer, schedule, baseLearningRate, beta2);
}
