// Validates radam.* setting values against the schema the extension contributes in package.json
// (contributes.configuration.properties) — one source of truth for types, ranges and enums, shown by
// VS Code's settings editor and enforced here before any run starts. VS Code itself does not enforce
// the schema on values written into settings.json, so a bad value must be caught by us.

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

/** Human description of what a schema accepts. */
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

/** Whether `v` satisfies the schema (type, range, enum, items). Also used by src/runSpec/rules.ts. */
export function accepts(s: SettingSchema, v: unknown): boolean {
  if (s.enum) return s.enum.some((e) => e === v);
  switch (s.type) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'array':
      return (
        Array.isArray(v) &&
        (s.minItems === undefined || v.length >= s.minItems) &&
        (s.maxItems === undefined || v.length <= s.maxItems) &&
        (!s.items || v.every((item) => accepts(s.items!, item)))
      );
    case 'number':
    case 'integer':
      return (
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (s.type === 'number' || Number.isInteger(v)) &&
        (s.minimum === undefined || v >= s.minimum) &&
        (s.maximum === undefined || v <= s.maximum) &&
        (s.exclusiveMinimum === undefined || v > s.exclusiveMinimum) &&
        (s.exclusiveMaximum === undefined || v < s.exclusiveMaximum)
      );
  }
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
