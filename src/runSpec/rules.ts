// What a user may type, for the entry points other than the settings (those: fromSettings.ts):
//   - spec files (`radam-lab train --spec FILE`): specFileProblems, every field optional (missing ones take
//     the defaults), unknown keys and wrong shapes are errors naming the key path;
//   - CLI flags (`--lr 0.01`): parseFlagValue, the flag's text parsed by its field's type and range.
// Both read the one declaration (schema.ts): a field's range is the same for its setting, its flag and its
// spec-file key. Errors name the flag on the CLI and the setting in the extension (settingToFlag turns the
// engine's setting names into flags for the CLI).
import { validateSchedule } from '../optim/schedules';
import { describeAccepted, keyProblems, leaves, partialSchema, shapeOf, type Group, type Range } from './fields';
import { COMPARISON_KINDS, RunSpecFields } from './schema';
import { packagedSettingsSchema } from './schemaSource';
import { accepts, type SettingSchema } from './settingsSchema';

export interface FieldRule {
  /** Path inside a RunSpec, e.g. `optimizer.learningRate`. */
  path: string;
  /** The setting that sets it, if any. */
  setting?: string;
  /** Its range (the setting's when it has one: the same declaration). */
  schema: Range;
  /** The CLI flag that sets it. */
  flag?: string;
}

/** Every field of a RunSpec with its setting and flag, from the declaration. */
export const FIELD_RULES: readonly FieldRule[] = leaves(RunSpecFields).map(([path, l]) => ({
  path,
  schema: l.range,
  ...(l.doc.setting ? { setting: l.doc.setting } : {}),
  ...(l.doc.flag ? { flag: l.doc.flag } : {}),
}));

export interface SpecProblem {
  /** Key path, e.g. `runs[0].optimizer.learningRate`. */
  path: string;
  message: string;
}

/** The range of a rule: its setting's schema when it has a setting (the same object VS Code is given). */
export function ruleSchema(rule: FieldRule, settings: Record<string, SettingSchema> = packagedSettingsSchema()): SettingSchema {
  return rule.setting ? (settings[rule.setting] ?? rule.schema) : rule.schema;
}

export function ruleForFlag(flag: string): FieldRule | undefined {
  return FIELD_RULES.find((r) => r.flag === flag);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SPEC_FILE_RUN = partialSchema(RunSpecFields);

/** Problems of a (partial) RunSpec from a file: unknown keys, wrong shapes, values out of range. */
export function runSpecFileProblems(value: unknown, where: string): SpecProblem[] {
  if (!isObj(value)) return [{ path: where || '(top level)', message: `expected an object (a run spec), got ${shapeOf(value)}` }];
  const out: SpecProblem[] = keyProblems(SPEC_FILE_RUN, RunSpecFields, value, where).map((p) => ({
    path: p.path,
    message:
      p.kind === 'unknown-key'
        ? `unknown key (known here: ${Object.keys((p.node as Group).fields).join(', ')})`
        : p.kind === 'leaf' && p.node.kind === 'leaf'
          ? `is ${JSON.stringify(p.value) ?? String(p.value)}; it must be ${describeAccepted(p.node.range)}`
          : `expected an object, got ${shapeOf(p.value)}`,
  }));
  const at = (key: string) => `${where}${where ? '.' : ''}${key}`;
  const opt = value.optimizer;
  if (isObj(opt) && isObj(opt.schedule) && !out.some((p) => p.path.includes('schedule'))) {
    for (const p of validateSchedule(opt.schedule, 'schedule')) out.push({ path: at(`optimizer.${p.field}`), message: p.message });
  }
  const r = isObj(value.metrics) ? value.metrics.histogramRange : undefined;
  if (Array.isArray(r) && r.length === 2 && typeof r[0] === 'number' && typeof r[1] === 'number' && !(r[0] < r[1])) {
    out.push({ path: at('metrics.histogramRange'), message: `is ${JSON.stringify(r)}; it must be [lo, hi] with lo < hi` });
  }
  return out;
}

/**
 * Problems of a spec file's JSON value: a RunSpec (partial: missing fields take defaults) or a
 * comparison `{ "kind"?: ..., "runs": [RunSpec, ...] }`.
 */
export function specFileProblems(value: unknown): SpecProblem[] {
  if (!isObj(value)) return [{ path: '(top level)', message: `expected an object (a run spec, or { "kind", "runs" }), got ${shapeOf(value)}` }];
  if (!('runs' in value) && !('kind' in value)) return runSpecFileProblems(value, '');
  const out: SpecProblem[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'kind' && key !== 'runs') out.push({ path: key, message: 'unknown key (a comparison spec has only "kind" and "runs")' });
  }
  if ('kind' in value && !(COMPARISON_KINDS as readonly unknown[]).includes(value.kind)) {
    out.push({ path: 'kind', message: `is ${JSON.stringify(value.kind)}; it must be one of ${COMPARISON_KINDS.map((k) => JSON.stringify(k)).join(', ')}` });
  }
  if (!Array.isArray(value.runs)) out.push({ path: 'runs', message: `expected a list of run specs, got ${shapeOf(value.runs)}` });
  else if (value.runs.length === 0) out.push({ path: 'runs', message: 'is empty; give at least one run spec' });
  else if (value.runs.length > 64) out.push({ path: 'runs', message: `has ${value.runs.length} runs; at most 64` });
  else value.runs.forEach((r, i) => out.push(...runSpecFileProblems(r, `runs[${i}]`)));
  return out;
}

export class FlagError extends Error {}

/** Parses a flag's text value by its field's range; throws FlagError naming the flag and what is accepted. */
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
