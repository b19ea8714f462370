// Schemas -> type guards and readable problems. Every shape that crosses a boundary (a message, a file, a
// setting) is declared once as a valibot schema; its TypeScript type is `v.InferOutput<typeof Schema>` and
// its validator comes from here, so the type and the check cannot drift apart.
// Free of Node and vscode imports: the webview bundles it.
import * as v from 'valibot';

/** Any schema without async parts (all of ours). */
export type AnySchema = v.GenericSchema;

export type Guard<T> = (value: unknown) => value is T;

/** A type guard from a schema: true when `value` matches it exactly (unknown keys of strict objects fail). */
export function guard<S extends AnySchema>(schema: S): Guard<v.InferOutput<S>> {
  return (value: unknown): value is v.InferOutput<S> => v.safeParse(schema, value, { abortEarly: true }).success;
}

/** "runs[1].optimizer.lr" from an issue's path ("" for the value itself). */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** One line per issue: "<where>.<path>: <what was expected>". An unknown key reads "<path>: unknown key". */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], where = ''): string[] {
  return issues.map((issue) => {
    const p = issuePath(issue);
    const at = where && p ? (p.startsWith('[') ? `${where}${p}` : `${where}.${p}`) : where || p || 'value';
    // valibot reports a key a strict object does not declare as "expected never".
    if (issue.expected === 'never' && (issue.type === 'strict_object' || issue.type === 'object')) return `${at}: unknown key`;
    return `${at}: ${issue.message}`;
  });
}

/** Problems of `value` against `schema` ([] when it matches), each with its key path. */
export function problemsOf(schema: AnySchema, value: unknown, where = ''): string[] {
  const r = v.safeParse(schema, value, { abortPipeEarly: true });
  return r.success ? [] : describeIssues(r.issues, where);
}

/** The parsed value, or an Error listing the problems (with key paths). */
export function parseOrThrow<S extends AnySchema>(schema: S, value: unknown, where = ''): v.InferOutput<S> {
  const r = v.safeParse(schema, value, { abortPipeEarly: true });
  if (r.success) return r.output;
  throw new Error(describeIssues(r.issues, where).join('; '));
}

/** A number that is not NaN (valibot's `number()` already refuses NaN; infinities pass). */
export const num = () => v.number();
/** `null`, or a number. */
export const numOrNull = () => v.nullable(v.number());


/**
 * The same guard as `guard(schema)`, compiled for hot paths (the reader parses hundreds of thousands of
 * metric lines): a strict object of numbers, booleans, strings, literals, nullable/optional and arrays of
 * those becomes one function of plain typeof checks (built with `new Function`: Node only, never in the
 * webview, whose CSP forbids it); any other schema falls back to valibot. Built from the schema itself, so
 * it cannot drift from it; a unit test compares both on many values.
 */
export function fastGuard<S extends AnySchema>(schema: S): Guard<v.InferOutput<S>> {
  const code = expr(schema, 'x', { n: 0 });
  if (code === undefined) return guard(schema);
  return new Function('x', `return ${code};`) as Guard<v.InferOutput<S>>;
}

type Shape = { type: string; wrapped?: AnySchema; item?: AnySchema; entries?: Record<string, AnySchema>; literal?: unknown; pipe?: unknown };

/** A JS expression true when `at` matches the schema, or undefined when the schema is not a simple one. */
function expr(schema: AnySchema, at: string, ids: { n: number }): string | undefined {
  const s = schema as AnySchema & Shape;
  if (s.pipe) return undefined;
  switch (s.type) {
    case 'number':
      return `(typeof ${at} === 'number' && ${at} === ${at})`;
    case 'boolean':
      return `(typeof ${at} === 'boolean')`;
    case 'string':
      return `(typeof ${at} === 'string')`;
    case 'null':
      return `(${at} === null)`;
    case 'literal':
      return typeof s.literal === 'string' || typeof s.literal === 'number' || typeof s.literal === 'boolean' ? `(${at} === ${JSON.stringify(s.literal)})` : undefined;
    case 'nullable': {
      const inner = expr(s.wrapped as AnySchema, at, ids);
      return inner && `(${at} === null || ${inner})`;
    }
    case 'optional': {
      const inner = expr(s.wrapped as AnySchema, at, ids);
      return inner && `(${at} === undefined || ${inner})`;
    }
    case 'array': {
      const item = `i${ids.n++}`;
      const inner = expr(s.item as AnySchema, item, ids);
      return inner && `(Array.isArray(${at}) && ${at}.every((${item}) => ${inner}))`;
    }
    case 'strict_object': {
      const entries = Object.entries(s.entries as Record<string, AnySchema>);
      const parts = [`typeof ${at} === 'object'`, `${at} !== null`, `!Array.isArray(${at})`];
      let required = 0;
      for (const [k, e] of entries) {
        const key = JSON.stringify(k);
        const inner = expr(e, `${at}[${key}]`, ids);
        if (inner === undefined) return undefined;
        if ((e as AnySchema & Shape).type === 'optional') parts.push(inner);
        else {
          required++;
          parts.push(`(${key} in ${at})`, inner);
        }
      }
      // No key beyond the declared ones: count own keys (present optional keys counted apart).
      const optional = entries.filter(([, e]) => (e as AnySchema & Shape).type === 'optional').map(([k]) => `(${JSON.stringify(k)} in ${at} ? 1 : 0)`);
      parts.push(`Object.keys(${at}).length === ${[String(required), ...optional].join(' + ')}`);
      return `(${parts.join(' && ')})`;
    }
    default:
      return undefined;
  }
}
