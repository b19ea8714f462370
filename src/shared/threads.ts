// TensorFlow's thread settings for a training process, chosen from the model's size and the core count
// by a rule derived from measurements (issue 8). Pure (no tfjs, no vscode): the extension host applies
// the result when it forks a trainer (TrainingManager -> TrainerProcess env), the CLI before it loads
// tfjs-node; TensorFlow reads these variables once, when it loads, so they cannot change afterwards.
//
//   TF_NUM_INTRAOP_THREADS   threads one op may use. TensorFlow's default is one per core; every op then
//                            pays for waking and joining the pool, which a small op does not earn back.
//   TF_NUM_INTEROP_THREADS   ops run at once. tfjs runs eager ops one at a time, so a pool only adds
//                            idle threads: always 1.
//   TF_ENABLE_ONEDNN_OPTS    left to TensorFlow (on, on x86): switching it off made the trainer's step
//                            slower in most workloads measured (11 of 16, faster in 2, both disturbed).
//
// Measured (bench/training-speed.bench.mjs --sweep: the trainer's step, RAdam, no watching; ms per step,
// median of 5 interleaved rounds, one process per configuration; 2-core AMD EPYC VM (AVX-512),
// tfjs-node 4.22 with libtensorflow 2.21; other agents' builds and tests running, load average 2.7-6.3).
// default = nothing set (TensorFlow: 2 intra-op, 2 inter-op threads here); intra N = TF_NUM_INTRAOP_THREADS=N
// with TF_NUM_INTEROP_THREADS=1. In parentheses: CPU ms per step of the process (all threads).
//
//   workload (MLP, batch)              MFLOP/step    default         intra 1         intra 2
//   spiral 2-64-64-3, 32                     0.8     0.48 (0.7)      0.46 (0.6)      0.48 (0.6)
//   digits 784-256-256-10, 32               51.6     2.31 (2.5)      1.25 (1.4)      2.19 (2.4)
//   digits 784-256-256-10, 128             206.4     3.33 (3.7)      2.09 (2.5)      3.33 (3.8)
//   digits 784-256-256-10, 512             825.8     6.62 (7.3)      5.13 (5.6)      6.59 (7.1)
//   digits 784-1024-1024-10, 128          1429.7    16.91 (18.4)    14.00 (15.6)    18.18 (19.2)
//   digits 784-256-256-10, 1024           1651.5    11.31 (12.4)    10.36 (10.2)    11.39 (12.4)
//   digits 784-256-256-10, 2048           3303.0    24.78 (26.6)    22.56 (22.9)    24.67 (25.2)
//   digits 784-2048-2048-10, 256          8940.2   120.67 (94.8)   110.67 (81.6)   115.19 (101.4)
//   digits 784-1024-1024-10, 1024        11437.9    65.26 (69.7)    65.19 (65.0)    64.57 (65.9)
//
// Two more sweeps (load 5-10, all configurations) agreed but where a one-thread process visibly waited
// for a core (wall far above its CPU time); 2 inter-op threads changed nothing beyond noise (the full
// tables: docs/training-speed.md). A second thread costs every op a pool wake-up and join, and on this
// machine the other core is rarely free: the CPU time of 2 threads stays close to the wall time.
//
// Rule: one intra-op thread while a training step is under PARALLEL_ABOVE_FLOPS floating-point
// operations (6 x batch x multiply-adds per example: forward, and backward for inputs and weights), just
// past the largest step measured, where 1 and 2 threads tied; then one more thread per FLOPS_PER_THREAD,
// at most one per core. Only 1 and 2 threads could be measured here: the step beyond is an extrapolation
// (one more thread per further crossover's worth of work), not a measurement; radam.training.threads or
// --threads overrides the rule.
import type { ComparisonSpec, RunSpec } from '../runSpec/runSpec';
import { datasetInfoWithoutLoading } from './datasetShapes';

/** `auto` (the rule) or a fixed number of intra-op threads (1..64), from radam.training.threads or --threads. */
export type ThreadOverride = 'auto' | number;

export const MAX_THREADS = 64;

/** Below this many FLOPs per step one intra-op thread is fastest (measured: 1 and 2 threads tie at ~11 GFLOP). */
export const PARALLEL_ABOVE_FLOPS = 1.2e10;
/** Each further intra-op thread needs this much more work per step (extrapolated: see the top). */
export const FLOPS_PER_THREAD = 1.2e10;

