// The building blocks of the one declaration (schema.ts): a field is its range (the JSON-schema subset of
// settingsSchema.ts), its default, its words, and where it has them its setting id and CLI flag; a group is
// a strict object of fields. Each block carries the valibot schema made from its range, so the TypeScript
// type of a whole group is `v.InferOutput<typeof group.schema>` and its validator is the same schema.
// The walkers below derive the rest from one tree: the defaults, the lenient schema of spec files (every
// field optional), the engine's schema (types and `domain`s), and problems that name the key path.
import * as v from 'valibot';
import { describeAccepted, rangeSchema, type SettingSchema } from './settingsSchema';

export type Range = Omit<SettingSchema, 'default'>;

export interface Doc<T = unknown> {
  default?: T;
  /** Markdown, as the settings editor shows it (and the README's table). */
  description: string;
  enumDescriptions?: readonly string[];
  /** The VS Code setting that sets this field (`radam.*`). */
  setting?: string;
  /** Position in the settings editor. */
  order?: number;
  scope?: 'resource' | 'window' | 'machine-overridable';
  /** The CLI flag that sets this field, its argument's name, and its line in `--help`. */
  flag?: string;
  flagArg?: string;
  help?: string;
  /** `--help`'s default when the field has none of its own (e.g. "dataset default"). */
  helpDefault?: string;
  /**
   * What the engine and the optimizer library can compute with, when wider than the range offered to users
   * (settings, flags, spec files): e.g. a learning rate of 1e20 to force a divergence in a test. Checked on
   * receipt of a comparison and by createOptimizer. Without it those check the type only.
   */
  domain?: Omit<Range, 'type'>;
  /** Why the domain ends where it does, added to the engine's message (e.g. "r_t is undefined below 4"). */
  domainWhy?: string;
  /**
   * An optional field whose default is written into a default spec anyway (the CLI's, DEFAULT_METRICS):
   * optional because specs written before it lack it, or (the learning rate) so run.json shows it.
   */
  inDefaults?: boolean;
  /** Filled from its setting only while the field at `path` has one of `values` (e.g. csv-only fields). */
  onlyWhen?: { path: string; values: readonly unknown[] };
}

export interface Leaf<S extends v.GenericSchema = v.GenericSchema> {
  kind: 'leaf';
  schema: S;
  range: Range;
  doc: Doc;
  optional: boolean;
}

export type Node = Leaf | Group | ListOf;
export type Entries = Record<string, Node>;
type SchemaEntries<E extends Entries> = { [K in keyof E]: E[K]['schema'] };

export interface Group<E extends Entries = Entries, S extends v.GenericSchema = v.GenericSchema> {
  kind: 'group';
  fields: E;
  schema: S;
  optional: boolean;
  /** The value of an optional group in the defaults (e.g. a constant schedule). */
  default?: unknown;
}

/** A list of groups (a comparison's runs). */
export interface ListOf<S extends v.GenericSchema = v.GenericSchema> {
  kind: 'list';
  item: Group;
  schema: S;
  optional: boolean;
  minItems: number;
  maxItems: number;
}

function leaf<T>(range: Range, doc: Doc<T>): Leaf<v.GenericSchema<T>> {
  return { kind: 'leaf', schema: rangeSchema(range) as v.GenericSchema<T>, range, doc, optional: false };
}

type Bounds = Pick<Range, 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum'>;
export const number = (b: Bounds, doc: Doc<number>) => leaf<number>({ type: 'number', ...b }, doc);
export const integer = (b: Bounds, doc: Doc<number>) => leaf<number>({ type: 'integer', ...b }, doc);
export const boolean = (doc: Doc<boolean>) => leaf<boolean>({ type: 'boolean' }, doc);
export const text = (doc: Doc<string>) => leaf<string>({ type: 'string' }, doc);
export const oneOf = <const T extends readonly string[]>(values: T, doc: Doc<T[number]>) => leaf<T[number]>({ type: 'string', enum: values }, doc);
/** A list of numbers (or strings) within `item`'s range. */
export const list = <T>(item: Range, counts: Pick<Range, 'minItems' | 'maxItems'>, doc: Doc<T[]>) => leaf<T[]>({ type: 'array', items: item, ...counts }, doc);
/** A fixed-length list typed as a tuple (e.g. `[lo, hi]`). */
export const tuple = <T extends unknown[]>(item: Range, doc: Doc<T>) => leaf<T>({ type: 'array', items: item, minItems: 2, maxItems: 2 }, doc);

