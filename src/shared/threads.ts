// TensorFlow's thread settings for a training process, chosen from the model's size and the core count
// by a rule derived from measurements (issue 8). Pure (no tfjs, no vscode): the extension host applies
// the result when it forks a trainer (TrainingManager -> TrainerProcess env), the CLI before it loads
// tfjs-node; TensorFlow reads these variables once, when it loads, so they cannot change afterwards.
//
//   TF_NUM_INTRAOP_THREADS   threads one op may use. TensorFlow's default is one per core; every op then
//                            pays for waking and joining the pool, which a small op does not earn back.
//   TF_NUM_INTEROP_THREADS   ops run at once. The native steps run as one TensorFlow graph per step
//                            (src/trainer/graphStep.ts), whose executor runs independent ops (a layer's
//                            weight gradient beside its input gradient) on these threads: one per core,
//                            at most INTEROP_THREADS_MAX (the graphs are ~2 ops wide). Eager ops from tfjs
//                            run one at a time whatever this says.
//   TF_ENABLE_ONEDNN_OPTS    left to TensorFlow (on, on x86): switching it off made the trainer's step
//                            slower in most workloads measured (11 of 16, faster in 2, both disturbed).
//
// Measured again on a QUIET machine (bench/training-speed.bench.mjs --sweep --quick, 2026-11-30 19:25 UTC,
// load 0.5-1.6: nothing else running; the trainer's step, RAdam, no watching; ms per step, median of 3
// interleaved rounds, one process per configuration; 2-core AMD EPYC VM (AVX-512), tfjs-node 4.22 with
// libtensorflow 2.21). default = nothing set (TensorFlow: 2 intra-op, 2 inter-op threads here); intra N =
// TF_NUM_INTRAOP_THREADS=N with TF_NUM_INTEROP_THREADS=1. In parentheses: CPU ms per step of the process.
// MFLOP/op: the step's FLOPs over its native ops (opsPerStep below: 41 for these 2-hidden-layer MLPs).
//
//   workload (MLP, batch)              MFLOP/step  MFLOP/op   default          intra 1          intra 2
//   spiral 2-64-64-3, 32                     0.8      0.02     1.01 (1.4)       1.01 (1.4)       0.97 (1.3)
//   digits 784-256-256-10, 32               51.6      1.3      4.20 (5.7)       2.35 (2.6)       3.93 (5.6)
//   digits 784-256-256-10, 128             206.4      5.0      5.77 (8.2)       4.50 (4.9)       5.57 (7.9)
//   digits 784-256-256-10, 512             825.8     20.1      8.70 (14.7)     10.49 (12.1)      9.22 (15.3)
//   digits 784-256-256-10, 1024           1651.5     40.3     14.46 (24.8)     19.29 (20.3)     14.37 (24.7)
//   digits 784-1024-1024-10, 128          1429.7     34.9     23.38 (38.0)     39.53 (41.2)     23.60 (39.2)
//   digits 784-256-256-10, 2048           3303.0     80.6     23.55 (42.9)     36.53 (38.0)     25.73 (42.6)
//   digits 784-2048-2048-10, 256          8940.2    218      131.29 (220.8)   218.42 (224.4)   116.10 (208.0)
//   digits 784-1024-1024-10, 1024        11437.9    279       88.67 (159.6)   146.19 (151.0)    82.45 (158.3)
//
// The same day's model benches (training-speed.bench.mjs --transformer / --cnn, load ~3): the Transformer
// preset (705 MFLOP/step in 596 ops: 1.2 MFLOP/op) 33.1 ms with 1 thread, 51.0 ms with 2; the CNN at batch
// 128 (147 MFLOP in 92 ops: 1.6 MFLOP/op) 11.3 ms with 1 thread, 12.1 ms with 2.
//
// What decides is the size of each op, not the step's total: a second thread costs every op a pool
// wake-up and join, which a small op does not earn back (the Transformer does more FLOPs per step than the
// MLP at batch 512 but in 15x more, smaller ops). An earlier sweep on a busy machine (load 2.7-6.3, kept in
// docs/training-speed.md) found one thread best up to ~11 GFLOP per step: there the second core was rarely
// free. Users' machines are mostly idle beside the trainer, so the rule follows the quiet measurement.
//
// With graph steps (2026-12-01, `--sweep --quick --rounds 3`, load 1.2-1.6, 2-core AMD EPYC without AVX-512):
// 2 inter-op threads never lost to 1 beyond noise, and won where the graph has independent work.
//
//   workload                           intra 1 inter 1  intra 2 inter 1  intra 1 inter 2  intra 2 inter 2
//   digits 784-256-256-10, batch 32      1.92 (2.2)       3.06 (4.4)       1.93 (2.5)       3.07 (4.9)
//   digits 784-256-256-10, batch 128     3.97 (4.7)       4.31 (6.7)       3.69 (4.8)       4.42 (7.1)
//   digits 784-256-256-10, batch 512    10.78 (11.4)      9.09 (15.8)      9.65 (12.0)      8.53 (15.0)
//   digits 784-256-256-10, batch 1024   18.55 (20.1)     12.23 (22.0)     16.55 (20.0)     12.08 (22.2)
//   Transformer preset, batch 32        16.99 (32.9)     21.74 (48.4)     13.00 (33.9)     17.88 (45.6)
//   cnn, batch 32 / 128                  2.96 / 8.97      3.96 / 10.40     3.00 / 7.88      3.65 / 9.19
//
// The intra-op rule below still holds on these figures (batch 512 and up: 2; the rest: 1).
//
// Rule: one intra-op thread while a step's FLOPs per native op are under PARALLEL_ABOVE_FLOPS_PER_OP
// (between 5.0, where 1 thread won, and 20.1 MFLOP/op, where 2 did); then one more thread per further
// FLOPS_PER_OP_PER_THREAD, at most one per core. Only 1 and 2 threads could be measured here: the step
// beyond is an extrapolation, not a measurement; radam.training.threads or --threads overrides the rule.
import type { ComparisonSpec, RunSpec } from '../runSpec/runSpec';
import { datasetInfoWithoutLoading } from './datasetShapes';

