// Small run specs for the engine tests: spiral, a tiny MLP, a few dozen steps (fast on 2 shared cores).
import type { OptimizerSpec } from '../../../src/optim/types';
import { DEFAULT_METRICS, type ComparisonSpec, type MetricOptions, type RunSpec } from '../../../src/runSpec/runSpec';

export function runSpec(over: Partial<RunSpec> = {}, metrics: Partial<MetricOptions> = {}): RunSpec {
  return {
    label: 'RAdam',
    optimizer: { name: 'radam', learningRate: 1e-2 },
    dataset: { name: 'spiral', validationSplit: 0.2, samples: 300 },
    model: { name: 'mlp', hiddenLayers: [16, 16], activation: 'tanh' },
    steps: 30,
    batchSize: 32,
    seed: 7,
    metrics: { ...DEFAULT_METRICS, histogramEvery: 5, validationEvery: 10, ...metrics },
    ...over,
  };
}

export function comparison(optimizers: Array<{ label: string; optimizer: OptimizerSpec }>, over: Partial<RunSpec> = {}, metrics: Partial<MetricOptions> = {}): ComparisonSpec {
  return {
    kind: optimizers.length > 1 ? 'compare-adam' : 'single',
    runs: optimizers.map((o) => runSpec({ ...over, label: o.label, optimizer: o.optimizer }, metrics)),
  };
}
