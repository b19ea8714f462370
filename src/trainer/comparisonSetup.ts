// Run setup: the dataset loaded and uploaded once, the model built once from the seed and copied into
// every run (identical initial weights), one optimizer per run, then the run folders. Nothing is on disk
// until the dataset and the model are known to work.
//
// What it creates goes into the `ComparisonResources` the caller holds, as soon as it exists, so the
// caller can end and release it whatever throws halfway (releaseComparison).
import type { Tensor } from '@tensorflow/tfjs';
import { createOptimizer } from '../optim';
import { RUN_FORMAT_VERSION, type RunBackend, type RunRecord } from '../runs/format';
import { currentProcessStart } from '../runs/liveness';
import { SummaryTracker } from '../runs/summary';
import { RunWriter } from '../runs/writer';
import type { ComparisonSpec } from '../runSpec/runSpec';
import { tf } from '../tf';
import type { ActiveRun, LayerGroups, NativeModel, TrainingData } from './activeRun';
import { loadDataset, type Dataset } from './datasets';
import { BackendHistogram, layerOf } from './histogram';
import { buildModel, lossAndAccuracy, parameterNames, trainableVariables, type LossAndAccuracy } from './models';
import { GraphStep, graphStepsAvailable } from './graphStep';
import { NativeCnn, nativeCnnPlan } from './nativeCnn';
import { NativeMlp, nativeMlpPlan } from './nativeMlp';
import { NativeTransformer, nativeTransformerPlan } from './nativeTransformer';
import type { MetricsStream } from './stream';

/** What a comparison holds while it trains: released by releaseComparison, whatever happened. */
export interface ComparisonResources {
  runs: ActiveRun[];
  data: TrainingData | null;
}

export interface SetupInput {
  comparison: ComparisonSpec;
  comparisonId: string;
  runIds: readonly string[];
  /** The runs this process trains (indices into comparison.runs, ascending): all, or the host's part of a split. */
  runIndices: readonly number[];
  runsDir: string;
  workspaceRoot?: string;
  /** false: every model trains through tf.variableGrads (see EngineOptions.nativeModels). */
  nativeModels: boolean;
  /** false: native steps run eagerly, op by op (see EngineOptions.graphSteps). */
  graphSteps: boolean;
  /** false: graph steps leave the update to the optimizer's ops (see EngineOptions.fusedUpdates). */
  fusedUpdates?: boolean;
  /** A warning for the trainer's log (a native step that could not become a graph). */
  warn?: (text: string) => void;
  /** false: no histograms (see EngineOptions.watch). */
  watch: boolean;
  backend: RunBackend;
}

export interface Setup {
  la: LossAndAccuracy;
  data: TrainingData;
  trainExamples: number;
}

/**
 * Builds the runs of `input.runIndices` into `held` and registers their files with `stream`. A run gets
 * the same initial weights whichever other runs are in this process: the first model is built from the
 * seed, the others copy it.
 */
export function setUpComparison(input: SetupInput, held: ComparisonResources, stream: MetricsStream): Setup {
  const { comparison } = input;
  const base = comparison.runs[0];
  const dataset: Dataset = loadDataset(base.dataset, base.seed, { workspaceRoot: input.workspaceRoot });
  const la = lossAndAccuracy(dataset.info);
  const first = buildModel(base.model, dataset.info, base.seed);
  // Dense models on the native backend train through NativeMlp, on data uploaded flat ([n, features]).
  const plan = input.nativeModels ? nativeMlpPlan(first) : null;
  const transformerPlan = input.nativeModels && !plan ? nativeTransformerPlan(first) : null;
  const cnnPlan = input.nativeModels && !plan && !transformerPlan ? nativeCnnPlan(first, dataset.info.task) : null;
  held.data = upload(dataset, la, plan !== null);
  const initial = first.getWeights();
  const names = parameterNames(first);
  const parameters = first.countParams();
  const startedAt = new Date().toISOString();
  const ps = currentProcessStart();
  const processStart = ps === undefined ? {} : { processStart: ps };
  input.runIndices.forEach((index, k) => {
    const spec = comparison.runs[index];
    const model = k === 0 ? first : buildModel(base.model, dataset.info, base.seed);
    if (k > 0) model.setWeights(initial); // identical initial weights, whatever the builder does
    const vars = trainableVariables(model);
    const eager: NativeModel | null = plan
      ? new NativeMlp(plan, vars, dataset.info.task)
      : transformerPlan
        ? new NativeTransformer(transformerPlan, vars)
        : cnnPlan
          ? new NativeCnn(cnnPlan, vars)
          : null;
    const warn = (text: string) => input.warn?.(`run ${index + 1} (${spec.label}): ${text}`);
    const native = eager && input.graphSteps && graphStepsAvailable() ? new GraphStep(eager, warn, undefined, input.fusedUpdates ?? true) : eager;
    const m = spec.metrics;
    const histogram = input.watch && m.histogramEvery > 0 ? new BackendHistogram(m.histogramRange[0], m.histogramRange[1], m.histogramBins) : null;
    const record: RunRecord = {
      format: RUN_FORMAT_VERSION,
      id: input.runIds[index],
      comparisonId: input.comparisonId,
      comparisonKind: comparison.kind,
      index,
      label: spec.label,
      spec,
      status: 'running',
      startedAt,
      endedAt: null,
      backend: input.backend,
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
    // Keep model and optimizer reachable from `held.runs` before anything else can throw, so cleanup sees them.
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
    held.runs.push(run);
    run.writer = RunWriter.create(input.runsDir, record);
    stream.register(record.id, run.writer);
  });
  // `initial` holds the first model's own variables (getWeights does not copy): nothing to dispose.
  return { la, data: held.data, trainExamples: dataset.train.n };
}

/** Closes the files and frees the tensors of everything `held` got, ended or not. */
export function releaseComparison(held: ComparisonResources): void {
  for (const run of held.runs) {
    run.writer?.close();
    run.histogram?.dispose();
    run.native?.dispose(); // first: a fused graph hands the optimizer its moments back (graphStep.ts)
    run.optimizer.dispose();
    run.model.dispose();
  }
  const data = held.data;
  if (data) tf.dispose([data.xTrain, data.yTrain, data.xVal, data.yVal].filter((t): t is Tensor => t !== null));
}

/** The dataset as tensors; `flat`: features as [n, size] whatever the input shape (for NativeMlp). */
function upload(dataset: Dataset, la: LossAndAccuracy, flat: boolean): TrainingData {
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

function groupLayers(parameterNames: string[]): LayerGroups {
  const names: string[] = [];
  const groupOf = parameterNames.map((n) => {
    const layer = layerOf(n);
    let g = names.indexOf(layer);
    if (g < 0) g = names.push(layer) - 1;
    return g;
  });
  return { names, groupOf };
}
