// Multi-layer perceptron: [flatten] -> dense_0 .. dense_{k-1} (hidden, activation) -> dense_k (logits).
import { tf } from '../../tf';
// Types only (erased at build): the tfjs instance itself always comes from ../../tf.
import type { LayersModel } from '@tensorflow/tfjs';
import type { ModelSpec } from '../../runSpec/runSpec';
import type { DatasetInfo } from '../../shared/datasetInfo';
import { checkMlp } from './fit';
import { kernelInitializer, LayerNamer } from './layers';

export function buildMlp(spec: ModelSpec, info: DatasetInfo, seed: number): LayersModel {
  const names = new LayerNamer();
  const model = tf.sequential({ name: 'mlp' });
  const image = info.inputShape.length > 1;
  if (image) {
    // Dense layers act on the last axis only; images become flat vectors first.
    model.add(tf.layers.flatten({ name: names.next('flatten'), inputShape: info.inputShape }));
  }
  const layers = [...spec.hiddenLayers, info.outputSize];
  layers.forEach((units, i) => {
    const last = i === layers.length - 1;
    const name = names.next('dense');
    // The output layer is linear: logits for classification (the loss applies the softmax), values for regression.
    const activation = last ? 'linear' : spec.activation;
    model.add(
      tf.layers.dense({
        name,
        units,
        activation,
        kernelInitializer: kernelInitializer(activation, seed, name),
        biasInitializer: 'zeros',
        ...(i === 0 && !image ? { inputShape: info.inputShape } : {}),
      }),
    );
  });
  return model;
}

export const mlpBuilder = { build: buildMlp, check: checkMlp };
