// One table of what a run spec may hold, for every entry point (issue 13):
//   - settings (radam.*): checked by settingsSchema.ts against package.json's contributes.configuration;
//   - spec files (`radam-lab train --spec FILE`): checkSpecFile below;
//   - CLI flags (`--lr 0.01`): parseFlagValue below.
// A RunSpec field that has a setting takes its type and range from that setting's schema (never a
// second copy); fields that exist only in spec files carry their own schema here. Unknown keys and
// wrong shapes are errors that name the key path. Errors name the flag on the CLI and the setting in
// the extension (settingToFlag turns the engine's setting names into flags for the CLI).
//
// Kept small and table-driven so a wider "one schema" refactor can move it as a whole.
import { DECAY_KINDS, OPTIMIZER_NAMES, SCHEDULE_KINDS } from '../optim/types';
import { validateSchedule } from '../optim/schedules';
import { packagedSettingsSchema } from './schemaSource';
import { accepts, describeAccepted, type SettingSchema } from './settingsSchema';

export interface FieldRule {
  /** Path inside a RunSpec, e.g. `optimizer.learningRate`. */
  path: string;
  /** The setting whose schema (package.json) gives type and range. */
  setting?: string;
  /** The schema of a field without a setting. */
  schema?: SettingSchema;
  /** The CLI flag that sets it. */
  flag?: string;
}

export const FIELD_RULES: readonly FieldRule[] = [
  { path: 'label', schema: { type: 'string' } },
  { path: 'optimizer.name', schema: { type: 'string', enum: OPTIMIZER_NAMES }, flag: '--optimizer' },
  { path: 'optimizer.learningRate', setting: 'radam.optimizer.learningRate', flag: '--lr' },
  { path: 'optimizer.beta1', setting: 'radam.optimizer.beta1' },
  { path: 'optimizer.beta2', setting: 'radam.optimizer.beta2', flag: '--beta2' },
  { path: 'optimizer.epsilon', setting: 'radam.optimizer.epsilon' },
  { path: 'optimizer.weightDecay', setting: 'radam.optimizer.weightDecay' },
  { path: 'optimizer.decoupledWeightDecay', setting: 'radam.optimizer.decoupledWeightDecay' },
  { path: 'optimizer.rectificationThreshold', setting: 'radam.optimizer.rectificationThreshold' },
  { path: 'optimizer.degeneratedToSgd', setting: 'radam.optimizer.degeneratedToSgd' },
  { path: 'optimizer.k', schema: { type: 'integer', minimum: 0, maximum: 1000000 } },
  { path: 'optimizer.schedule.kind', schema: { type: 'string', enum: SCHEDULE_KINDS } },
  { path: 'optimizer.schedule.warmupSteps', schema: { type: 'number', exclusiveMinimum: 0, maximum: 1000000 } },
  { path: 'optimizer.schedule.decay', schema: { type: 'string', enum: DECAY_KINDS } },
  { path: 'optimizer.schedule.decaySteps', schema: { type: 'number', exclusiveMinimum: 0, maximum: 1000000 } },
  { path: 'optimizer.schedule.decayStart', schema: { type: 'number', minimum: 0, maximum: 1000000 } },
  { path: 'optimizer.schedule.finalScale', schema: { type: 'number', minimum: 0, maximum: 1 } },
  { path: 'dataset.name', setting: 'radam.training.dataset', flag: '--dataset' },
  { path: 'dataset.validationSplit', setting: 'radam.training.validationSplit', flag: '--validation-split' },
  { path: 'dataset.samples', schema: { type: 'integer', minimum: 1, maximum: 1000000 }, flag: '--samples' },
  { path: 'dataset.csvPath', setting: 'radam.training.csvPath', flag: '--csv' },
  { path: 'dataset.csvLabelColumn', setting: 'radam.training.csvLabelColumn', flag: '--label-column' },
  { path: 'dataset.sequenceLength', setting: 'radam.transformer.sequenceLength' },
  { path: 'dataset.vocabularySize', setting: 'radam.transformer.vocabularySize' },
  { path: 'dataset.shift', schema: { type: 'integer', minimum: 0, maximum: 64 } },
  { path: 'model.name', setting: 'radam.training.model', flag: '--model' },
  { path: 'model.hiddenLayers', setting: 'radam.training.hiddenLayers', flag: '--hidden' },
  { path: 'model.activation', setting: 'radam.training.activation', flag: '--activation' },
  { path: 'model.layers', setting: 'radam.transformer.layers' },
  { path: 'model.dModel', setting: 'radam.transformer.dModel' },
  { path: 'model.heads', setting: 'radam.transformer.heads' },
  { path: 'model.ffDim', schema: { type: 'integer', minimum: 1, maximum: 4096 } },
  { path: 'model.norm', setting: 'radam.transformer.norm' },
  { path: 'model.causal', schema: { type: 'boolean' } },
  { path: 'steps', setting: 'radam.training.steps', flag: '--steps' },
  { path: 'batchSize', setting: 'radam.training.batchSize', flag: '--batch-size' },
  { path: 'seed', setting: 'radam.training.seed', flag: '--seed' },
  { path: 'metrics.histogramEvery', setting: 'radam.metrics.histogramEvery', flag: '--histogram-every' },
  { path: 'metrics.histogramBins', setting: 'radam.metrics.histogramBins' },
  { path: 'metrics.histogramRange', schema: { type: 'array', items: { type: 'number', minimum: -100, maximum: 100 }, minItems: 2, maxItems: 2 } },
  { path: 'metrics.perLayerHistograms', setting: 'radam.metrics.perLayerHistograms' },
  { path: 'metrics.validationEvery', schema: { type: 'integer', minimum: 0, maximum: 1000000 }, flag: '--validation-every' },
  { path: 'metrics.normsEvery', setting: 'radam.metrics.normsEvery' },
];