/** `auto` (the rule) or a fixed number of intra-op threads (1..64), from radam.training.threads or --threads. */
export type ThreadOverride = 'auto' | number;

export const MAX_THREADS = 64;

/** Below this many FLOPs per native op one intra-op thread is fastest (measured: see the top). */
export const PARALLEL_ABOVE_FLOPS_PER_OP = 1e7;
/** Each further intra-op thread needs this much more work per op (extrapolated: see the top). */
export const FLOPS_PER_OP_PER_THREAD = 4e7;
/** Inter-op threads at most: a step's graph rarely has more than two independent ops ready at once. */
export const INTEROP_THREADS_MAX = 2;

/** Inter-op threads for a trainer on `cores` cores: one per core, at most INTEROP_THREADS_MAX. */
export function interOpThreads(cores: number): number {
  return Math.max(1, Math.min(INTEROP_THREADS_MAX, Math.floor(cores)));
}

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

/**
 * Native backend ops of one training step of the fused steps (src/trainer/nativeMlp.ts, nativeCnn.ts,
 * nativeTransformer.ts), watching off. test/unit/engine/opcount*.test.ts check these against the counted
 * ops of the real steps, so a change to a step that changes its op count fails there until this follows.
 */
export function opsPerStep(run: RunSpec): number {
  const model = run.model as RunSpec['model'] & Record<string, unknown>;
  // mlp: per weight layer a MatMul, BiasAdd, Reshape, and backward MatMul, Reshape, BiasAddGrad, with an
  // activation and its gradient between layers; plus gathers, the loss, the flat gradient and the update.
  if (model.name === 'mlp') return 9 * (model.hiddenLayers.length + 1) + 14;
  if (model.name === 'cnn') return 92;
  // transformer: 85 per encoder layer (36 forward, 49 backward) and 86 around them.
  if (model.name === 'transformer') return 85 * num(model.layers, 2) + 86;
  return 1;
}

/** FLOPs per native op of one training step: the size of the average op, what the thread rule goes by. */
export function flopsPerOp(run: RunSpec): number {
  return stepFlops(run) / opsPerStep(run);
}

/** Intra-op threads the rule gives for steps of `perOp` FLOPs per native op on `cores` cores. */
export function intraOpThreads(perOp: number, cores: number): number {
  const c = Math.max(1, Math.floor(cores));
  if (!(perOp >= PARALLEL_ABOVE_FLOPS_PER_OP)) return 1;
  return Math.min(c, MAX_THREADS, 2 + Math.floor((perOp - PARALLEL_ABOVE_FLOPS_PER_OP) / FLOPS_PER_OP_PER_THREAD));
}

/**
 * The TF_* variables for a trainer that trains `spec` (a comparison's runs share model, data and batch
 * size; the largest decides) on `cores` cores. A number as `override` fixes the intra-op threads.
 */
export function tfThreadEnv(spec: ComparisonSpec | RunSpec, cores: number, override: ThreadOverride = 'auto'): Record<string, string> {
  const runs = 'runs' in spec ? spec.runs : [spec];
  const intra =
    override === 'auto'
      ? intraOpThreads(Math.max(0, ...runs.map(flopsPerOp)), cores)
      : Math.min(MAX_THREADS, Math.max(1, Math.floor(override)));
  return { TF_NUM_INTRAOP_THREADS: String(intra), TF_NUM_INTEROP_THREADS: String(interOpThreads(cores)) };
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
  const perOp = Math.max(0, ...runs.map(flopsPerOp));
  const set = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ') || 'none (inherited from the environment)';
  const why =
    override === 'auto'
      ? `auto: ${(flops / 1e6).toFixed(1)} MFLOP per step, ${(perOp / 1e6).toFixed(1)} MFLOP per op, ${cores} cores`
      : `radam.training.threads / --threads ${override}`;
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
