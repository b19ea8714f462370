// Workspace settings (radam.*) → a RunSpec, or the list of problems that stop a run from starting.
// Pure: takes plain values, so it is unit-tested without VS Code; src/commands reads the values.
// The mapping is the declaration's (schema.ts): every setting with a RunSpec path is written there, those
// with `onlyWhen` only while that other field has one of its values (csv-only, transformer-only fields);
// the rest of the spec takes the declared defaults. Only the rules across settings are written here.
import { defaultsOf } from './fields';
import type { RunSpec } from './runSpec';
import { SEQUENCE_DATASETS, SETTINGS, RunSpecFields } from './schema';
import { packagedSettingsSchema } from './schemaSource';
import { parseThreadOverride, type ThreadOverride } from '../shared/threads';
import { parseProcessesOverride, type ProcessesOverride } from '../shared/trainerSplit';
import { checkSettings, type SettingProblem, type SettingSchema } from './settingsSchema';

export type SettingValues = Record<string, unknown>;

export type SpecResult = { ok: true; spec: RunSpec } | { ok: false; problems: SettingProblem[] };

type Tree = Record<string, unknown>;
const get = (o: Tree, path: string): unknown => path.split('.').reduce<unknown>((x, k) => (x as Tree | undefined)?.[k], o);
function set(o: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let at = o;
  for (const k of keys) at = (at[k] ??= {}) as Tree;
  at[last] = value;
}

/** The base RunSpec (RAdam with the optimizer settings) from validated settings. */
export function runSpecFromSettings(values: SettingValues, schema: Record<string, SettingSchema> = packagedSettingsSchema()): SpecResult {
  // Fill unset values with the schema defaults, so a missing key is never an error.
  const v: SettingValues = {};
  for (const [key, s] of Object.entries(schema)) v[key] = key in values && values[key] !== undefined ? values[key] : s.default;
  const problems = checkSettings(schema, v);
  problems.push(...crossChecks(v));
  if (problems.length) return { ok: false, problems };

  const spec = defaultsOf(RunSpecFields);
  const mapped = SETTINGS.filter((s) => s.path !== undefined);
  for (const s of mapped) if (!s.leaf.doc.onlyWhen) set(spec, s.path as string, v[s.id]);
  for (const s of mapped) {
    const when = s.leaf.doc.onlyWhen;
    if (when && when.values.includes(get(spec, when.path))) set(spec, s.path as string, v[s.id]);
  }
  return { ok: true, spec: spec as RunSpec };
}

function isSequenceSet(dataset: unknown): boolean {
  return (SEQUENCE_DATASETS as readonly unknown[]).includes(dataset);
}

/**
 * radam.training.threads (validated with every other setting by runSpecFromSettings): 0 = auto, the
 * rule of src/shared/threads.ts; 1..64 = that many TensorFlow intra-op threads. Not part of the RunSpec:
 * it changes how fast a run trains, not what it computes (to float32 rounding), so it travels to the
 * trainer's environment (TrainingManager), not into run.json's spec.
 */
export function threadsFromSettings(values: SettingValues): ThreadOverride {
  return parseThreadOverride(values['radam.training.threads']) ?? 'auto';
}

/** radam.training.processes (validated with every other setting): 0 = auto (src/shared/trainerSplit.ts), 1 or 2. Not part of the RunSpec either. */
export function processesFromSettings(values: SettingValues): ProcessesOverride {
  return parseProcessesOverride(values['radam.training.processes']) ?? 'auto';
}

/** Rules that involve more than one setting. */
function crossChecks(v: SettingValues): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const dataset = v['radam.training.dataset'];
  const model = v['radam.training.model'];
  const sequence = isSequenceSet(dataset);
  if (model === 'transformer' && !sequence) {
    problems.push({
      key: 'radam.training.model',
      value: model,
      accepted: `"mlp" for the ${String(dataset)} dataset ("transformer" needs a token-sequence dataset: reverse, sort or copy-shift)`,
      message: `Setting radam.training.model is "transformer", which needs token sequences, but radam.training.dataset is ${JSON.stringify(dataset)}; use "reverse", "sort" or "copy-shift", or the "mlp" model.`,
    });
  }
  if (sequence && model !== 'transformer') {
    problems.push({
      key: 'radam.training.model',
      value: model,
      accepted: `"transformer" for the ${String(dataset)} dataset (one prediction per token)`,
      message: `Setting radam.training.dataset is ${JSON.stringify(dataset)}, a token-sequence task that needs one prediction per token, but radam.training.model is ${JSON.stringify(model)}; use "transformer".`,
    });
  }
  if (model === 'transformer') {
    const d = v['radam.transformer.dModel'];
    const h = v['radam.transformer.heads'];
    if (typeof d === 'number' && typeof h === 'number' && h > 0 && d % h !== 0) {
      problems.push({
        key: 'radam.transformer.dModel',
        value: d,
        accepted: `a multiple of radam.transformer.heads (${h})`,
        message: `Setting radam.transformer.dModel is ${d}, which is not a multiple of radam.transformer.heads (${h}); each head gets dModel / heads dimensions.`,
      });
    }
  }
  if (model === 'cnn' && dataset !== 'digits' && !sequence) {
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
