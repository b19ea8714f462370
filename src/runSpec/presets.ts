// Presets: comparisons that do not depend on the workspace settings, for commands and the CLI.
//
// "Paper: Transformer without warmup" (docs/transformer-experiment.md): the smallest configuration found
// where Adam without warmup visibly breaks and RAdam and warmed-up Adam do not. A 6-layer post-LN encoder
// (d = 64, 4 heads) reversing 12 tokens of 16, batch 32, lr 3e-3, beta2 = 0.99: Adam's first updates kill
// most feed-forward units of the upper layers and flatten their attention (their gradients drop below
// e^-15 or to exactly 0 within ~20 steps) and its loss stays at chance, ln 16 = 2.77, while RAdam and
// Adam with the untuned 200-step warmup of "Compare with Adam" reach 100% token accuracy.
// The same JSON ships as media/presets/paper-transformer.json for `radam-lab train --spec`.
//
// "Paper: learning-rate robustness" (docs/lr-robustness.md): the paper's Figure 3 at small scale, the one
// setting of those tried where RAdam's final accuracy varied less across lr in {0.1, 0.03, 0.01, 0.003}
// than Adam's over 3 seeds: a 4-layer post-LN encoder (d = 64, 4 heads) reversing 12 tokens of 16, batch
// 32, beta2 = 0.999, 300 steps. One lr-sweep comparison (RAdam and Adam at each rate) per seed, shipped as
// media/presets/paper-lr-robustness-seed{1,2,3}.json (the labels name the seed, so one file per seed).
import { compareWithAdam, learningRateSweep } from './comparisons';
import { DEFAULT_METRICS, type ComparisonSpec, type MetricOptions, type RunSpec } from './runSpec';
import { fieldDefault } from './schema';

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

/**
 * A RAdam run of both presets' task: a post-LN encoder (d = 64, 4 heads, feed-forward 256) reversing 12
 * tokens of 16, batch 32; the presets differ in depth, learning rate, beta2, length and what they watch.
 */
function reverseTransformerRun(p: { layers: number; learningRate: number; beta2: number; steps: number; seed: number; metrics: Partial<MetricOptions> }): RunSpec {
  return {
    label: 'RAdam',
    optimizer: { name: 'radam', learningRate: p.learningRate, beta1: 0.9, beta2: p.beta2, epsilon: 1e-8, weightDecay: 0, schedule: { kind: 'constant' } },
    dataset: { name: 'reverse', validationSplit: 0.1, samples: 10_000, sequenceLength: 12, vocabularySize: 16 },
    model: { name: 'transformer', hiddenLayers: [], activation: 'relu', layers: p.layers, dModel: 64, heads: 4, ffDim: 256, norm: 'post' },
    steps: p.steps,
    batchSize: 32,
    seed: p.seed,
    metrics: { ...DEFAULT_METRICS, ...p.metrics },
  };
}

/** The base run of the paper-transformer preset (RAdam; compareWithAdam derives the other two). */
export function paperTransformerBase(opts: PresetOptions = {}): RunSpec {
  return reverseTransformerRun({
    layers: 6,
    learningRate: 3e-3,
    beta2: 0.99,
    steps: opts.steps ?? 600,
    seed: opts.seed ?? 1,
    // Histograms every 5 steps, per layer: the collapse happens within the first ~20 updates.
    metrics: { histogramEvery: 5, perLayerHistograms: true, validationEvery: 50, normsEvery: 10 },
  });
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

/** The paper's grid (its Figure 3) and the seeds each rate is trained with. */
export const LR_ROBUSTNESS_RATES: readonly number[] = [0.1, 0.03, 0.01, 0.003];
export const LR_ROBUSTNESS_SEEDS: readonly number[] = [1, 2, 3];

/** The base run of the lr-robustness preset (the sweep sets optimizer and learning rate). */
export function paperLrRobustnessBase(opts: PresetOptions = {}): RunSpec {
  return reverseTransformerRun({
    layers: 4,
    // Replaced per run by the sweep's rates: the base keeps the declared default.
    learningRate: fieldDefault<number>('optimizer.learningRate'),
    beta2: 0.999,
    steps: opts.steps ?? 300,
    seed: opts.seed ?? 1,
    // 8 runs at once: histograms every 10 steps (all parameters) keep the watching cheap; the figure is
    // the final validation accuracy, so validation only every 50 steps and at the end.
    metrics: { histogramEvery: 10, perLayerHistograms: false, validationEvery: 50, normsEvery: 10 },
  });
}

/** RAdam and Adam at each rate of LR_ROBUSTNESS_RATES on one seed; labels name the seed. */
export function paperLrRobustnessComparison(opts: PresetOptions = {}): ComparisonSpec {
  const sweep = learningRateSweep(paperLrRobustnessBase(opts), [...LR_ROBUSTNESS_RATES]);
  return { ...sweep, runs: sweep.runs.map((r) => ({ ...r, label: `${r.label}, seed ${r.seed}` })) };
}

/** One comparison per seed of LR_ROBUSTNESS_SEEDS (a comparison shares one seed: data, weights, batches). */
export function paperLrRobustnessComparisons(opts: Omit<PresetOptions, 'seed'> = {}): ComparisonSpec[] {
  return LR_ROBUSTNESS_SEEDS.map((seed) => paperLrRobustnessComparison({ ...opts, seed }));
}

export const PAPER_LR_ROBUSTNESS: Preset = {
  id: 'paper-lr-robustness',
  title: 'Paper: learning-rate robustness',
  detail: 'RAdam and Adam at lr 0.1, 0.03, 0.01 and 0.003, 3 seeds, on a 4-layer post-LN Transformer: final validation accuracy against lr.',
  comparison: paperLrRobustnessComparison,
};

export const PRESETS: readonly Preset[] = [PAPER_TRANSFORMER, PAPER_LR_ROBUSTNESS];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
