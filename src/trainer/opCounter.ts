// Counts what a piece of code dispatches to TensorFlow, at the tfjs-node binding: native ops
// (binding.executeOp, by TF op name), uploads of JS data (createTensor: every JS number passed as an op
// operand is one) and tensor deletions. This is what the fixed cost per op is paid on (~12 us per op on
// tfjs-node, see docs/training-speed.md); tf.profile sees only the kernels that go through the tfjs engine,
// not the ops nativeOps.ts / nativeMlp.ts dispatch straight to the binding.
//
// For benches and tests: the binding's own properties are read-only, so the backend's `binding` field is
// swapped for a counting copy while counting, and restored after.
import { tf } from '../tf';

export interface OpCounts {
  /** Native TF ops executed (binding.executeOp calls). */
  ops: number;
  /** JS data uploaded as new tensors (binding.createTensor calls): scalars passed as numbers, indices, ... */
  uploads: number;
  /** Tensor handles deleted. */
  deletes: number;
  /** Graphs run (binding.runSavedModel: a native step compiled to a graph, src/trainer/graphStep.ts, is one). */
  graphRuns: number;
  /** Ops by TF op name. */
  byName: Record<string, number>;
}

type Binding = Record<string, unknown> & {
  executeOp: (...a: unknown[]) => unknown;
  createTensor: (...a: unknown[]) => unknown;
  deleteTensor: (...a: unknown[]) => unknown;
  runSavedModel: (...a: unknown[]) => unknown;
};

/** Runs `f` and counts its native dispatches; null counts when the backend is not tfjs-node. */
export async function countNativeOps<T>(f: () => T | Promise<T>): Promise<{ result: T; counts: OpCounts | null }> {
  const backend = tf.backend() as unknown as { binding?: Binding };
  const binding = backend.binding;
  if (tf.getBackend() !== 'tensorflow' || !binding || typeof binding.executeOp !== 'function') return { result: await f(), counts: null };
  const counts: OpCounts = { ops: 0, uploads: 0, deletes: 0, graphRuns: 0, byName: {} };
  const counting: Record<string, unknown> = {};
  for (const k of Object.getOwnPropertyNames(binding)) {
    const v = binding[k];
    counting[k] = typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(binding) : v;
  }
  counting.executeOp = (...a: unknown[]) => {
    counts.ops++;
    const name = String(a[0]);
    counts.byName[name] = (counts.byName[name] ?? 0) + 1;
    return binding.executeOp(...a);
  };
  counting.createTensor = (...a: unknown[]) => {
    counts.uploads++;
    return binding.createTensor(...a);
  };
  counting.deleteTensor = (...a: unknown[]) => {
    counts.deletes++;
    return binding.deleteTensor(...a);
  };
  counting.runSavedModel = (...a: unknown[]) => {
    counts.graphRuns++;
    return binding.runSavedModel(...a);
  };
  backend.binding = counting as Binding;
  try {
    return { result: await f(), counts };
  } finally {
    backend.binding = binding;
  }
}

/** (b - a) / n, entry by entry: the per-step cost from two runs that differ only by n steps. */
export function perStep(a: OpCounts, b: OpCounts, n: number): OpCounts {
  const byName: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a.byName), ...Object.keys(b.byName)])) {
    const d = ((b.byName[k] ?? 0) - (a.byName[k] ?? 0)) / n;
    if (d !== 0) byName[k] = d;
  }
  return { ops: (b.ops - a.ops) / n, uploads: (b.uploads - a.uploads) / n, deletes: (b.deletes - a.deletes) / n, graphRuns: (b.graphRuns - a.graphRuns) / n, byName };
}
