// Small run specs for the engine tests: spiral, a tiny MLP, a few dozen steps (fast on 2 shared cores).
import type { OptimizerSpec } from '../../../src/optim/types';
import { parseRunId, type RunRecord } from '../../../src/runs';
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

/** Three runs (RAdam, Adam, SGD with momentum) of `steps` steps: a comparison to split over two trainer processes. */
export function threeRuns(steps: number): ComparisonSpec {
  return comparison(
    [
      { label: 'RAdam', optimizer: { name: 'radam', learningRate: 1e-2 } },
      { label: 'Adam', optimizer: { name: 'adam', learningRate: 1e-2 } },
      { label: 'SGD', optimizer: { name: 'sgd-momentum', learningRate: 5e-2 } },
    ],
    { steps },
  );
}

/** A run.json record of a 'single' run for the run-folder tests (`over` replaces any field). */
export function testRunRecord(id: string, over: Partial<RunRecord> = {}): RunRecord {
  const parsed = parseRunId(id)!;
  return {
    format: 1,
    id,
    comparisonId: parsed.comparisonId,
    comparisonKind: 'single',
    index: parsed.index,
    label: 'RAdam',
    spec: runSpec(),
    status: 'running',
    startedAt: new Date().toISOString(),
    endedAt: null,
    backend: { name: 'tensorflow', native: true },
    pid: process.pid,
    parameters: 10,
    dataset: { task: 'classification', inputShape: [2], outputSize: 3, trainExamples: 240, validationExamples: 60 },
    summary: null,
    ...over,
  };
}
