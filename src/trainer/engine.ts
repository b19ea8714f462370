// The training engine: runs one ComparisonSpec in this process (the trainer child, or the CLI).
//
// Fairness. One dataset is loaded and uploaded once; the model is built once from the seed and every
// other run gets a copy of its initial weights; one seeded BatchSampler picks the batches, and all runs
// step in lockstep on the very same batch tensor. Their curves differ only by optimizer and schedule.
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
//                         on the flat variable that is ~10 ops for the whole model instead of ~10 per tensor
//   metrics (watch on)    every normsEvery steps and on histogram steps, per parameter tensor (one for the
//                         flat variable): L2Loss(g), L2Loss(theta_t - theta_{t-1}), L2Loss(theta_{t-1})
//                         (4 ops; theta_{t-1} is a free reference: tfjs's Identity shares the buffer);
//                         stacked with the loss into one vector and read back ONCE per step; on other steps
//                         the loss alone is read back
//   histogram             every histogramEvery steps, on the backend (histogram.ts), one read-back
//   validation            every validationEvery steps and after the last step
// A NaN or infinite loss ends that run only (status diverged, divergedAtStep = N, no line for step N);
// its partners go on. Records go to disk and to the listener in batches (stream.ts).
// A write that fails (disk full, file size limit, I/O error) ends that run only, as `failed` with the
// reason and the last step on disk ("disk full after step 14,779"); its partners go on, and the end of
// every run is written to its run.json whatever failed (writer.ts keeps room and a fallback for it).
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { createOptimizer, type SlotOptimizer } from '../optim';
import * as path from 'node:path';
import { METRICS_FILE, RUN_FORMAT_VERSION, histogramEdges, type HistogramRecord, type MetricRecord, type RunBackend, type RunRecord, type RunStatus, type RunSummary } from '../runs/format';
import { currentProcessStart } from '../runs/liveness';
import { readJsonl } from '../runs/reader';
import { newComparisonId, runIdFor } from '../runs/runId';
import { SummaryTracker, summarize } from '../runs/summary';
import { RunWriter, describeWriteCode, errnoCode, RunWriteError } from '../runs/writer';
import { DEFAULT_METRICS, type ComparisonSpec, type RunSpec } from '../runSpec/runSpec';
import { comparisonProblems } from '../runSpec/validateComparison';
import { backendInfo, tf } from '../tf';
import { BatchSampler } from './batches';
import { RunControl } from './control';
import { loadDataset, type Dataset } from './datasets';
import { BackendHistogram, layerOf, sumHistograms } from './histogram';
import { buildModel, lossAndAccuracy, parameterNames, trainableVariables, type LossAndAccuracy } from './models';
import { NativeMlp, nativeMlpPlan, type NativeMlpPlan } from './nativeMlp';
import { NativeCnn, nativeCnnPlan } from './nativeCnn';
import { NativeTransformer, nativeTransformerPlan } from './nativeTransformer';
import { difference, gatherRows, halfSumOfSquares } from './nativeOps';
import { MetricsStream, type RunMetricsBatch, type StreamFault } from './stream';

export type FinalStatus = Exclude<RunStatus, 'running'>;

export interface RunEndedEvent {
  runId: string;
  status: FinalStatus;
  /** Last completed step (the diverging step is not counted as completed). */
  step: number;
  summary: RunSummary;
  reason?: string;
  divergedAtStep?: number;
}

export interface EngineEvents {
  /** The run folders exist and training is about to start. */
  started?(runs: RunRecord[]): void;
  /** A batch of records, already on disk (at most one call per flush interval). */
  metrics?(batches: RunMetricsBatch[]): void;
  runEnded?(event: RunEndedEvent): void;
  /** After every lockstep step (cheap: for progress bars and tests). */
  step?(step: number, totalSteps: number): void;
  log?(level: 'info' | 'warn' | 'error', text: string): void;
}

