// Does a model fit a dataset? Pure (no tfjs), so the extension host can validate settings before it
// forks a trainer. Messages name the setting the user has to change.
import type { ModelSpec } from '../../runSpec/runSpec';
import { fieldDefault, fieldRange } from '../../runSpec/schema';
import type { DatasetInfo } from '../../shared/datasetInfo';

/** Setting names used in messages (one place to rename them). */
export const SETTING_MODEL = 'radam.training.model';
export const SETTING_HIDDEN_LAYERS = 'radam.training.hiddenLayers';
export const SETTING_DATASET = 'radam.training.dataset';

/** Limits that keep an MLP trainable at interactive speed on a laptop CPU. */
export const MAX_HIDDEN_LAYERS = 8;
export const MAX_LAYER_WIDTH = 4096;

/** What checkModelFits needs of a dataset: its name and shape (no data). */
export type DatasetShape = Pick<DatasetInfo, 'name' | 'inputShape' | 'task' | 'sequence'>;

export type ModelCheck = (spec: ModelSpec, info: DatasetShape) => string | null;

const checks = new Map<string, ModelCheck>();

/** Registers the check of a model; models/index.ts calls it from registerModel. */
export function registerModelCheck(name: string, check: ModelCheck): void {
  checks.set(name, check);
}

/** Null when `spec` can be built for `info`, else a message for the user. */
export function checkModelFits(spec: ModelSpec, info: DatasetShape): string | null {
  const check = checks.get(spec.name);
  if (!check) {
    return `${SETTING_MODEL}: unknown model ${JSON.stringify(spec.name)} (known: ${[...checks.keys()].join(', ')})`;
  }
  return check(spec, info);
}

/** mlp and cnn output one prediction per example; sequence sets need one per position. */
function sequenceRefused(model: string, info: DatasetShape): string | null {
  return info.sequence
    ? `${SETTING_MODEL}: "${model}" makes one prediction per example, but dataset "${info.name}" needs one per token; use "transformer"`
    : null;
}

export const checkMlp: ModelCheck = (spec, info) => {
  const refused = sequenceRefused('mlp', info);
  if (refused) return refused;
  const h = spec.hiddenLayers;
  if (!Array.isArray(h) || h.length > MAX_HIDDEN_LAYERS) {
    return `${SETTING_HIDDEN_LAYERS}: give at most ${MAX_HIDDEN_LAYERS} layer sizes, e.g. [64, 64]`;
  }
  const bad = h.find((u) => !Number.isInteger(u) || u < 1 || u > MAX_LAYER_WIDTH);
  if (bad !== undefined) {
    return `${SETTING_HIDDEN_LAYERS}: layer sizes must be integers from 1 to ${MAX_LAYER_WIDTH}, got ${JSON.stringify(bad)}`;
  }
  return null;
};

/** Smallest side the cnn accepts: two (3x3 valid conv + 2x2 pool) stages must leave at least 1 pixel. */
export const CNN_MIN_SIDE = 10;

export const checkCnn: ModelCheck = (_spec, info) => {
  const refused = sequenceRefused('cnn', info);
  if (refused) return refused;
  const s = info.inputShape;
  if (s.length !== 3) {
    return (
      `${SETTING_MODEL}: "cnn" needs image data (height x width x channels) but dataset ` +
      `"${info.name}" has ${s.length === 1 ? `${s[0]} features per example` : `shape [${s.join(', ')}]`}; ` +
      `use "mlp", or set ${SETTING_DATASET} to "digits"`
    );
  }
  if (s[0] < CNN_MIN_SIDE || s[1] < CNN_MIN_SIDE) {
    return `${SETTING_MODEL}: "cnn" needs images of at least ${CNN_MIN_SIDE}x${CNN_MIN_SIDE}, dataset "${info.name}" has ${s[0]}x${s[1]}`;
  }
  return null;
};

/** Setting names of the transformer's sizes. */
export const SETTING_TRANSFORMER = 'radam.transformer';

/** Sizes of the transformer when its ModelSpec leaves them out (ffDim: 4 * dModel): the run spec's (src/runSpec/schema.ts). */
export const TRANSFORMER_DEFAULTS = {
  layers: fieldDefault<number>('model.layers'),
  dModel: fieldDefault<number>('model.dModel'),
  heads: fieldDefault<number>('model.heads'),
  norm: fieldDefault<'post' | 'pre'>('model.norm'),
  causal: false,
};
/** Inclusive ranges, the run spec's; dModel must also be a multiple of heads. */
export const TRANSFORMER_LIMITS = {
  layers: fieldRange('model.layers'),
  dModel: fieldRange('model.dModel'),
  heads: fieldRange('model.heads'),
  ffDim: fieldRange('model.ffDim'),
};

export interface TransformerSizes {
  layers: number;
  dModel: number;
  heads: number;
  ffDim: number;
  norm: 'post' | 'pre';
  causal: boolean;
}

/** The transformer fields of `spec` with defaults filled in (not checked; see checkTransformer). */
export function transformerSizes(spec: ModelSpec): TransformerSizes {
  const dModel = spec.dModel ?? TRANSFORMER_DEFAULTS.dModel;
  return {
    layers: spec.layers ?? TRANSFORMER_DEFAULTS.layers,
    dModel,
    heads: spec.heads ?? TRANSFORMER_DEFAULTS.heads,
    ffDim: spec.ffDim ?? 4 * dModel,
    norm: spec.norm ?? TRANSFORMER_DEFAULTS.norm,
    causal: spec.causal ?? TRANSFORMER_DEFAULTS.causal,
  };
}

export const checkTransformer: ModelCheck = (spec, info) => {
  if (!info.sequence || info.inputShape.length !== 1) {
    return `${SETTING_MODEL}: "transformer" needs a token-sequence dataset but "${info.name}" is not one; set ${SETTING_DATASET} to "reverse", "sort" or "copy-shift"`;
  }
  const z = transformerSizes(spec);
  for (const k of ['layers', 'dModel', 'heads', 'ffDim'] as const) {
    const [lo, hi] = TRANSFORMER_LIMITS[k];
    if (!Number.isInteger(z[k]) || z[k] < lo || z[k] > hi) {
      return `${SETTING_TRANSFORMER}.${k}: expected an integer from ${lo} to ${hi}, got ${JSON.stringify(z[k])}`;
    }
  }
  if (z.dModel % z.heads !== 0) {
    return `${SETTING_TRANSFORMER}.dModel: ${z.dModel} is not a multiple of ${SETTING_TRANSFORMER}.heads (${z.heads})`;
  }
  if (z.norm !== 'post' && z.norm !== 'pre') return `${SETTING_TRANSFORMER}.norm: expected "post" or "pre", got ${JSON.stringify(z.norm)}`;
  if (typeof z.causal !== 'boolean') return `model.causal: expected true or false, got ${JSON.stringify(z.causal)}`;
  return null;
};

registerModelCheck('mlp', checkMlp);
registerModelCheck('cnn', checkCnn);
registerModelCheck('transformer', checkTransformer);
