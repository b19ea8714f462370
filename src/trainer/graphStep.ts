// A native step (nativeMlp.ts, nativeTransformer.ts, nativeCnn.ts) run as ONE TensorFlow graph per step.
//
// Why (issue 17): the hand-written steps dispatch their ops one by one in eager mode, ~30 (MLP) to ~600
// (the paper preset's Transformer) per step, and each pays TensorFlow's eager dispatch (~10-12 us here) on
// the one calling thread. The same ops in a graph run from one session call: ~1 us each, and TensorFlow
// runs independent ops at once on its inter-op threads (a layer's weight gradient beside its input
// gradient). Measured on the paper preset, 1 intra-op thread: 27.5 ms per loss-and-gradient eagerly,
// 15.2 ms as a graph with 1 inter-op thread, 11.6 ms with 2 (docs/training-speed.md, "Graph steps").
//
// How: the first call for a batch shape runs the step eagerly while recording every op it dispatches
// (the steps dispatch through the backend's executeSingleOutput / executeMultipleOutputs, which the trace
// wraps for the duration of that one call). Its inputs become the graph's placeholders: the flat
// parameters, x and y, and every other tensor the step read (its kept constants: shapes, axes, masks,
// scales), which are fed again on every run. The recorded ops are written as a GraphDef and loaded into a
// session (src/tf/savedModel.ts); later calls with that shape are one session run. The numbers are the
// eager step's: the same kernels on the same inputs (test/unit/trainer/graphStep.test.ts).
//
// What cannot be a graph falls back to the eager step, with the reason given once through `warn`: a value
// read back to JavaScript inside the step (the graph could not follow it), a tensor the step read and then
// disposed (a per-call upload: the graph would feed a stale or dead value), a session that fails to load
// (no room in the temporary folder, say). Training goes on either way, with the same numbers.
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { attrValue, GraphSession, type GraphNode, type SavedModelBackend } from '../tf/savedModel';
import type { NativeModel } from './activeRun';
import { nativeBackend, type NativeBackend, type OpAttr } from './nativeOps';

/** Graphs kept per model: one per batch shape seen (training's batch, a last partial batch, ...). */
const MAX_GRAPHS = 4;

type Backend = Omit<NativeBackend, 'binding'> &
  SavedModelBackend & {
    binding: NativeBackend['binding'] & { TF_ATTR_FLOAT: number };
    readSync(dataId: object): unknown;
    read(dataId: object): Promise<unknown>;
  };

/** The recorded step: its graph, its placeholders after params/x/y (the kept constants it read), its outputs. */
interface Traced {
  nodes: GraphNode[];
  captured: Tensor[];
  fetches: string[];
}

interface CompiledGraph {
  session: GraphSession;
  captured: Tensor[];
}

/** Why a call cannot be traced into a graph. */
class Untraceable extends Error {}

const DTYPES: Record<string, number> = { float32: 1, int32: 3, bool: 10 };

/**
 * Runs `step` eagerly and records the ops it dispatches through `b`. `inputs` (params, x, y) become the
 * placeholders `params`, `x`, `y`; any other tensor an op reads becomes a placeholder `captured_k`.
 */
export function traceStep(
  b: Backend,
  step: () => Tensor[],
  inputs: { params: Tensor; x: Tensor; y: Tensor },
): { outputs: Tensor[]; traced: Traced | { reason: string } } {
  const { binding } = b;
  const refs = new Map<object, string>();
  const nodes: GraphNode[] = [];
  const captured: Tensor[] = [];
  const placeholder = (name: string, t: Tensor) => {
    const dtype = DTYPES[t.dtype];
    if (dtype === undefined) throw new Untraceable(`a ${t.dtype} input`);
    refs.set(t.dataId, name);
    nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: dtype } } });
  };
  placeholder('params', inputs.params);
  placeholder('x', inputs.x);
  placeholder('y', inputs.y);
  const ref = (t: Tensor): string => {
    const known = refs.get(t.dataId);
    if (known) return known;
    const name = `captured_${captured.length}`;
    placeholder(name, t);
    captured.push(t);
    return name;
  };
  const record = (op: string, attrs: OpAttr[], ins: Tensor[], outs: Tensor[]) => {
    const name = `${op}_${nodes.length}`;
    nodes.push({ name, op, input: ins.map(ref), attr: Object.fromEntries(attrs.map((a) => [a.name, attrValue(binding, a)])) });
    outs.forEach((o, k) => refs.set(o.dataId, k === 0 ? name : `${name}:${k}`));
  };

  let untraced: string | null = null;
  const undo: Array<() => void> = [];
  const { executeSingleOutput, executeMultipleOutputs, readSync, read } = b;
  patch(b, 'executeSingleOutput', (op: string, attrs: OpAttr[], ins: Tensor[]) => {
    const out = executeSingleOutput.call(b, op, attrs, ins);
    record(op, attrs, ins, [out]);
    return out;
  }, undo);
  patch(b, 'executeMultipleOutputs', (op: string, attrs: OpAttr[], ins: Tensor[], n: number) => {
    const outs = executeMultipleOutputs.call(b, op, attrs, ins, n);
    record(op, attrs, ins, outs);
    return outs;
  }, undo);
  // Every tfjs-node kernel dispatches through these two methods as well, so a tfjs op inside the step is
  // recorded like the step's own; what the graph could not follow is a value read back to JavaScript.
  const readBack = () => (untraced ??= 'the step read a value back to JavaScript');
  patch(b, 'readSync', (dataId: object) => (readBack(), readSync.call(b, dataId)), undo);
  patch(b, 'read', (dataId: object) => (readBack(), read.call(b, dataId)), undo);
  let outputs: Tensor[];
  try {
    outputs = step();
  } finally {
    for (const u of undo.reverse()) u();
  }
  const fetches: string[] = [];
  for (const o of outputs) {
    const r = refs.get(o.dataId);
    if (!r || r.startsWith('captured_') || r === 'params' || r === 'x' || r === 'y') {
      untraced ??= 'an output of the step is not computed by its ops';
      break;
    }
    fetches.push(r.includes(':') ? r : `${r}:0`);
  }
  return { outputs, traced: untraced ? { reason: untraced } : { nodes, captured, fetches } };
}