export interface EngineOptions {
  comparison: ComparisonSpec;
  /** Folder of run folders, e.g. <workspace>/.radam/runs. */
  runsDir: string;
  /** Given by the extension host (so it knows the folders even if this process dies); else generated. */
  comparisonId?: string;
  runIds?: string[];
  /** Workspace folder: csv paths are relative to it. */
  workspaceRoot?: string;
  control?: RunControl;
  events?: EngineEvents;
  /** Batching interval of records to disk and listener (default 50 ms: at most 20 messages/s). */
  flushIntervalMs?: number;
  /** Yield to the event loop at least this often, so stop/pause messages get in (default 25 ms). */
  yieldEveryMs?: number;
  /**
   * false: every model trains through tf.variableGrads on the layers model (the reference path the native
   * steps are tested against). Default true: mlp and transformer use their hand-written native step.
   */
  nativeModels?: boolean;
  /**
   * false: train and record loss, lr, rho_t, r_t and validation only; no gradient norms, update ratios
   * or histograms (the baseline of the bench's "overhead of watching"). Default true.
   */
  watch?: boolean;
  /** Extra backend fields for run.json (tfjs version). */
  backend?: RunBackend;
}

export interface ComparisonResult {
  comparisonId: string;
  runs: RunRecord[];
}

/** One run of the comparison while it trains. */
interface ActiveRun {
  index: number;
  spec: RunSpec;
  writer: RunWriter;
  model: LayersModel;
  /** The model's trainable variables (model.trainableWeights order). */
  vars: Variable[];
  /** Set when the model trains through NativeMlp or NativeTransformer: its flat variable is then the one being trained. */
  native: NativeModel | null;
  /** What the optimizer updates: [native.params] on the native path, else `vars`. */
  params: Variable[];
  optimizer: SlotOptimizer;
  summary: SummaryTracker;
  histogram: BackendHistogram | null;
  /** Layer names and the layer index of each variable, for per-layer histograms (null when off). */
  layers: { names: string[]; groupOf: number[] } | null;
  done: boolean;
  /** Last step whose metrics line is on disk. */
  stepOnDisk: number;
}

/** A hand-written native training step over one flat parameter variable (nativeMlp.ts, nativeTransformer.ts). */
interface NativeModel {
  readonly params: Variable;
  /** Entries of each parameter tensor, model.trainableWeights order (the pieces of params). */
  readonly sizes: readonly number[];
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor };
  predict(x: Tensor): Tensor;
  dispose(): void;
}

/** Everything uploaded once per comparison. */
interface Uploaded {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal: Tensor | null;
  yVal: Tensor | null;
  valN: number;
}

/** Validation examples evaluated per forward pass (bounds the memory of one evaluation). */
const VALIDATION_CHUNK = 4096;