/** Keys of a comparison spec file (`{ kind, runs }`). */
const COMPARISON_KINDS = ['single', 'compare-adam', 'compare-warmup', 'lr-sweep'];

export interface SpecProblem {
  /** Key path, e.g. `runs[0].optimizer.learningRate`. */
  path: string;
  message: string;
}

/** The schema of a rule (from package.json when it names a setting). */
export function ruleSchema(rule: FieldRule, settings: Record<string, SettingSchema> = packagedSettingsSchema()): SettingSchema {
  if (rule.schema) return rule.schema;
  const s = rule.setting ? settings[rule.setting] : undefined;
  if (!s) throw new Error(`settings schema has no ${rule.setting}`);
  return s;
}

export function ruleForFlag(flag: string): FieldRule | undefined {
  return FIELD_RULES.find((r) => r.flag === flag);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shape = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`);

/** Keys allowed in the object at `prefix` ('' = the RunSpec itself), derived from the table. */
function keysAt(prefix: string): string[] {
  const keys = new Set<string>();
  for (const r of FIELD_RULES) {
    if (prefix && !r.path.startsWith(prefix + '.')) continue;
    keys.add(r.path.slice(prefix ? prefix.length + 1 : 0).split('.')[0]);
  }
  return [...keys];
}

function checkObject(value: Record<string, unknown>, prefix: string, where: string, out: SpecProblem[], settings: Record<string, SettingSchema>): void {
  const allowed = keysAt(prefix);
  for (const [key, v] of Object.entries(value)) {
    const full = prefix ? `${prefix}.${key}` : key;
    const at = `${where}${where ? '.' : ''}${key}`;
    if (!allowed.includes(key)) {
      out.push({ path: at, message: `unknown key (known here: ${allowed.join(', ')})` });
      continue;
    }
    const rule = FIELD_RULES.find((r) => r.path === full);
    if (rule) {
      const s = ruleSchema(rule, settings);
      if (!accepts(s, v)) out.push({ path: at, message: `is ${JSON.stringify(v) ?? String(v)}; it must be ${describeAccepted(s)}` });
    } else if (!isObj(v)) {
      out.push({ path: at, message: `expected an object, got ${shape(v)}` });
    } else {
      checkObject(v, full, at, out, settings);
    }
  }
}

/** Problems of a (partial) RunSpec from a file: unknown keys, wrong shapes, values out of range. */
export function runSpecFileProblems(value: unknown, where: string, settings: Record<string, SettingSchema> = packagedSettingsSchema()): SpecProblem[] {
  if (!isObj(value)) return [{ path: where || '(top level)', message: `expected an object (a run spec), got ${shape(value)}` }];
  const out: SpecProblem[] = [];
  checkObject(value, '', where, out, settings);
  const opt = value.optimizer;
  if (isObj(opt) && isObj(opt.schedule) && !out.some((p) => p.path.includes('schedule'))) {
    for (const p of validateSchedule(opt.schedule, 'schedule')) out.push({ path: `${where}${where ? '.' : ''}optimizer.${p.field}`, message: p.message });
  }
  const r = isObj(value.metrics) ? value.metrics.histogramRange : undefined;
  if (Array.isArray(r) && r.length === 2 && typeof r[0] === 'number' && typeof r[1] === 'number' && !(r[0] < r[1])) {
    out.push({ path: `${where}${where ? '.' : ''}metrics.histogramRange`, message: `is ${JSON.stringify(r)}; it must be [lo, hi] with lo < hi` });
  }
  return out;
}

/**
 * Problems of a spec file's JSON value: a RunSpec (partial: missing fields take defaults) or a
 * comparison `{ "kind"?: ..., "runs": [RunSpec, ...] }`.
 */
export function specFileProblems(value: unknown, settings: Record<string, SettingSchema> = packagedSettingsSchema()): SpecProblem[] {
  if (!isObj(value)) return [{ path: '(top level)', message: `expected an object (a run spec, or { "kind", "runs" }), got ${shape(value)}` }];
  if (!('runs' in value) && !('kind' in value)) return runSpecFileProblems(value, '', settings);
  const out: SpecProblem[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'kind' && key !== 'runs') out.push({ path: key, message: 'unknown key (a comparison spec has only "kind" and "runs")' });
  }
  if ('kind' in value && !COMPARISON_KINDS.includes(value.kind as string)) {
    out.push({ path: 'kind', message: `is ${JSON.stringify(value.kind)}; it must be one of ${COMPARISON_KINDS.map((k) => JSON.stringify(k)).join(', ')}` });
  }
  if (!Array.isArray(value.runs)) out.push({ path: 'runs', message: `expected a list of run specs, got ${shape(value.runs)}` });
  else if (value.runs.length === 0) out.push({ path: 'runs', message: 'is empty; give at least one run spec' });
  else if (value.runs.length > 64) out.push({ path: 'runs', message: `has ${value.runs.length} runs; at most 64` });
  else value.runs.forEach((r, i) => out.push(...runSpecFileProblems(r, `runs[${i}]`, settings)));
  return out;
}

export class FlagError extends Error {}

/** Parses a flag's text value by the rule's schema; throws FlagError naming the flag and what is accepted. */
export function parseFlagValue(flag: string, raw: string, settings: Record<string, SettingSchema> = packagedSettingsSchema()): unknown {
  const rule = ruleForFlag(flag);
  if (!rule) throw new Error(`no rule for ${flag}`);
  const s = ruleSchema(rule, settings);
  const fail = (): never => {
    throw new FlagError(`${flag}: expected ${flagAccepted(s)}, got ${JSON.stringify(raw)}`);
  };
  let value: unknown;
  switch (s.type) {
    case 'number':
    case 'integer':
      value = parseNumber(raw) ?? fail();
      break;
    case 'boolean':
      value = raw === 'true' ? true : raw === 'false' ? false : fail();
      break;
    case 'array': {
      // "" is the empty list; otherwise comma-separated items, none of them empty ("8,,8" and "," are errors).
      const parts = raw.trim() === '' ? [] : raw.split(',').map((x) => x.trim());
      value = parts.map((x) => (s.items && s.items.type !== 'string' ? (parseNumber(x) ?? fail()) : x === '' ? fail() : x));
      break;
    }
    default:
      value = raw;
  }
  if (!accepts(s, value)) fail();
  return value;
}

function parseNumber(raw: string): number | undefined {
  const t = raw.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function flagAccepted(s: SettingSchema): string {
  if (s.type === 'array') return `${describeAccepted(s)}, comma-separated`;
  return describeAccepted(s);
}

/**
 * Engine and model-check messages name settings ("radam.training.model: ..."); on the command line the
 * user has flags. Replaces every setting id in `text` by its flag (or its spec-file key path).
 */
export function settingToFlag(text: string): string {
  const rules = FIELD_RULES.filter((r) => r.setting).sort((a, b) => (b.setting as string).length - (a.setting as string).length);
  let out = text;
  for (const r of rules) out = out.split(r.setting as string).join(r.flag ?? `spec key ${r.path}`);
  // Prefixes used in messages about a group (e.g. "radam.transformer.layers" built from "radam.transformer").
  return out.replace(/radam\.transformer\.(\w+)/g, 'spec key model.$1');
}
