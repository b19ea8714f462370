// Helpers every model builder uses, so that models are reproducible and their names are stable.
//
// Names: tfjs names layers from process-wide counters (dense_Dense1, dense_Dense7, ...), which change with
// whatever was built before. Metrics are reported per layer and compared across runs, so each model
// names its layers itself with a per-model counter: dense_0, dense_1, conv2d_0, ...
//
// Seeds: every initializer gets its own seed derived from (model seed, layer name), so two builds with
// the same seed have identical weights, and two layers of the same shape do not start identical.
import { tf } from '../../tf';
import type { Activation } from '../../runSpec/runSpec';
import { deriveSeed } from '../random';

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/** Hands out dense_0, dense_1, ... per kind, within one model. */
export class LayerNamer {
  private counts = new Map<string, number>();
  next(kind: string): string {
    const k = this.counts.get(kind) ?? 0;
    this.counts.set(kind, k + 1);
    return `${kind}_${k}`;
  }
}

/**
 * Kernel initializer for a layer followed by `activation`: He (fan-in, variance 2/fan_in) for the
 * ReLU family, which keeps activations from shrinking layer by layer; Glorot for tanh, sigmoid and
 * the linear output layer. Uniform variants, as Keras defaults.
 */
export function kernelInitializer(activation: Activation | 'linear', seed: number, layerName: string): Initializer {
  const s = deriveSeed(seed, `init/${layerName}`);
  return activation === 'relu' || activation === 'elu' || activation === 'gelu'
    ? tf.initializers.heUniform({ seed: s })
    : tf.initializers.glorotUniform({ seed: s });
}
