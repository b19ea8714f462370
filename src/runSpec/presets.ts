// Presets: comparisons that do not depend on the workspace settings, for commands and the CLI.
//
// "Paper: Transformer without warmup" (docs/transformer-experiment.md): the smallest configuration found
// where Adam without warmup visibly breaks and RAdam and warmed-up Adam do not. A 6-layer post-LN encoder
// (d = 64, 4 heads) reversing 12 tokens of 16, batch 32, lr 3e-3, beta2 = 0.99: Adam's first updates kill
// most feed-forward units of the upper layers and flatten their attention (their gradients drop below
// e^-15 or to exactly 0 within ~20 steps) and its loss stays at chance, ln 16 = 2.77, while RAdam and
// Adam with the untuned 200-step warmup of "Compare with Adam" reach 100% token accuracy.
// The same JSON ships as media/presets/paper-transformer.json for `radam-lab train --spec`.
import { compareWithAdam } from './comparisons';
import { DEFAULT_METRICS, type ComparisonSpec, type RunSpec } from './runSpec';

export interface Preset {
  id: string;
  /** Title for a command or quick pick. */
  title: string;
  /** One sentence for a tooltip or the command's detail. */
  detail: string;
  comparison(opts?: PresetOptions): ComparisonSpec;
}

export interface PresetOptions {
  /** Override the number of steps (tests run a shorter version). */
  steps?: number;
  seed?: number;
}

/** The base run of the paper-transformer preset (RAdam; compareWithAdam derives the other two). */
export function paperTransformerBase(opts: PresetOptions = {}): RunSpec {
  return {
    label: 'RAdam',
    optimizer: { name: 'radam', learningRate: 3e-3, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0, schedule: { kind: 'constant' } },
    dataset: { name: 'reverse', validationSplit: 0.1, samples: 10_000, sequenceLength: 12, vocabularySize: 16 },
    model: { name: 'transformer', hiddenLayers: [], activation: 'relu', layers: 6, dModel: 64, heads: 4, ffDim: 256, norm: 'post' },
    steps: opts.steps ?? 600,
    batchSize: 32,
    seed: opts.seed ?? 1,
    // Histograms every 5 steps, per layer: the collapse happens within the first ~20 updates.
    metrics: { ...DEFAULT_METRICS, histogramEvery: 5, perLayerHistograms: true, validationEvery: 50, normsEvery: 10 },
  };
}

/** RAdam, Adam, and Adam with the untuned linear warmup (2 / (1 - beta2) = 200 steps), on the base run. */
export function paperTransformerComparison(opts: PresetOptions = {}): ComparisonSpec {
  return compareWithAdam(paperTransformerBase(opts), { includeAdam2k: false, includeAdamEps: false });
}

export const PAPER_TRANSFORMER: Preset = {
  id: 'paper-transformer',
  title: 'Paper: Transformer without warmup',
  detail: 'RAdam, Adam and Adam with warmup on a 6-layer post-LN Transformer reversing sequences: un-warmed Adam gets stuck at chance.',
  comparison: paperTransformerComparison,
};

export const PRESETS: readonly Preset[] = [PAPER_TRANSFORMER];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