/** The field may be left out of a spec (its default then comes from elsewhere: the dataset, the optimizer name...). */
export function optional<S extends v.GenericSchema>(l: Leaf<S>): Leaf<v.OptionalSchema<S, undefined>> {
  return { ...l, schema: v.optional(l.schema), optional: true };
}

export function group<E extends Entries>(fields: E): Group<E, v.StrictObjectSchema<SchemaEntries<E>, undefined>> {
  const entries = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.schema])) as SchemaEntries<E>;
  return { kind: 'group', fields, schema: v.strictObject(entries), optional: false };
}

export function optionalGroup<E extends Entries, S extends v.GenericSchema>(g: Group<E, S>, dflt: v.InferOutput<S>): Group<E, v.OptionalSchema<S, undefined>> {
  return { ...g, schema: v.optional(g.schema), optional: true, default: dflt };
}

export function listOf<E extends Entries, S extends v.GenericSchema>(item: Group<E, S>, minItems: number, maxItems: number): ListOf<v.GenericSchema<v.InferOutput<S>[]>> {
  const schema = v.pipe(v.array(item.schema), v.minLength(minItems), v.maxLength(maxItems)) as unknown as v.GenericSchema<v.InferOutput<S>[]>;
  return { kind: 'list', item, schema, optional: false, minItems, maxItems };
}

/** Every leaf below `node`, with its dotted path (`optimizer.learningRate`), in declaration order. */
export function leaves(node: Node, prefix = ''): Array<[path: string, leaf: Leaf]> {
  if (node.kind === 'leaf') return [[prefix, node]];
  if (node.kind === 'list') return leaves(node.item, prefix);
  return Object.entries(node.fields).flatMap(([k, f]) => leaves(f, prefix ? `${prefix}.${k}` : k));
}

/** The node at a dotted path below a group. */
export function nodeAt(root: Group, path: string): Node | undefined {
  let node: Node | undefined = root;
  for (const key of path.split('.')) node = node?.kind === 'group' ? node.fields[key] : undefined;
  return node;
}

/** A leaf's declared default; throws when it has none (a caller that needs one names the path). */
export function defaultOfLeaf(l: Leaf, path: string): unknown {
  if (l.doc.default === undefined) throw new Error(`no default declared for ${path}`);
  return structuredClone(l.doc.default);
}

/** The defaults of a group: every required field's default; optional ones only with `inDefaults` (a group: its `default`). */
export function defaultsOf(g: Group): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(g.fields)) {
    if (f.kind === 'group') {
      if (!f.optional) out[k] = defaultsOf(f);
      else if (f.default !== undefined) out[k] = structuredClone(f.default);
    } else if (f.kind === 'leaf' && (!f.optional || f.doc.inDefaults) && f.doc.default !== undefined) out[k] = structuredClone(f.doc.default);
  }
  return out;
}

/** The lenient twin of a node, for spec files: every field may be left out (it takes its default). */
export function partialSchema(node: Node): v.GenericSchema {
  const s =
    node.kind === 'leaf'
      ? rangeSchema(node.range)
      : node.kind === 'list'
        ? v.array(partialSchema(node.item))
        : v.strictObject(Object.fromEntries(Object.entries(node.fields).map(([k, f]) => [k, partialSchema(f)])));
  return v.optional(s);
}

/** The range the engine checks a leaf with: its `domain`, else its type alone (enums and items kept). */
export function domainRange(l: Leaf): Range {
  const typeOnly = (r: Range): Range => ({ type: r.type, ...(r.enum ? { enum: r.enum } : {}), ...(r.items ? { items: typeOnly(r.items) } : {}) });
  return l.doc.domain ? { ...typeOnly(l.range), ...l.doc.domain } : typeOnly(l.range);
}

/** The engine's twin of a node: the same keys and types, with domains instead of the users' ranges. */
export function domainSchema(node: Node): v.GenericSchema {
  let s: v.GenericSchema;
  if (node.kind === 'leaf') s = rangeSchema(domainRange(node));
  else if (node.kind === 'list') s = v.pipe(v.array(domainSchema(node.item)), v.minLength(node.minItems), v.maxLength(node.maxItems));
  else s = v.strictObject(Object.fromEntries(Object.entries(node.fields).map(([k, f]) => [k, domainSchema(f)])));
  return node.optional ? v.optional(s) : s;
}

