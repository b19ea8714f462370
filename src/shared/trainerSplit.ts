// How many trainer processes train one comparison, and which runs each trains (issue 17).
//
// Why split: a comparison trains its runs in lockstep in one process, and for models of small ops the
// thread rule (threads.ts) gives that process ONE intra-op thread, because a second thread makes each
// small op slower. On 2 cores the second core then idles: the Transformer paper preset (3 runs x 600
// steps, 33 ms per run-step on one thread) took 74.7 s in one process. Two processes of one thread each
// train the runs side by side, on the same data, the same seeded batches and the same initial weights
// (the engine's `runIndices`), so the curves are the ones one process would have drawn.
// Since the steps run as TensorFlow graphs (src/trainer/graphStep.ts) one process already keeps both cores
// partly busy (2 inter-op threads), and the preset takes 32 s in one process; split, 27 s (2026-12-01,
// `bench/training-speed.bench.mjs --transformer --preset-only`, load 1.1-1.5). The split still wins, by less.
//
// When ("auto"): at least 2 cores and 2 runs; the thread rule picks 1 intra-op thread (with more, one
// process already uses the cores); no other comparison training or starting alongside (two comparisons
// alongside already use both cores); and the work the second process takes over is worth a second
// tfjs-node start-up (~1-2 s measured): at least SPLIT_MIN_SECONDS_SAVED by the estimate below.
// Pure (no tfjs, no vscode): the host decides, the trainer checks the indices it is given.
import type { ComparisonSpec, RunSpec } from '../runSpec/runSpec';
import { opsPerStep, stepFlops } from './threads';

/** radam.training.processes: 0 = auto (the rule above), 1 = one process, 2 = split over two. */
export type ProcessesOverride = 'auto' | 1 | 2;

/**
 * Fixed cost of one native op dispatched eagerly on tfjs-node here (~12 us, issue 8). A graph step pays ~1 us
 * per op, so the estimate below overstates a step: it decides only whether a split is worth a start-up.
 */
export const OP_OVERHEAD_SECONDS = 12e-6;
/** FLOP rate of one core in the fused steps (the MLP's 206 MFLOP step in 4.5 ms: ~46 GFLOP/s; rounded down). */
export const FLOPS_PER_SECOND = 40e9;
/** Split only when the second process takes over at least this much training (its start-up costs 1-2 s). */
export const SPLIT_MIN_SECONDS_SAVED = 5;

export interface ProcessPlan {
  /** Run indices per process, ascending: one part (all runs) or two. */
  parts: number[][];
  /** Why, for the log line. */
  why: string;
}

export interface SplitInput {
  cores: number;
  /** The intra-op threads each trainer gets (threads.ts, after the override). */
  intraOpThreads: number;
  /** radam.training.processes. */
  setting: ProcessesOverride;
  /** Comparisons already training, plus the others the same command starts with this one. */
  otherComparisons: number;
}

/** Estimated seconds of one training step of one run, one thread: ops x fixed cost + FLOPs / rate. */
export function estimatedStepSeconds(run: RunSpec): number {
  return opsPerStep(run) * OP_OVERHEAD_SECONDS + stepFlops(run) / FLOPS_PER_SECOND;
}

/** The runs in two parts, the first one larger by at most one run: [0..ceil(n/2)-1], the rest. */
export function splitRuns(runCount: number): number[][] {
  const all = Array.from({ length: runCount }, (_, i) => i);
  if (runCount < 2) return [all];
  const first = Math.ceil(runCount / 2);
  return [all.slice(0, first), all.slice(first)];
}

/** One process or two for `comparison`, and why. */
export function planProcesses(comparison: ComparisonSpec, input: SplitInput): ProcessPlan {
  const n = comparison.runs.length;
  const one = (why: string): ProcessPlan => ({ parts: [Array.from({ length: n }, (_, i) => i)], why });
  const two = (why: string): ProcessPlan => ({ parts: splitRuns(n), why });
  if (n < 2) return one('one run');
  if (input.setting === 1) return one('radam.training.processes 1');
  if (input.setting === 2) return two('radam.training.processes 2');
  if (input.cores < 2) return one(`auto: ${input.cores} core`);
  if (input.intraOpThreads > 1) return one(`auto: ${input.intraOpThreads} intra-op threads already use the cores`);
  if (input.otherComparisons > 0) return one(`auto: ${input.otherComparisons} other comparison(s) training alongside`);
  const moved = splitRuns(n)[1];
  const saved = moved.reduce((s, i) => s + comparison.runs[i].steps * estimatedStepSeconds(comparison.runs[i]), 0);
  const estimate = `~${saved.toFixed(1)} s of training moved to the second process`;
  if (saved < SPLIT_MIN_SECONDS_SAVED) return one(`auto: ${estimate}, under ${SPLIT_MIN_SECONDS_SAVED} s`);
  return two(`auto: 1 intra-op thread, ${input.cores} cores, ${estimate}`);
}

/** "2 trainer processes (runs 1-2 | 3)" or "1 trainer process", with the why. */
export function describePlan(plan: ProcessPlan): string {
  const runs = (p: number[]) => (p.length === 1 ? `${p[0] + 1}` : `${p[0] + 1}-${p[p.length - 1] + 1}`);
  const what = plan.parts.length === 1 ? '1 trainer process' : `${plan.parts.length} trainer processes (runs ${plan.parts.map(runs).join(' | ')})`;
  return `${what} (${plan.why})`;
}

/** Why `indices` is not a part of a comparison of `runCount` runs (non-empty, ascending, distinct, in range), or null. */
export function runIndicesProblem(indices: readonly number[], runCount: number): string | null {
  if (indices.length === 0) return 'runIndices is empty';
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= runCount) return `runIndices: ${i} is not a run of this comparison (0..${runCount - 1})`;
    if (k > 0 && i <= indices[k - 1]) return `runIndices must ascend without repeats, got [${indices.join(', ')}]`;
  }
  return null;
}

/** radam.training.processes's value (0 = auto, 1, 2) as a ProcessesOverride; null if invalid. */
export function parseProcessesOverride(value: unknown): ProcessesOverride | null {
  if (value === undefined || value === null || value === 0 || value === 'auto' || value === '0') return 'auto';
  if (value === 1 || value === '1') return 1;
  if (value === 2 || value === '2') return 2;
  return null;
}
