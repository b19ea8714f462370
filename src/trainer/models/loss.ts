// Loss and accuracy for a dataset's task. Models output raw values: logits for classification (no
// softmax layer), predictions for regression.
//
// Classification targets are one-hot rows made once per split (`targets`), so a batch is one gather of
// rows and the loss needs no per-step oneHot/index arithmetic. The cross-entropy is our own customGrad:
// measured with tf.profile on a forward+backward pass at batch 64 x 10 classes, it runs 22 kernels where
// tf.losses.softmaxCrossEntropy runs 32 (35 with its default reduction) and a sparse gather formulation 62;
// on tfjs-node each kernel costs ~12 us whatever its size, so on small models this is what a step costs.
// It is checked against tf.losses.softmaxCrossEntropy (value and gradient) in the unit tests.
//
// Sequence sets (info.sequence: reverse, sort, copy-shift) are per-token classification: the model outputs
// [batch, length, classes], the targets are int32 class ids [n, length] (a one-hot [n, length, classes]
// per split would take length x classes floats per example); each batch is one-hot encoded in the loss,
// and loss and accuracy are means over every token of the batch.
import { tf } from '../../tf';
// Types only (erased at build): the tfjs instance itself always comes from ../../tf.
import type { GradSaveFunc, Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { DatasetInfo, Split, Task } from '../../shared/datasetInfo';

export interface LossAndAccuracy {
  task: Task;
  /** For display: 'softmax cross-entropy' or 'mean squared error'. */
  lossName: string;
  /**
   * The targets of a split as a tensor, made once per split by the engine: one-hot [n, classes]
   * (float32) for classification, [n, outputs] for regression. The caller disposes it.
   */
  targets(split: Split): Tensor2D;
  /** Mean loss over the batch. `output` is the model's output ([batch, outputSize], or [batch, length, outputSize] for sequences). */
  loss(targets: Tensor, output: Tensor): Scalar;
  /** Fraction of argmax predictions equal to the target class; null for regression. */
  accuracy: ((targets: Tensor, output: Tensor) => Scalar) | null;
}

/**
 * Mean softmax cross-entropy of logits `z` against one-hot (or soft) labels `l`, both [batch, classes].
 * Forward: -mean_b sum_c l log softmax(z). Backward: (softmax(z) - l) / batch, exact when rows of l sum to 1.
 */
const softmaxCrossEntropyMean = tf.customGrad(((l: Tensor, z: Tensor, save: GradSaveFunc) => {
  const logp = tf.sub(z, tf.logSumExp(z, 1, true));
  save([l, logp]);
  const value = tf.neg(tf.mean(tf.sum(tf.mul(logp, l), 1)));
  const gradFunc = (dy: Tensor, saved: Tensor[]) => {
    const [labels, lp] = saved;
    const dz = tf.mul(tf.sub(tf.exp(lp), labels), tf.div(dy, lp.shape[0]));
    return [tf.zerosLike(labels), dz];
  };
  return { value, gradFunc };
  // customGrad's declared type takes variadic inputs; ours are exactly (labels, logits, save).
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (labels: Tensor, logits: Tensor) => Scalar;

export function lossAndAccuracy(info: DatasetInfo): LossAndAccuracy {
  if (info.task === 'classification' && info.sequence) {
    const classes = info.outputSize;
    const length = info.sequence.length;
    return {
      task: 'classification',
      lossName: 'softmax cross-entropy per token',
      targets(split) {
        return tf.tensor2d(Int32Array.from(split.y), [split.n, length], 'int32');
      },
      loss: (targets, output) => {
        const z = tf.reshape(output, [-1, classes]);
        const l = tf.oneHot(tf.reshape(targets, [-1]), classes).toFloat();
        return softmaxCrossEntropyMean(l, z);
      },
      accuracy: (targets, output) =>
        tf.tidy(() => tf.mean<Scalar>(tf.cast(tf.equal(tf.argMax(output, -1), targets), 'float32'))),
    };
  }
  if (info.task === 'classification') {
    const classes = info.outputSize;
    return {
      task: 'classification',
      lossName: 'softmax cross-entropy',
      targets(split) {
        return tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(split.y), 'int32'), classes).toFloat() as Tensor2D);
      },
      loss: (targets, output) => softmaxCrossEntropyMean(targets, output),
      accuracy: (targets, output) =>
        tf.tidy(() => tf.mean<Scalar>(tf.cast(tf.equal(tf.argMax(output, 1), tf.argMax(targets, 1)), 'float32'))),
    };
  }
  const outputs = info.outputSize;
  return {
    task: 'regression',
    lossName: 'mean squared error',
    targets(split) {
      return tf.tensor2d(split.y, [split.n, outputs]);
    },
    loss: (targets, output) => tf.losses.meanSquaredError<Tensor, Scalar>(targets, output, undefined, tf.Reduction.MEAN),
    accuracy: null,
  };
}