/** Replaces target[key] until the returned undo runs (restoring an own property, or uncovering the prototype's). */
function patch(target: object, key: string, fn: unknown, undo: Array<() => void>): void {
  const t = target as Record<string, unknown>;
  const own = Object.prototype.hasOwnProperty.call(t, key);
  const before = t[key];
  t[key] = fn;
  undo.push(() => {
    if (own) t[key] = before;
    else delete t[key];
  });
}

/** A native model whose loss-and-gradient runs as one graph per batch shape (see the top of this file). */
export class GraphStep implements NativeModel {
  private readonly b: Backend;
  private readonly graphs = new Map<string, CompiledGraph>();
  /** Why this model's steps run eagerly (null while graphs work). */
  fallback: string | null = null;
  /** Graphs compiled so far (tests and the bench read it). */
  compiled = 0;
  /** Nodes of the last graph compiled. */
  lastGraphNodes = 0;

  constructor(
    readonly net: NativeModel,
    private readonly warn: (text: string) => void = () => undefined,
    private readonly tmpRoot?: string,
  ) {
    const b = nativeBackend() as Backend | null;
    if (!b || typeof b.runSavedModel !== 'function') throw new Error('GraphStep needs the native TensorFlow backend');
    this.b = b;
  }

  get params(): Variable {
    return this.net.params;
  }

  get sizes(): readonly number[] {
    return this.net.sizes;
  }

  predict(x: Tensor): Tensor {
    return this.net.predict(x);
  }

  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor } {
    if (this.fallback) return this.net.lossAndGradient(x, y);
    const key = `${x.dtype}[${x.shape}] ${y.dtype}[${y.shape}]`;
    const graph = this.graphs.get(key);
    if (graph && !graph.captured.some((t) => t.isDisposed)) {
      try {
        const [loss, gradient] = graph.session.run([this.net.params, x, y, ...graph.captured]);
        return { loss: loss as Scalar, gradient };
      } catch (e) {
        this.stop(`the graph failed to run (${(e as Error).message})`);
        return this.net.lossAndGradient(x, y);
      }
    }
    if (graph) this.drop(key);
    const { outputs, traced } = traceStep(this.b, () => {
      const r = this.net.lossAndGradient(x, y);
      return [r.loss, r.gradient];
    }, { params: this.net.params, x, y });
    this.compile(key, traced);
    return { loss: outputs[0] as Scalar, gradient: outputs[1] };
  }

  dispose(): void {
    for (const key of [...this.graphs.keys()]) this.drop(key);
    this.net.dispose();
  }

  private compile(key: string, traced: Traced | { reason: string }): void {
    if ('reason' in traced) return this.stop(traced.reason);
    if (traced.captured.some((t) => t.isDisposed)) return this.stop('the step disposed a tensor it reads on every call');
    try {
      const session = new GraphSession(this.b, traced.nodes, ['params', 'x', 'y', ...traced.captured.map((_, k) => `captured_${k}`)], traced.fetches, this.tmpRoot);
      if (this.graphs.size >= MAX_GRAPHS) this.drop(this.graphs.keys().next().value as string);
      this.graphs.set(key, { session, captured: traced.captured });
      this.compiled++;
      this.lastGraphNodes = traced.nodes.length;
    } catch (e) {
      this.stop(`its graph could not be loaded (${(e as Error).message})`);
    }
  }

  private drop(key: string): void {
    this.graphs.get(key)?.session.dispose();
    this.graphs.delete(key);
  }

  private stop(reason: string): void {
    this.fallback = reason;
    for (const key of [...this.graphs.keys()]) this.drop(key);
    this.warn(`training step not compiled to a TensorFlow graph: ${reason}. Each step dispatches its ops one by one instead: the same numbers, slower.`);
  }
}

/** True when graph steps can run here (tfjs-node's backend, whose binding loads SavedModels). */
export function graphStepsAvailable(): boolean {
  const b = nativeBackend() as Partial<Backend> | null;
  return !!b && typeof b.runSavedModel === 'function' && typeof b.loadSavedModelMetaGraph === 'function';
}
