// The comparisons the commands start. Every run of a comparison shares the base spec's dataset, model,
// seed, steps and batch size — so it also shares initial weights and batch order in the trainer — and
// differs only by optimizer and schedule.
import type { OptimizerName, OptimizerSpec, ScheduleSpec } from '../optim/types';
import type { ComparisonSpec, RunSpec } from './runSpec';

function variant(base: RunSpec, label: string, name: OptimizerName, schedule: ScheduleSpec, extra: Partial<OptimizerSpec> = {}): RunSpec {
  const { rectificationThreshold, degeneratedToSgd, ...shared } = base.optimizer;
  // RAdam-only options make no sense on the baselines.
  const optimizer: OptimizerSpec =
    name === 'radam'
      ? { ...base.optimizer, ...extra, name, schedule }
      : { ...shared, ...extra, name, schedule };
  void rectificationThreshold;
  void degeneratedToSgd;
  return { ...base, label, optimizer };
}

const constant: ScheduleSpec = { kind: 'constant' };

export function singleRun(base: RunSpec): ComparisonSpec {
  return { kind: 'single', runs: [variant(base, 'RAdam', 'radam', constant)] };
}

export interface CompareAdamOptions {
  includeAdam2k: boolean;
  includeAdamEps: boolean;
}

/** RAdam, Adam, and Adam with the untuned linear warmup of Ma & Yarats (w = 2/(1-beta2)). */
export function compareWithAdam(base: RunSpec, opts: CompareAdamOptions): ComparisonSpec {
  const beta2 = base.optimizer.beta2 ?? 0.999;
  const w = Math.round(2 / (1 - beta2));
  const runs = [
    variant(base, 'RAdam', 'radam', constant),
    variant(base, 'Adam', 'adam', constant),
    variant(base, `Adam, untuned warmup (${w} steps)`, 'adam', { kind: 'untuned-warmup' }),
  ];
  if (opts.includeAdam2k) runs.push(variant(base, 'Adam-2k', 'adam-2k', constant, { k: Math.min(2000, Math.max(1, Math.floor(base.steps / 2))) }));
  if (opts.includeAdamEps) runs.push(variant(base, 'Adam-eps (1e-4)', 'adam-eps', constant, { epsilon: 1e-4 }));
  return { kind: 'compare-adam', runs };
}

/** RAdam against Adam with linear (and optionally exponential) warmup over each length. */
export function compareWarmups(base: RunSpec, warmupSteps: number[], exponential: boolean): ComparisonSpec {
  const runs = [variant(base, 'RAdam', 'radam', constant)];
  for (const w of [...new Set(warmupSteps)]) {
    if (w === 0) runs.push(variant(base, 'Adam, no warmup', 'adam', constant));
    else runs.push(variant(base, `Adam, linear warmup ${w}`, 'adam', { kind: 'linear-warmup', warmupSteps: w }));
  }
  if (exponential) {
    for (const w of [...new Set(warmupSteps)].filter((w) => w > 0)) {
      runs.push(variant(base, `Adam, exponential warmup ${w}`, 'adam', { kind: 'exponential-warmup', warmupSteps: w }));
    }
  }
  return { kind: 'compare-warmup', runs };
}

/** RAdam and Adam at each learning rate. */
export function learningRateSweep(base: RunSpec, rates: number[]): ComparisonSpec {
  const runs: RunSpec[] = [];
  for (const lr of [...new Set(rates)]) {
    runs.push(variant(base, `RAdam, lr ${lr}`, 'radam', constant, { learningRate: lr }));
    runs.push(variant(base, `Adam, lr ${lr}`, 'adam', constant, { learningRate: lr }));
  }
  return { kind: 'lr-sweep', runs };
}
