// Evaluation on the validation split: every validationEvery steps and after the last step, in chunks so
// one evaluation's memory stays bounded whatever the split's size; one read-back per chunk.
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { RunSpec } from '../runSpec/runSpec';
import { tf } from '../tf';
import type { ActiveRun, TrainingData } from './activeRun';
import type { LossAndAccuracy } from './models';

/** Validation examples evaluated per forward pass (bounds the memory of one evaluation). */
const VALIDATION_CHUNK = 4096;

export interface Evaluation {
  loss: number;
  accuracy: number | null;
}

/** Whether `step` evaluates: every validationEvery steps, and the last step always. */
export function validationDue(metrics: RunSpec['metrics'], step: number, totalSteps: number): boolean {
  return (metrics.validationEvery > 0 && step % metrics.validationEvery === 0) || step === totalSteps;
}

/** Mean loss (and accuracy, for classification) of the run's model over the whole validation split. */
export function evaluate(run: ActiveRun, data: TrainingData, la: LossAndAccuracy): Evaluation {
  const n = data.valN;
  let lossSum = 0;
  let accSum = 0;
  for (let start = 0; start < n; start += VALIDATION_CHUNK) {
    const size = Math.min(VALIDATION_CHUNK, n - start);
    const v = tf.tidy(() => {
      const x = size === n ? (data.xVal as Tensor) : sliceRows(data.xVal as Tensor, start, size);
      const y = size === n ? (data.yVal as Tensor) : sliceRows(data.yVal as Tensor, start, size);
      const out = run.native ? run.native.predict(x) : (run.model.apply(x, { training: false }) as Tensor);
      const parts: Scalar[] = [la.loss(y, out)];
      if (la.accuracy) parts.push(la.accuracy(y, out));
      return tf.stack(parts);
    });
    const r = v.dataSync();
    v.dispose();
    lossSum += r[0] * size;
    if (la.accuracy) accSum += r[1] * size;
  }
  return { loss: lossSum / n, accuracy: la.accuracy ? accSum / n : null };
}

function sliceRows(t: Tensor, start: number, size: number): Tensor {
  const begin = t.shape.map((_, i) => (i === 0 ? start : 0));
  const sizes = t.shape.map((d, i) => (i === 0 ? size : d));
  return tf.slice(t, begin, sizes);
}
