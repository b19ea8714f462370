// The training engine: runs one ComparisonSpec in this process (the trainer child, or the CLI).
//
// Fairness. One dataset is loaded and uploaded once; the model is built once from the seed and every
// other run gets a copy of its initial weights; one seeded BatchSampler picks the batches, and all runs
// step in lockstep on the very same batch tensor. Their curves differ only by optimizer and schedule.
//
// The parts, each in its own module, with the state passed between them as arguments:
//   run setup             comparisonSetup.ts: dataset, model, optimizers, run folders (ActiveRun, activeRun.ts)
//   the lockstep step     lockstepStep.ts: one batch, one step of every run on it
//   per-step metrics      stepMetrics.ts: loss, gradient norm, update ratio, histograms, one read-back
//   evaluation            evaluation.ts: the validation split, every validationEvery steps and at the end
//   ending                runEnding.ts: a run's last lines and its run.json, whatever failed
// This file holds the loop that joins them: pause, stop, yield to the event loop, flush to disk and host.
//
// A NaN or infinite loss ends that run only (status diverged, divergedAtStep = N, no line for step N);
// its partners go on. Records go to disk and to the listener in batches (stream.ts).
// A write that fails (disk full, file size limit, I/O error) ends that run only, as `failed` with the
// reason and the last step on disk ("disk full after step 14,779"); its partners go on, and the end of
// every run is written to its run.json whatever failed (writer.ts keeps room and a fallback for it).
import type { RunBackend, RunRecord } from '../runs/format';
import { newComparisonId, runIdFor } from '../shared/runId';
import { runIndicesProblem } from '../shared/trainerSplit';
import type { ComparisonSpec } from '../runSpec/runSpec';
import { comparisonProblems } from '../runSpec/validateComparison';
import { backendInfo, tf } from '../tf';
import { noteStepsOnDisk, type ActiveRun } from './activeRun';
import { BatchSampler } from './batches';
import { releaseComparison, setUpComparison, type ComparisonResources } from './comparisonSetup';
import { RunControl } from './control';
import type { EngineEvents } from './engineEvents';
import { lockstepStep, type StepContext } from './lockstepStep';
import { RunEnder } from './runEnding';
import { MetricsStream } from './stream';

export type { EngineEvents, FinalStatus, RunEndedEvent } from './engineEvents';
export { writeFailureReason } from './runEnding';

export interface EngineOptions {
  comparison: ComparisonSpec;
  /** Folder of run folders, e.g. <workspace>/.radam/runs. */
  runsDir: string;
  /** Given by the extension host (so it knows the folders even if this process dies); else generated. */
  comparisonId?: string;
  runIds?: string[];
  /**
   * Train only these runs of the comparison (indices into comparison.runs, ascending); default all. The
   * host splits a comparison over two trainer processes this way (src/shared/threads.ts, planProcesses):
   * each process loads the same data, builds the same initial weights from the seed and draws the same
   * seeded batches, so a run trains exactly as it would beside all the others (test/unit/engine/split.test.ts).
   */
  runIndices?: readonly number[];
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
   * false: a native step dispatches its ops one by one (eager mode). Default true: it runs as one TensorFlow
   * graph per step (graphStep.ts), the same numbers in less time.
   */
  graphSteps?: boolean;
  /**
   * false: a graph step computes the loss and gradient only, and the optimizer's own ops update. Default
   * true: updates of Adam's form run inside the graph as one fused kernel (fusedUpdate.ts).
   */
  fusedUpdates?: boolean;
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

export async function runComparison(opts: EngineOptions): Promise<ComparisonResult> {
  const problems = comparisonProblems(opts.comparison);
  if (problems.length) throw new Error(`invalid comparison: ${problems.join('; ')}`);
  const comparison = opts.comparison;
  const base = comparison.runs[0];
  const comparisonId = opts.comparisonId ?? newComparisonId();
  const runIds = opts.runIds ?? comparison.runs.map((r, i) => runIdFor(comparisonId, i, r.label));
  if (runIds.length !== comparison.runs.length) throw new Error(`got ${runIds.length} run ids for ${comparison.runs.length} runs`);
  const runIndices = opts.runIndices ?? comparison.runs.map((_, i) => i);
  const subsetProblem = runIndicesProblem(runIndices, comparison.runs.length);
  if (subsetProblem) throw new Error(subsetProblem);
  const control = opts.control ?? new RunControl();
  const events = opts.events ?? {};
  const watch = opts.watch ?? true;

  const held: ComparisonResources = { runs: [], data: null };
  const stream = new MetricsStream((batches) => {
    noteStepsOnDisk(held.runs, batches);
    events.metrics?.(batches);
  }, opts.flushIntervalMs ?? 50);
  const ender = new RunEnder(stream, events, base.batchSize);
  try {
    const setup = setUpComparison(
      {
        comparison,
        comparisonId,
        runIds,
        runIndices,
        runsDir: opts.runsDir,
        workspaceRoot: opts.workspaceRoot,
        nativeModels: opts.nativeModels ?? true,
        graphSteps: opts.graphSteps ?? true,
        fusedUpdates: opts.fusedUpdates ?? true,
        warn: (text) => events.log?.('warn', text),
        watch,
        backend: opts.backend ?? { ...backendInfo, tfjsVersion: tf.version.tfjs },
      },
      held,
      stream,
    );
    events.started?.(held.runs.map((r) => ({ ...r.writer.record })));
    const sampler = new BatchSampler(setup.trainExamples, base.batchSize, base.seed);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const ctx: StepContext = { data: setup.data, la: setup.la, watch, totalSteps: base.steps, t0, stream };
    await trainInLockstep(held.runs, sampler, ctx, { control, events, ender, yieldEveryMs: opts.yieldEveryMs ?? 25 });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    ender.endUnfinished(held.runs, base.steps, control.reason, wallMs, (cpu.user + cpu.system) / 1000);
    return { comparisonId, runs: held.runs.map((r) => ({ ...r.writer.record })) };
  } catch (e) {
    ender.failAll(held.runs, e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    releaseComparison(held);
  }
}

interface LoopInput {
  control: RunControl;
  events: EngineEvents;
  ender: RunEnder;
  yieldEveryMs: number;
}

/** Steps every run until the last step, until every run ended, or until stopped; paused in between. */
async function trainInLockstep(runs: readonly ActiveRun[], sampler: BatchSampler, ctx: StepContext, loop: LoopInput): Promise<void> {
  const { control, events, ender, yieldEveryMs } = loop;
  let lastYield = ctx.t0;
  let step = 0;
  while (step < ctx.totalSteps && runs.some((r) => !r.done)) {
    // Paused: every run's buffered records reach the disk before the wait (a run whose files fail ends).
    if (control.paused) ender.failWrites(runs, ctx.stream.flush());
    if (await control.checkpoint()) break;
    step++;
    lockstepStep(runs, sampler, step, ctx, ender);
    events.step?.(step, ctx.totalSteps);
    ender.failWrites(runs, ctx.stream.maybeFlush());
    const now = performance.now();
    if (now - lastYield >= yieldEveryMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
}
