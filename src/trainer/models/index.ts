// The model registry. Built-ins: `mlp`, `cnn` and `transformer` (token sequences); further models call
// registerModel with a builder and, optionally, a check that says when they do not fit a dataset.
//
// Every builder must: output raw values (logits, no softmax) of size info.outputSize; name its layers
// itself (LayerNamer) so names are stable across builds and processes; seed every initializer from
// `seed` (kernelInitializer) so the same seed gives the same initial weights in every run of a comparison.
// Types only (erased at build): the tfjs instance itself always comes from ../../tf.
import type { LayersModel, Variable } from '@tensorflow/tfjs';
import type { ModelSpec } from '../../runSpec/runSpec';
import type { DatasetInfo } from '../../shared/datasetInfo';
import { cnnBuilder } from './cnn';
import { checkModelFits, registerModelCheck, type ModelCheck } from './fit';
import { mlpBuilder } from './mlp';
import { transformerBuilder } from './transformer';

export { checkModelFits, SETTING_MODEL, SETTING_HIDDEN_LAYERS, SETTING_DATASET, TRANSFORMER_DEFAULTS, TRANSFORMER_LIMITS, transformerSizes } from './fit';
export type { DatasetShape, ModelCheck } from './fit';
export { lossAndAccuracy, type LossAndAccuracy } from './loss';
export { LayerNamer, kernelInitializer } from './layers';

export type ModelBuildFn = (spec: ModelSpec, info: DatasetInfo, seed: number) => LayersModel;
export interface ModelBuilder {
  build: ModelBuildFn;
  /** Null when the model can be built for the dataset, else a message naming the setting to change. */
  check?: ModelCheck;
}

const builders = new Map<string, ModelBuilder>();

/** Adds (or replaces) a model kind. Its check, if any, also serves checkModelFits. */
export function registerModel(name: string, builder: ModelBuilder | ModelBuildFn): void {
  const b = typeof builder === 'function' ? { build: builder } : builder;
  builders.set(name, b);
  registerModelCheck(name, b.check ?? (() => null));
}

registerModel('mlp', mlpBuilder);
registerModel('cnn', cnnBuilder);
registerModel('transformer', transformerBuilder);

/** Names of the registered models. */
export function modelNames(): string[] {
  return [...builders.keys()];
}

/** Builds the model of `spec` for `info` with weights seeded by `seed`. Throws Error with the check's message. */
export function buildModel(spec: ModelSpec, info: DatasetInfo, seed: number): LayersModel {
  const problem = checkModelFits(spec, info);
  if (problem) throw new Error(problem);
  const model = builders.get(spec.name)!.build(spec, info, seed);
  const out = model.outputs[0].shape;
  if (out[out.length - 1] !== info.outputSize) {
    throw new Error(`model "${spec.name}" outputs ${out[out.length - 1]} values, dataset "${info.name}" needs ${info.outputSize}`);
  }
  return model;
}

/**
 * Stable names of the trainable parameters, in model.trainableWeights order: `dense_0/kernel`,
 * `dense_0/bias`, ... tfjs's own variable names get a `_1`, `_2` suffix when several models live in one
 * process (they must be unique there), so report and key per-run data by these instead.
 */
export function parameterNames(model: LayersModel): string[] {
  return model.trainableWeights.map((w) => w.originalName);
}

/** The tf.Variables behind model.trainableWeights (same order), for tf.variableGrads / optimizers. */
export function trainableVariables(model: LayersModel): Variable[] {
  return model.trainableWeights.map((w) => w.read() as Variable);
}