export async function runComparison(opts: EngineOptions): Promise<ComparisonResult> {
  const problems = comparisonProblems(opts.comparison);
  if (problems.length) throw new Error(`invalid comparison: ${problems.join('; ')}`);
  const comparison = opts.comparison;
  const base = comparison.runs[0];
  const comparisonId = opts.comparisonId ?? newComparisonId();
  const runIds = opts.runIds ?? comparison.runs.map((r, i) => runIdFor(comparisonId, i, r.label));
  if (runIds.length !== comparison.runs.length) throw new Error(`got ${runIds.length} run ids for ${comparison.runs.length} runs`);
  const control = opts.control ?? new RunControl();
  const events = opts.events ?? {};
  const watch = opts.watch ?? true;
  const yieldEveryMs = opts.yieldEveryMs ?? 25;
  const backend: RunBackend = opts.backend ?? { ...backendInfo, tfjsVersion: tf.version.tfjs };

  // ---- setup: nothing on disk until the dataset and model are known to work ----
  const dataset: Dataset = loadDataset(base.dataset, base.seed, { workspaceRoot: opts.workspaceRoot });
  const la = lossAndAccuracy(dataset.info);
  const runs: ActiveRun[] = [];
  const stream = new MetricsStream((batches) => {
    for (const b of batches) {
      const last = b.metrics[b.metrics.length - 1];
      const run = runs.find((r) => r.writer?.record.id === b.runId);
      if (run && last) run.stepOnDisk = last.step;
    }
    events.metrics?.(batches);
  }, opts.flushIntervalMs ?? 50);
  let uploaded: Uploaded | null = null;
  try {
    const first = buildModel(base.model, dataset.info, base.seed);
    // Dense models on the native backend train through NativeMlp, on data uploaded flat ([n, features]).
    const useNative = opts.nativeModels ?? true;
    const plan: NativeMlpPlan | null = useNative ? nativeMlpPlan(first) : null;
    const transformerPlan = useNative && !plan ? nativeTransformerPlan(first) : null;
    const cnnPlan = useNative && !plan && !transformerPlan ? nativeCnnPlan(first, dataset.info.task) : null;
    uploaded = upload(dataset, la, plan !== null);
    const data: Uploaded = uploaded;
    const initial = first.getWeights();
    const names = parameterNames(first);
    const parameters = first.countParams();
    const startedAt = new Date().toISOString();
    const ps = currentProcessStart();
    const processStart = ps === undefined ? {} : { processStart: ps };
    comparison.runs.forEach((spec, index) => {
      const model = index === 0 ? first : buildModel(base.model, dataset.info, base.seed);
      if (index > 0) model.setWeights(initial); // identical initial weights, whatever the builder does
      const vars = trainableVariables(model);
      const native: NativeModel | null = plan
        ? new NativeMlp(plan, vars, dataset.info.task)
        : transformerPlan
          ? new NativeTransformer(transformerPlan, vars)
          : cnnPlan
            ? new NativeCnn(cnnPlan, vars)
            : null;
      const m = spec.metrics;
      const histogram = watch && m.histogramEvery > 0 ? new BackendHistogram(m.histogramRange[0], m.histogramRange[1], m.histogramBins) : null;
      const record: RunRecord = {
        format: RUN_FORMAT_VERSION,
        id: runIds[index],
        comparisonId,
        comparisonKind: comparison.kind,
        index,
        label: spec.label,
        spec,
        status: 'running',
        startedAt,
        endedAt: null,
        backend,
        pid: process.pid,
        ...processStart,
        parameters,
        dataset: {
          task: dataset.info.task,
          inputShape: dataset.info.inputShape,
          outputSize: dataset.info.outputSize,
          trainExamples: dataset.train.n,
          validationExamples: dataset.validation.n,
        },
        summary: null,
      };
      // Keep model and optimizer reachable from `runs` before anything else can throw, so cleanup sees them.
      const run: ActiveRun = {
        index,
        spec,
        writer: undefined as unknown as RunWriter,
        model,
        vars,
        native,
        params: native ? [native.params] : vars,
        optimizer: createOptimizer(spec.optimizer),
        summary: new SummaryTracker(),
        histogram,
        layers: histogram && m.perLayerHistograms ? groupLayers(names) : null,
        done: false,
        stepOnDisk: 0,
      };
      runs.push(run);
      run.writer = RunWriter.create(opts.runsDir, record);
      stream.register(record.id, run.writer);
    });
    // `initial` holds the first model's own variables (getWeights does not copy): nothing to dispose.
    events.started?.(runs.map((r) => ({ ...r.writer.record })));

    // ---- the lockstep loop ----
    const sampler = new BatchSampler(dataset.train.n, base.batchSize, base.seed);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let lastYield = t0;
    let step = 0;
    while (step < base.steps && runs.some((r) => !r.done)) {
      if (control.paused) flushAll();
      if (await control.checkpoint()) break;
      step++;
      const idx = tf.tensor1d(sampler.next(), 'int32');
      const xb = gatherRows(data.xTrain, idx);
      const yb = gatherRows(data.yTrain, idx);
      idx.dispose();
      for (const run of runs) {
        if (run.done) continue;
        try {
          trainStep(run, data, xb, yb, step, base.steps, t0);
        } catch (e) {
          endRun(run, 'failed', `training step ${step} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      xb.dispose();
      yb.dispose();
      events.step?.(step, base.steps);
      failWrites(stream.maybeFlush());
      const now = performance.now();
      if (now - lastYield >= yieldEveryMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    for (const run of runs) {
      if (run.done) continue;
      if (run.summary.stepsDone >= base.steps) endRun(run, 'finished', undefined, undefined, wallMs, cpuMs);
      else endRun(run, 'stopped', control.reason ?? 'stopped', undefined, wallMs, cpuMs);
    }
    return { comparisonId, runs: runs.map((r) => ({ ...r.writer.record })) };
  } catch (e) {
    // Setup or bookkeeping failed: whatever run folders exist say so.
    const reason = e instanceof Error ? e.message : String(e);
    for (const run of runs) if (!run.done && run.writer) endRun(run, 'failed', reason);
    throw e;
  } finally {
    for (const run of runs) {
      run.writer?.close();
      run.histogram?.dispose();
      run.optimizer.dispose();
      run.native?.dispose();
      run.model.dispose();
    }
    if (uploaded) tf.dispose([uploaded.xTrain, uploaded.yTrain, uploaded.xVal, uploaded.yVal].filter((t): t is Tensor => t !== null));
  }

  // ---- helpers (closures over the comparison) ----

  function trainStep(run: ActiveRun, data: Uploaded, xb: Tensor, yb: Tensor, step: number, totalSteps: number, t0: number): void {
    const m = run.spec.metrics;
    const histogramStep = run.histogram !== null && step % m.histogramEvery === 0;
    const normsEvery = m.normsEvery ?? DEFAULT_METRICS.normsEvery ?? 1;
    const normsDue = watch && (histogramStep || (normsEvery > 0 && step % normsEvery === 0));
    // theta_{t-1}: references to the current buffers (no copy); applyGradients swaps in new ones.
    const prev = normsDue ? run.params.map((v) => tf.clone(v)) : null;
    let value: Scalar;
    let gradList: Tensor[];
    if (run.native) {
      const r = run.native.lossAndGradient(xb, yb);
      value = r.loss;
      gradList = [r.gradient];
    } else {
      const r = tf.variableGrads(() => la.loss(yb, run.model.apply(xb, { training: true }) as Tensor), run.vars);
      value = r.value;
      gradList = run.vars.map((v) => r.grads[v.name]);
    }
    const grads: Record<string, Tensor> = {};
    run.params.forEach((v, i) => (grads[v.name] = gradList[i]));
    let packed: Float32Array;
    try {
      run.optimizer.applyGradients(grads);
      if (prev) {
        const vec = tf.tidy(() => {
          const parts: Scalar[] = [value];
          for (const g of gradList) parts.push(halfSumOfSquares(g));
          run.params.forEach((v, i) => parts.push(halfSumOfSquares(difference(v, prev[i]))));
          for (const p of prev) parts.push(halfSumOfSquares(p));
          return tf.stack(parts);
        });
        packed = vec.dataSync() as Float32Array;
        vec.dispose();
      } else {
        packed = value.dataSync() as Float32Array; // the loss alone: no stack op
      }
    } catch (e) {
      tf.dispose([value, ...gradList]);
      if (prev) tf.dispose(prev);
      throw e;
    }
    if (prev) tf.dispose(prev);
    const loss = packed[0];
    if (!Number.isFinite(loss)) {
      tf.dispose([value, ...gradList]);
      endRun(run, 'diverged', `loss became ${loss} at step ${step}`, step);
      return;
    }
    let gradNorm: number | null = null;
    let updateRatio: number | null = null;
    if (prev) {
      const n = run.params.length;
      let g2 = 0;
      let u2 = 0;
      let p2 = 0;
      for (let i = 0; i < n; i++) {
        g2 += packed[1 + i];
        u2 += packed[1 + n + i];
        p2 += packed[1 + 2 * n + i];
      }
      gradNorm = Math.sqrt(2 * g2);
      updateRatio = p2 > 0 ? Math.sqrt(u2 / p2) : null;
      if (!Number.isFinite(gradNorm)) gradNorm = null;
      if (updateRatio !== null && !Number.isFinite(updateRatio)) updateRatio = null;
    }
    // Only finite gradients have a bin for every entry.
    if (histogramStep && gradNorm !== null) stream.pushHistogram(run.writer.record.id, histogramRecord(run, gradList, step));
    tf.dispose([value, ...gradList]);

    const info = run.optimizer.lastStep;
    const record: MetricRecord = {
      step,
      loss,
      lr: info?.learningRate ?? 0,
      rhoT: info?.rhoT ?? null,
      rT: info?.rT ?? null,
      rectified: info?.rectified ?? null,
      effectiveStepSize: info?.effectiveStepSize ?? 0,
      gradNorm,
      updateRatio,
      ms: Math.round((performance.now() - t0) * 100) / 100,
    };
    const validationDue = (m.validationEvery > 0 && step % m.validationEvery === 0) || step === totalSteps;
    if (validationDue && data.valN > 0) {
      const v = evaluate(run, data);
      record.valLoss = v.loss;
      if (v.accuracy !== null) record.valAccuracy = v.accuracy;
    }
    run.summary.add(record);
    stream.pushMetric(run.writer.record.id, record);
  }

  function histogramRecord(run: ActiveRun, grads: Tensor[], step: number): HistogramRecord {
    const h = run.histogram as BackendHistogram;
    const layers = run.layers;
    const parts = run.native ? h.computeFlat(grads[0], run.native.sizes, layers?.groupOf) : h.compute(grads, layers?.groupOf);
    const all = layers ? sumHistograms(parts, h.bins) : parts[0];
    const rec: HistogramRecord = {
      step,
      lo: h.lo,
      hi: h.hi,
      bins: h.bins,
      edges: histogramEdges(h.lo, h.hi, h.bins),
      counts: all.counts,
      zeros: all.zeros,
      total: all.total,
    };
    if (layers) rec.layers = layers.names.map((name, g) => ({ name, ...parts[g] }));
    return rec;
  }

  function evaluate(run: ActiveRun, data: Uploaded): { loss: number; accuracy: number | null } {
    const n = data.valN;
    let lossSum = 0;
    let accSum = 0;
    for (let start = 0; start < n; start += VALIDATION_CHUNK) {
      const size = Math.min(VALIDATION_CHUNK, n - start);
      const v = tf.tidy(() => {
        const x = size === n ? (data.xVal as Tensor) : sliceRows(data.xVal as Tensor, start, size);
        const y = size === n ? (data.yVal as Tensor) : sliceRows(data.yVal as Tensor, start, size);
        const out = run.native ? run.native.predict(x) : (run.model.apply(x, { training: false }) as Tensor);
        const parts: Scalar[] = [la.loss(y, out)];
        if (la.accuracy) parts.push(la.accuracy(y, out));
        return tf.stack(parts);
      });
      const r = v.dataSync();
      v.dispose();
      lossSum += r[0] * size;
      if (la.accuracy) accSum += r[1] * size;
    }
    return { loss: lossSum / n, accuracy: la.accuracy ? accSum / n : null };
  }

  /** Writes every run's buffered records; a run whose files fail ends as failed, the others go on. */
  function flushAll(): void {
    failWrites(stream.flush());
  }

  function failWrites(faults: StreamFault[]): void {
    for (const f of faults) {
      const run = runs.find((r) => r.writer?.record.id === f.runId);
      if (run && !run.done) endRun(run, 'failed', writeFailureReason(f.error, run.stepOnDisk), undefined, undefined, undefined, true);
    }
  }

  /**
   * Ends a run: its last lines, then run.json with the final status. Never throws: whatever fails, the
   * run is ended (a write fault turns the status into `failed` with the reason) and listeners are told.
   */
  function endRun(run: ActiveRun, status: FinalStatus, reason?: string, divergedAtStep?: number, wallMs?: number, cpuMs?: number, writeFault = false): void {
    if (run.done) return;
    run.done = true;
    const id = run.writer.record.id;
    // The run's lines reach the disk before run.json says it ended.
    const fault = stream.flush(id).find((f) => f.runId === id);
    stream.unregister(id);
    if (fault) {
      status = 'failed';
      reason = writeFailureReason(fault.error, run.stepOnDisk);
      divergedAtStep = undefined;
      writeFault = true;
    }
    let summary: RunSummary;
    if (writeFault) {
      // What is on disk, not what was trained: the summary must agree with metrics.jsonl.
      let onDisk: MetricRecord[] = [];
      try {
        onDisk = readJsonl<MetricRecord>(path.join(run.writer.dir, METRICS_FILE)).records;
      } catch {
        /* unreadable too: an empty summary */
      }
      summary = { ...summarize(onDisk, base.batchSize), ...(cpuMs !== undefined ? { cpuMs: Math.round(cpuMs) } : {}) };
    } else {
      summary = run.summary.summary(base.batchSize, wallMs, cpuMs);
    }
    try {
      run.writer.finish({
        status,
        summary,
        ...(reason !== undefined ? { reason } : {}),
        ...(divergedAtStep !== undefined ? { divergedAtStep } : {}),
      });
      for (const w of run.writer.warnings.splice(0)) events.log?.('warn', `run ${id}: ${w}`);
    } catch (e) {
      // run.json could not be written at all (the folder and the file refuse writes): say so; readers
      // will find the run `running` with a dead process and show it failed (src/runs/recover.ts).
      const why = e instanceof Error ? e.message : String(e);
      reason = `${reason ?? status}; its run.json could not be updated (${why})`;
      status = 'failed';
      events.log?.('error', `run ${id}: run.json could not be written: ${why}`);
    }
    if (status === 'failed') events.log?.('error', `run ${id} failed: ${reason}`);
    events.runEnded?.({ runId: id, status, step: summary.steps, summary, reason, divergedAtStep });
  }
}

/** "disk full after step 14,779 (ENOSPC writing metrics.jsonl)". */
export function writeFailureReason(error: unknown, stepOnDisk: number): string {
  const code = error instanceof RunWriteError ? error.code : errnoCode(error);
  const file = error instanceof RunWriteError ? ` writing ${error.file}` : '';
  const when = stepOnDisk > 0 ? `after step ${stepOnDisk.toLocaleString('en-US')}` : 'before the first step was written';
  return `${describeWriteCode(code)} ${when} (${code}${file})`;
}

/** The dataset as tensors; `flat`: features as [n, size] whatever the input shape (for NativeMlp). */
function upload(dataset: Dataset, la: LossAndAccuracy, flat: boolean): Uploaded {
  const shape = flat ? [dataset.info.inputShape.reduce((a, b) => a * b, 1)] : dataset.info.inputShape;
  const { train, validation } = dataset;
  const xTrain = tf.tensor(train.x, [train.n, ...shape]);
  const yTrain = la.targets(train);
  const valN = validation.n;
  return {
    xTrain,
    yTrain,
    xVal: valN > 0 ? tf.tensor(validation.x, [valN, ...shape]) : null,
    yVal: valN > 0 ? la.targets(validation) : null,
    valN,
  };
}

function sliceRows(t: Tensor, start: number, size: number): Tensor {
  const begin = t.shape.map((_, i) => (i === 0 ? start : 0));
  const sizes = t.shape.map((d, i) => (i === 0 ? size : d));
  return tf.slice(t, begin, sizes);
}

function groupLayers(parameterNames: string[]): { names: string[]; groupOf: number[] } {
  const names: string[] = [];
  const groupOf = parameterNames.map((n) => {
    const layer = layerOf(n);
    let g = names.indexOf(layer);
    if (g < 0) g = names.push(layer) - 1;
    return g;
  });
  return { names, groupOf };
}