/** Multiply-adds per example of a model's forward pass, from its spec and the dataset's shape. */
export function macsPerExample(run: RunSpec): number {
  const info = datasetInfoWithoutLoading(run.dataset.name, run.dataset);
  // csv: the shape is only known from the file; tabular files are narrow (a few dozen columns).
  const inputs = info ? info.inputShape.reduce((a, b) => a * b, 1) : 32;
  const outputs = info ? info.outputSize : 8;
  const model = run.model as RunSpec['model'] & Record<string, unknown>;
  if (model.name === 'mlp') {
    const sizes = [inputs, ...model.hiddenLayers, outputs];
    let macs = 0;
    for (let i = 0; i + 1 < sizes.length; i++) macs += sizes[i] * sizes[i + 1];
    return macs;
  }
  if (model.name === 'cnn') {
    // src/trainer/models/cnn.ts: two (3x3 valid conv, 2x2 pool) stages of 8 and 16 filters, then dense.
    const [h, w, c] = info && info.inputShape.length === 3 ? info.inputShape : [28, 28, 1];
    let side = [h, w];
    let channels = c;
    let macs = 0;
    for (const filters of [8, 16]) {
      side = side.map((s) => s - 2);
      macs += side[0] * side[1] * 9 * channels * filters;
      side = side.map((s) => Math.floor(s / 2));
      channels = filters;
    }
    return macs + side[0] * side[1] * channels * outputs;
  }
  if (model.name === 'transformer') {
    // Per token and layer: Q, K, V, output projections (4 d^2), feed-forward (2 d ff), attention over the
    // sequence (2 L d); plus the embedding and the output projection (d x vocabulary) per token.
    const seq = inputs;
    const d = num(model.dModel, 64);
    const ff = num(model.ffDim, 4 * d);
    const layers = num(model.layers, 2);
    return seq * (layers * (4 * d * d + 2 * d * ff + 2 * seq * d) + 2 * d * outputs);
  }
  // A model this rule does not know: assume a small one (the safe side: one thread).
  return 0;
}

/** Floating-point operations of one training step of one run: 2 per multiply-add forward, 4 backward. */
export function stepFlops(run: RunSpec): number {
  return 6 * run.batchSize * macsPerExample(run);
}

/** Intra-op threads the rule gives for `flops` per step on `cores` cores. */
export function intraOpThreads(flops: number, cores: number): number {
  const c = Math.max(1, Math.floor(cores));
  if (!(flops >= PARALLEL_ABOVE_FLOPS)) return 1;
  return Math.min(c, MAX_THREADS, 2 + Math.floor((flops - PARALLEL_ABOVE_FLOPS) / FLOPS_PER_THREAD));
}

/**
 * The TF_* variables for a trainer that trains `spec` (a comparison's runs share model, data and batch
 * size; the largest decides) on `cores` cores. A number as `override` fixes the intra-op threads.
 */
export function tfThreadEnv(spec: ComparisonSpec | RunSpec, cores: number, override: ThreadOverride = 'auto'): Record<string, string> {
  const runs = 'runs' in spec ? spec.runs : [spec];
  const intra =
    override === 'auto'
      ? intraOpThreads(Math.max(0, ...runs.map(stepFlops)), cores)
      : Math.min(MAX_THREADS, Math.max(1, Math.floor(override)));
  return { TF_NUM_INTRAOP_THREADS: String(intra), TF_NUM_INTEROP_THREADS: '1' };
}

/**
 * What to add to a child's environment: tfThreadEnv, except that with `auto` a TF_* variable already set
 * in `env` (the user's own choice, e.g. exported before starting VS Code) is left as it is.
 */
export function threadEnvFor(spec: ComparisonSpec | RunSpec, cores: number, override: ThreadOverride, env: NodeJS.ProcessEnv): Record<string, string> {
  const chosen = tfThreadEnv(spec, cores, override);
  if (override !== 'auto') return chosen;
  return Object.fromEntries(Object.entries(chosen).filter(([k]) => env[k] === undefined || env[k] === ''));
}

/** One line for logs: "TF threads: intra-op 1, inter-op 1 (auto, 206 MFLOP per step, 2 cores)". */
export function describeThreadEnv(env: Record<string, string>, spec: ComparisonSpec | RunSpec, cores: number, override: ThreadOverride): string {
  const runs = 'runs' in spec ? spec.runs : [spec];
  const flops = Math.max(0, ...runs.map(stepFlops));
  const set = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ') || 'none (inherited from the environment)';
  const why = override === 'auto' ? `auto: ${(flops / 1e6).toFixed(1)} MFLOP per step, ${cores} cores` : `radam.training.threads / --threads ${override}`;
  return `TensorFlow threads: ${set} (${why})`;
}

/** The setting's value (0 = auto, 1..64 = fixed) or a --threads argument as a ThreadOverride; null if invalid. */
export function parseThreadOverride(value: unknown): ThreadOverride | null {
  if (value === undefined || value === null || value === 0 || value === 'auto' || value === '0') return 'auto';
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_THREADS ? n : null;
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : dflt;
}
