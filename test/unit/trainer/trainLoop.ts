// A minimal training loop for the model tests (the real engine lives in src/trainer/engine): Adam,
// seeded batch order, loss and accuracy read back only when asked.
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { tf } from '../../../src/tf';
import type { Dataset, Split } from '../../../src/trainer/datasets';
import { lossAndAccuracy, trainableVariables } from '../../../src/trainer/models';
import { Random } from '../../../src/trainer/random';

export interface Evaluation {
  loss: number;
  accuracy: number | null;
}

export class TinyTrainer {
  private readonly la;
  private readonly xTrain: Tensor;
  private readonly yTrain: Tensor;
  private readonly order: Random;
  private readonly opt;
  private readonly vars;
  private perm: Uint32Array;
  private pos = 0;

  constructor(
    private readonly model: LayersModel,
    private readonly data: Dataset,
    seed: number,
    lr: number,
    private readonly batchSize: number,
  ) {
    this.la = lossAndAccuracy(data.info);
    this.xTrain = this.features(data.train);
    this.yTrain = this.la.targets(data.train);
    this.order = new Random(seed, 'batches');
    this.perm = this.order.permutation(data.train.n);
    this.opt = tf.train.adam(lr);
    this.vars = trainableVariables(model);
  }

  features(s: Split): Tensor {
    return tf.tensor(s.x, [s.n, ...this.data.info.inputShape]);
  }

  /** One optimizer step on the next batch (a reshuffle at each epoch end). */
  step(): void {
    if (this.pos + this.batchSize > this.perm.length) {
      this.perm = this.order.permutation(this.data.train.n);
      this.pos = 0;
    }
    const idx = this.perm.slice(this.pos, this.pos + this.batchSize);
    this.pos += this.batchSize;
    tf.tidy(() => {
      const i = tf.tensor1d(Int32Array.from(idx), 'int32');
      const x = tf.gather(this.xTrain, i);
      const y = tf.gather(this.yTrain, i);
      this.opt.minimize(() => this.la.loss(y, this.model.apply(x, { training: true }) as Tensor), false, this.vars);
    });
  }

  evaluate(split: Split): Evaluation {
    let result: Evaluation = { loss: NaN, accuracy: null };
    tf.tidy(() => {
      const x = this.features(split);
      const y = this.la.targets(split);
      const out = this.model.apply(x) as Tensor;
      result = {
        loss: this.la.loss(y, out).dataSync()[0],
        accuracy: this.la.accuracy ? this.la.accuracy(y, out).dataSync()[0] : null,
      };
    });
    return result;
  }

  dispose(): void {
    this.xTrain.dispose();
    this.yTrain.dispose();
    this.opt.dispose();
  }
}
