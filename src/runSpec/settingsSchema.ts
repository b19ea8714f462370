// Ranges: the JSON-schema subset that package.json's settings use (type, bounds, enum, list items), as
// the schema declaration (schema.ts) writes each field's range, and what is made of it: the valibot
// schema that checks a value (`rangeSchema`), and the words that say what is accepted (`describeAccepted`).
// VS Code does not enforce the manifest's schema on values written into settings.json, so a bad value must
// be caught here before a run starts; the CLI's flags and spec files use the same ranges (rules.ts).
import * as v from 'valibot';

/** The subset of JSON schema that RAdam Lab's settings use. */
export interface SettingSchema {
  type: 'number' | 'integer' | 'boolean' | 'string' | 'array';
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: readonly unknown[];
  items?: SettingSchema;
  minItems?: number;
  maxItems?: number;
}

export interface SettingProblem {
  /** Full setting id, e.g. `radam.training.steps`. */
  key: string;
  value: unknown;
  /** What is accepted, e.g. "an integer from 1 to 1000000". */
  accepted: string;
  /** One line for the user: names the setting, the value and what is accepted. */
  message: string;
}

type Action = v.PipeAction<number, number, v.BaseIssue<unknown>>;
const built = new WeakMap<SettingSchema, v.GenericSchema>();
/** `v.pipe` over a list of actions built at run time (its typed overloads take a fixed number). */
const pipe = v.pipe as unknown as (schema: v.GenericSchema, ...actions: unknown[]) => v.GenericSchema;

/** The valibot schema of a range (cached per range object): what `accepts` and the spec schemas check with. */
export function rangeSchema(s: SettingSchema): v.GenericSchema {
  const hit = built.get(s);
  if (hit) return hit;
  let out: v.GenericSchema;
  if (s.enum) out = v.picklist(s.enum as string[]);
  else if (s.type === 'boolean') out = v.boolean();
  else if (s.type === 'string') out = v.string();
  else if (s.type === 'array') {
    const checks: v.PipeAction<unknown[], unknown[], v.BaseIssue<unknown>>[] = [];
    if (s.minItems !== undefined) checks.push(v.minLength(s.minItems));
    if (s.maxItems !== undefined) checks.push(v.maxLength(s.maxItems));
    const list = v.array(s.items ? rangeSchema(s.items) : v.unknown());
    out = checks.length ? pipe(list, ...checks) : list;
  } else {
    const checks: Action[] = [v.finite()];
    if (s.type === 'integer') checks.push(v.integer());
    if (s.minimum !== undefined) checks.push(v.minValue(s.minimum));
    if (s.maximum !== undefined) checks.push(v.maxValue(s.maximum));
    if (s.exclusiveMinimum !== undefined) checks.push(v.gtValue(s.exclusiveMinimum));
    if (s.exclusiveMaximum !== undefined) checks.push(v.ltValue(s.exclusiveMaximum));
    out = pipe(v.number(), ...checks);
  }
  built.set(s, out);
  return out;
}

/** Human description of what a range accepts. */
export function describeAccepted(s: SettingSchema): string {
  if (s.enum) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (s.type === 'boolean') return 'true or false';
  if (s.type === 'string') return 'a string';
  if (s.type === 'array') {
    const count =
      s.minItems !== undefined && s.maxItems !== undefined
        ? ` of ${s.minItems} to ${s.maxItems}`
        : s.minItems !== undefined
          ? ` of at least ${s.minItems}`
          : '';
    const item = s.items ? describeAccepted(s.items).replace(/^an? /, '') : 'value';
    return `a list${count} items, each ${/^[aeiou]/.test(item) ? 'an' : 'a'} ${item}`;
  }
  const noun = s.type === 'integer' ? 'an integer' : 'a number';
  const lo =
    s.exclusiveMinimum !== undefined ? `greater than ${s.exclusiveMinimum}` : s.minimum !== undefined ? `at least ${s.minimum}` : '';
  const hi =
    s.exclusiveMaximum !== undefined ? `less than ${s.exclusiveMaximum}` : s.maximum !== undefined ? `at most ${s.maximum}` : '';
  return [noun, [lo, hi].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
}

/** Whether `value` is in the range (type, bounds, enum, items). */
export function accepts(s: SettingSchema, value: unknown): boolean {
  return v.is(rangeSchema(s), value);
}

/** Checks one value; returns the problem or null. */
export function checkSetting(key: string, schema: SettingSchema, value: unknown): SettingProblem | null {
  if (accepts(schema, value)) return null;
  const accepted = describeAccepted(schema);
  return { key, value, accepted, message: `Setting ${key} is ${JSON.stringify(value)}; it must be ${accepted}.` };
}

/** Checks every value of `values` (keyed by full setting id) that has a schema. */
export function checkSettings(schema: Record<string, SettingSchema>, values: Record<string, unknown>): SettingProblem[] {
  return Object.entries(schema)
    .map(([key, s]) => (key in values ? checkSetting(key, s, values[key]) : null))
    .filter((p): p is SettingProblem => p !== null);
}
