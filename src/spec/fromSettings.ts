// Workspace settings (radam.*) → a RunSpec, or the list of problems that stop a run from starting.
// Pure: takes plain values, so it is unit-tested without VS Code; src/commands reads the values.
import type { OptimizerSpec } from '../optim/types';
import { DEFAULT_METRICS, type Activation, type DatasetName, type ModelName, type RunSpec } from './runSpec';
import { checkSettings, type SettingProblem, type SettingSchema } from './settingsSchema';

export type SettingValues = Record<string, unknown>;

export type SpecResult = { ok: true; spec: RunSpec } | { ok: false; problems: SettingProblem[] };

/** The base RunSpec (RAdam with the optimizer settings) from validated settings. */
export function runSpecFromSettings(values: SettingValues, schema: Record<string, SettingSchema>): SpecResult {
  // Fill unset values with the schema defaults, so a missing key is never an error.
  const v: SettingValues = {};
  for (const [key, s] of Object.entries(schema)) v[key] = key in values && values[key] !== undefined ? values[key] : s.default;
  const problems = checkSettings(schema, v);
  problems.push(...crossChecks(v));
  if (problems.length) return { ok: false, problems };

  const get = <T>(k: string) => v[`radam.${k}`] as T;
  const optimizer: OptimizerSpec = {
    name: 'radam',
    learningRate: get<number>('optimizer.learningRate'),
    beta1: get<number>('optimizer.beta1'),
    beta2: get<number>('optimizer.beta2'),
    epsilon: get<number>('optimizer.epsilon'),
    weightDecay: get<number>('optimizer.weightDecay'),
    decoupledWeightDecay: get<boolean>('optimizer.decoupledWeightDecay'),
    rectificationThreshold: get<number>('optimizer.rectificationThreshold'),
    degeneratedToSgd: get<boolean>('optimizer.degeneratedToSgd'),
    schedule: { kind: 'constant' },
  };
  const dataset = get<DatasetName>('training.dataset');
  return {
    ok: true,
    spec: {
      label: 'RAdam',
      optimizer,
      dataset: {
        name: dataset,
        validationSplit: get<number>('training.validationSplit'),
        ...(dataset === 'csv' ? { csvPath: get<string>('training.csvPath'), csvLabelColumn: get<string>('training.csvLabelColumn') } : {}),
      },
      model: {
        name: get<ModelName>('training.model'),
        hiddenLayers: get<number[]>('training.hiddenLayers'),
        activation: get<Activation>('training.activation'),
      },
      steps: get<number>('training.steps'),
      batchSize: get<number>('training.batchSize'),
      seed: get<number>('training.seed'),
      metrics: {
        ...DEFAULT_METRICS,
        histogramEvery: get<number>('metrics.histogramEvery'),
        histogramBins: get<number>('metrics.histogramBins'),
        perLayerHistograms: get<boolean>('metrics.perLayerHistograms'),
        normsEvery: get<number>('metrics.normsEvery'),
      },
    },
  };
}

/** Rules that involve more than one setting. */
function crossChecks(v: SettingValues): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const dataset = v['radam.training.dataset'];
  const model = v['radam.training.model'];
  if (model === 'cnn' && dataset !== 'digits') {
    problems.push({
      key: 'radam.training.model',
      value: model,
      accepted: `"mlp" for the ${String(dataset)} dataset ("cnn" needs image data: the digits dataset)`,
      message: `Setting radam.training.model is "cnn", which needs images, but radam.training.dataset is ${JSON.stringify(dataset)}; use "mlp", or the "digits" dataset.`,
    });
  }
  if (dataset === 'csv' && !String(v['radam.training.csvPath'] ?? '').trim()) {
    problems.push({
      key: 'radam.training.csvPath',
      value: v['radam.training.csvPath'],
      accepted: 'the path of a CSV file inside the workspace folder',
      message: 'Setting radam.training.csvPath is empty, but radam.training.dataset is "csv"; set it to a CSV file inside the workspace.',
    });
  }
  return problems;
}