export interface KeyProblem {
  /** Key path, e.g. `runs[0].optimizer.learningRate`. */
  path: string;
  /** The value there (undefined when missing). */
  value: unknown;
  /** What went wrong: an unknown key, a value out of its leaf's range, or not an object/list. */
  kind: 'unknown-key' | 'leaf' | 'not-object' | 'not-list' | 'list-length';
  /** The node the path ends at (the leaf for a bad list item), or the group holding an unknown key. */
  node: Node;
}

const join = (at: string, key: string | number) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);

/**
 * Problems of `value` against `schema` (one of `root`'s schemas), one per key path, each tied to the node
 * of the declaration it falls on: valibot finds them, the declaration names them.
 */
export function keyProblems(schema: v.GenericSchema, root: Node, value: unknown, where = ''): KeyProblem[] {
  // valibot's objects take arrays (their indices become keys): a list where a group belongs is found apart.
  const lists = listsForGroups(root, value, where);
  const inList = (path: string) => lists.some((p) => p.path === '' || path === p.path || path.startsWith(`${p.path}.`) || path.startsWith(`${p.path}[`));
  const r = v.safeParse(schema, value);
  if (r.success) return lists;
  const out = new Map<string, KeyProblem>(lists.map((p) => [p.path, p]));
  for (const issue of r.issues) {
    let node: Node = root;
    let at = where;
    let here: unknown = value;
    let problem: KeyProblem | undefined;
    for (const item of issue.path ?? []) {
      const key = item.key as string | number;
      if (node.kind === 'leaf') break; // a list item of a leaf: the leaf is at fault
      if (node.kind === 'list') {
        node = node.item;
      } else {
        const next: Node | undefined = node.fields[key as string];
        if (!next) {
          problem = { path: join(at, key), value: item.value, kind: 'unknown-key', node };
          break;
        }
        node = next;
      }
      at = join(at, key);
      here = item.value;
    }
    problem ??= {
      path: at,
      value: here,
      kind: node.kind === 'leaf' ? 'leaf' : node.kind === 'list' ? (Array.isArray(here) ? 'list-length' : 'not-list') : 'not-object',
      node,
    };
    if (!out.has(problem.path) && !inList(problem.path)) out.set(problem.path, problem);
  }
  return [...out.values()];
}

/** Every place where `value` holds an array for a group of the declaration. */
function listsForGroups(node: Node, value: unknown, at: string): KeyProblem[] {
  if (node.kind === 'leaf' || value === null || typeof value !== 'object') return [];
  if (node.kind === 'list') return Array.isArray(value) ? value.flatMap((item, i) => listsForGroups(node.item, item, join(at, i))) : [];
  if (Array.isArray(value)) return [{ path: at, value, kind: 'not-object', node }];
  return Object.entries(node.fields).flatMap(([k, f]) => (k in value ? listsForGroups(f, (value as Record<string, unknown>)[k], join(at, k)) : []));
}

/** "null", "an array", "an object", `string "x"`: what a value is, for messages. */
export function shapeOf(value: unknown): string {
  return value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** What the engine's check accepts, tersely: `an integer >= 1`, `"post" or "pre"`, `true or false`. */
export function describeDomain(r: Range): string {
  if (r.enum) {
    const q = r.enum.map((x) => JSON.stringify(x));
    return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}` : (q[0] ?? 'nothing');
  }
  if (r.type === 'boolean') return 'true or false';
  if (r.type === 'string') return 'a string';
  if (r.type === 'array') {
    // "an integer >= 1" -> "integers >= 1", "a finite number" -> "finite numbers"
    const item = r.items ? describeDomain(r.items).replace(/^an? /, '').replace(/\b(integer|number|string)\b/, '$1s') : 'values';
    return `a list of ${item}`;
  }
  const bounds = [
    r.minimum !== undefined ? `>= ${r.minimum}` : r.exclusiveMinimum !== undefined ? `> ${r.exclusiveMinimum}` : '',
    r.maximum !== undefined ? `<= ${r.maximum}` : r.exclusiveMaximum !== undefined ? `< ${r.exclusiveMaximum}` : '',
  ].filter(Boolean);
  return `${r.type === 'integer' ? 'an integer' : 'a finite number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
}

export { describeAccepted };
