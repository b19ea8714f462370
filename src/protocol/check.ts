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
