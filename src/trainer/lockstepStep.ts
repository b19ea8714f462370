// One lockstep step: the sampler's next batch, gathered once from the uploaded data, then every run still
// going trains one step on that very same batch tensor. A run that diverges or whose step throws is ended
// (runEnding.ts) and its partners go on.
//
// A step of one run (ops counted because each costs ~12 us on tfjs-node, see issue 8 and
// docs/training-speed.md):
//   batch                 one int32 upload of the indices, one GatherV2 each for x and y (kept axis), shared
//                         by every run of the comparison
//   loss and gradients    on tfjs-node, the `mlp` (NativeMlp, nativeMlp.ts), the `transformer` (NativeTransformer,
//                         nativeTransformer.ts) and the `cnn` (NativeCnn, nativeCnn.ts): the forward and
//                         backward pass written out in fused TF kernels over ONE flat parameter variable,
//                         returning one flat gradient (29 ops for the MLP 784-256-256-10); any other model
//                         (gelu, the JS backend, or EngineOptions.nativeModels false): one tf.variableGrads
//                         through the layers model (forward + backward)
//   update                optimizer.applyGradients (the schedule sets the lr inside; it reports
//                         lr, rho_t, r_t, rectified, effective step size as plain numbers: optimizer.lastStep);
//                         on the flat variable that is ~10 ops for the whole model instead of ~10 per tensor.
//                         Graph steps of Adam's form (RAdam once rectified, Adam; no weight decay) run the
//                         update inside the graph instead, one fused kernel (run.native.trainStep, fusedUpdate.ts)
//   metrics, histogram    stepMetrics.ts
//   validation            evaluation.ts
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { ActiveRun, TrainingData } from './activeRun';
import type { BatchSampler } from './batches';
import { evaluate, validationDue } from './evaluation';
import type { LossAndAccuracy } from './models';
import { gatherRows } from './nativeOps';
import type { RunEnder, RunEnding } from './runEnding';
import { histogramRecord, metricRecord, metricsDue, normsFrom, readBack } from './stepMetrics';
import type { MetricsStream } from './stream';

/** What every run's step reads; the same for the whole comparison. */
export interface StepContext {
  data: TrainingData;
  la: LossAndAccuracy;
  /** false: the loss alone (see EngineOptions.watch). */
  watch: boolean;
  totalSteps: number;
  /** performance.now() when training began: a record's `ms`. */
  t0: number;
  /** Where the records go. */
  stream: MetricsStream;
}

/** Step `step` (1-based) of every run not done, on the sampler's next batch. */
export function lockstepStep(runs: readonly ActiveRun[], sampler: BatchSampler, step: number, ctx: StepContext, ender: RunEnder): void {
  const idx = tf.tensor1d(sampler.next(), 'int32');
  const xb = gatherRows(ctx.data.xTrain, idx);
  const yb = gatherRows(ctx.data.yTrain, idx);
  idx.dispose();
  for (const run of runs) {
    if (run.done) continue;
    let ending: RunEnding | null;
    try {
      ending = trainRun(run, xb, yb, step, ctx);
    } catch (e) {
      ending = { status: 'failed', reason: `training step ${step} failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (ending) ender.end(run, ending);
  }
  xb.dispose();
  yb.dispose();
}

/**
 * One step of one run on the batch (xb, yb): its records go to the stream. Returns how the run ends when
 * this step ends it (a NaN or infinite loss: diverged, no line for this step), else null.
 */
export function trainRun(run: ActiveRun, xb: Tensor, yb: Tensor, step: number, ctx: StepContext): RunEnding | null {
  const due = metricsDue(run, step, ctx.watch);
  // theta_{t-1}: references to the current buffers (no copy); applyGradients swaps in new ones.
  const prev = due.norms ? run.params.map((v) => tf.clone(v)) : null;
  // A graph step with a fused update (graphStep.ts, fusedUpdate.ts) updates the parameters itself.
  const fused = run.native?.trainStep?.(xb, yb, run.optimizer) ?? null;
  const { loss: value, grads } = fused ? { loss: fused.loss, grads: [fused.gradient] } : lossAndGradients(run, xb, yb, ctx.la);
  let packed: Float32Array;
  try {
    if (!fused) {
      const byName: Record<string, Tensor> = {};
      run.params.forEach((v, i) => (byName[v.name] = grads[i]));
      run.optimizer.applyGradients(byName);
    }
    packed = readBack(value, grads, run.params, prev);
  } catch (e) {
    tf.dispose([value, ...grads]);
    if (prev) tf.dispose(prev);
    throw e;
  }
  if (prev) tf.dispose(prev);
  const loss = packed[0];
  if (!Number.isFinite(loss)) {
    tf.dispose([value, ...grads]);
    return { status: 'diverged', reason: `loss became ${loss} at step ${step}`, divergedAtStep: step };
  }
  const norms = prev ? normsFrom(packed, run.params.length) : { gradNorm: null, updateRatio: null };
  const id = run.writer.record.id;
  // Only finite gradients have a bin for every entry.
  if (due.histogram && norms.gradNorm !== null) ctx.stream.pushHistogram(id, histogramRecord(run, grads, step));
  tf.dispose([value, ...grads]);

  const record = metricRecord(step, loss, run.optimizer.lastStep, norms, performance.now() - ctx.t0);
  if (validationDue(run.spec.metrics, step, ctx.totalSteps) && ctx.data.valN > 0) {
    const v = evaluate(run, ctx.data, ctx.la);
    record.valLoss = v.loss;
    if (v.accuracy !== null) record.valAccuracy = v.accuracy;
  }
  run.summary.add(record);
  ctx.stream.pushMetric(id, record);
  return null;
}

/** The loss and one gradient per entry of run.params: the native step's flat gradient, or tf.variableGrads through the layers model. */
function lossAndGradients(run: ActiveRun, xb: Tensor, yb: Tensor, la: LossAndAccuracy): { loss: Scalar; grads: Tensor[] } {
  if (run.native) {
    const r = run.native.lossAndGradient(xb, yb);
    return { loss: r.loss, grads: [r.gradient] };
  }
  const r = tf.variableGrads(() => la.loss(yb, run.model.apply(xb, { training: true }) as Tensor), run.vars);
  return { loss: r.value, grads: run.vars.map((v) => r.grads[v.name]) };
}
