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
import type { SlotOptimizer } from '../optim';
import { tf } from '../tf';
import { attrValue, GraphSession, type GraphNode, type SavedModelBackend } from '../tf/savedModel';
import type { NativeModel } from './activeRun';
import { FUSED_ENTER_FEEDS, FUSED_ENTER_FETCH, FUSED_LEAVE_FETCHES, FUSED_PARAMS_AFTER, FUSED_STEP_FEEDS, fusedStepGraph } from './fusedUpdate';
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
  traced: Traced;
}

/** The graph whose variables hold the parameters, m and v while fused updates run (fusedUpdate.ts). */
interface FusedGraph {
  key: string;
  session: GraphSession;
  /** The optimizer whose moments the variables hold (they go back to it on leaving). */
  optimizer: SlotOptimizer;
  feeds: string[];
  fetches: string[];
}

let fusedGraphs = 0;

/** Whether a compiled graph can run: every tensor it feeds again on each run is still alive. */
const usable = (graph: CompiledGraph | undefined): graph is CompiledGraph => !!graph && !graph.captured.some((t) => t.isDisposed);

/** One graph per batch shape: the key of a call's x and y. */
const shapeKey = (x: Tensor, y: Tensor) => `${x.dtype}[${x.shape}] ${y.dtype}[${y.shape}]`;

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
  /** Why updates are not fused into the graph (null while they are, or may be). */
  fusedFallback: string | null = null;
  /** Steps whose update ran fused (tests and the bench read it). */
  fusedSteps = 0;
  private fused: FusedGraph | null = null;

  /**
   * @param fusedUpdates false: trainStep always declines, the optimizer's own ops update (EngineOptions.fusedUpdates)
   */
  constructor(
    readonly net: NativeModel,
    private readonly warn: (text: string) => void = () => undefined,
    private readonly tmpRoot?: string,
    fusedUpdates = true,
  ) {
    if (!fusedUpdates) this.fusedFallback = 'turned off';
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
    const key = shapeKey(x, y);
    const graph = this.graphs.get(key);
    if (usable(graph)) {
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

  /**
   * One training step with the optimizer's update inside the graph (fusedUpdate.ts): the loss and the
   * gradient, the parameters already updated and `optimizer` advanced. Null when this step cannot be fused
   * (no graph for this batch shape yet, an update the fused kernel does not compute, a failure): the
   * optimizer then holds its moments again and the caller steps as usual (lossAndGradient, applyGradients).
   */
  trainStep(x: Tensor, y: Tensor, optimizer: SlotOptimizer): { loss: Scalar; gradient: Tensor } | null {
    if (this.fallback || this.fusedFallback) return null;
    const key = shapeKey(x, y);
    const graph = this.graphs.get(key);
    const plan = usable(graph) ? optimizer.planFusedUpdate(this.params) : null;
    if (!graph || !plan) {
      this.leaveFused();
      return null;
    }
    if (this.fused?.key !== key || this.fused.optimizer !== optimizer) {
      this.leaveFused();
      try {
        this.enterFused(key, graph, optimizer);
      } catch (e) {
        this.stopFused(`its graph with the update could not be loaded (${(e as Error).message})`);
        return null;
      }
    }
    const fused = this.fused as FusedGraph;
    // Uploaded per step (5 scalars, ~6 us each) rather than kept: the tensor count stays flat from the first step.
    const scalars = [plan.k, plan.e, plan.beta1, plan.beta2, 0].map((v) => tf.scalar(v));
    let outputs: Tensor[];
    try {
      outputs = fused.session.runWith([x, y, ...graph.captured, ...scalars], fused.feeds, fused.fetches);
    } catch (err) {
      this.stopFused(`the graph with the update failed to run (${(err as Error).message})`);
      return null;
    } finally {
      tf.dispose(scalars);
    }
    const [loss, gradient, after] = outputs;
    this.params.assign(after);
    after.dispose();
    optimizer.commitFusedUpdate(this.params, plan);
    this.fusedSteps++;
    return { loss: loss as Scalar, gradient };
  }

  dispose(): void {
    try {
      this.leaveFused();
    } finally {
      for (const key of [...this.graphs.keys()]) this.drop(key);
      this.net.dispose();
    }
  }

  /** Builds the fused graph for `key` and hands it the parameters and the optimizer's true moments. */
  private enterFused(key: string, graph: CompiledGraph, optimizer: SlotOptimizer): void {
    const [loss, gradient] = graph.traced.fetches;
    const nodes = fusedStepGraph(graph.traced.nodes, gradient, `${process.pid}_${++fusedGraphs}`);
    const captured = graph.traced.captured.map((_, k) => `captured_${k}`);
    const session = new GraphSession(this.b, nodes, [], [], this.tmpRoot);
    try {
      const moments = optimizer.trueMoments(this.params);
      tf.dispose(session.runWith([this.params, ...moments], FUSED_ENTER_FEEDS, [FUSED_ENTER_FETCH]));
    } catch (e) {
      session.dispose();
      throw e;
    }
    this.fused = { key, session, optimizer, feeds: ['x', 'y', ...captured, ...FUSED_STEP_FEEDS], fetches: [loss, gradient, FUSED_PARAMS_AFTER] };
  }

  /**
   * Hands m and v back to the optimizer and closes the fused graph (the parameters are current already).
   * If they cannot be read back, the run cannot go on: the error says so.
   */
  private leaveFused(): void {
    const fused = this.fused;
    if (!fused) return;
    this.fused = null;
    try {
      const moments = fused.session.runWith([], [], [...FUSED_LEAVE_FETCHES]);
      fused.optimizer.restoreMoments(this.params, moments);
      tf.dispose(moments);
    } catch (e) {
      throw new Error(`the optimizer's moments could not be read back from the training graph (${(e as Error).message})`, { cause: e });
    } finally {
      fused.session.dispose();
    }
  }

  private stopFused(reason: string): void {
    this.fusedFallback = reason;
    this.warn(`the parameter update not fused into the training graph: ${reason}. The optimizer's own ops update instead: the same maths, slower.`);
    this.leaveFused();
  }

  private compile(key: string, traced: Traced | { reason: string }): void {
    if ('reason' in traced) return this.stop(traced.reason);
    if (traced.captured.some((t) => t.isDisposed)) return this.stop('the step disposed a tensor it reads on every call');
    try {
      const session = new GraphSession(this.b, traced.nodes, ['params', 'x', 'y', ...traced.captured.map((_, k) => `captured_${k}`)], traced.fetches, this.tmpRoot);
      if (this.graphs.size >= MAX_GRAPHS) this.drop(this.graphs.keys().next().value as string);
      this.graphs.set(key, { session, captured: traced.captured, traced });
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
    this.leaveFused();
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
