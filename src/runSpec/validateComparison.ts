// The check of a ComparisonSpec that both ends run: the extension host before it forks a trainer (fail
// fast, with a message), the trainer and the CLI on receipt (never trust a message or file). The shape comes
// from the one declaration (schema.ts): every key known, every value of its type and within its `domain`
// (what the engine can compute with; the users' narrower ranges are checked where users type values:
// settings, flags, spec files). Here too: the rules across fields and runs. Deeper checks (schedules, model
// fits dataset) live with their owners and run when the optimizer / model is built.
import { describeDomain, domainRange, domainSchema, keyProblems, shapeOf, type Leaf } from './fields';
import type { ComparisonSpec } from './runSpec';
import { ComparisonFields, RunSpecFields } from './schema';

const RUN_DOMAIN = domainSchema(RunSpecFields);
const COMPARISON_DOMAIN = domainSchema(ComparisonFields);

function messages(problems: ReturnType<typeof keyProblems>): string[] {
  return problems.map((p) => {
    if (p.kind === 'unknown-key') return `${p.path}: unknown key`;
    if (p.kind === 'not-object') return `${p.path}: expected an object, got ${shapeOf(p.value)}`;
    if (p.kind === 'not-list') return `${p.path}: expected a list, got ${shapeOf(p.value)}`;
    if (p.kind === 'list-length') return `${p.path}: expected at least one run, at most 64`;
    const r = domainRange(p.node as Leaf);
    const got = r.type === 'number' || r.type === 'integer' || r.type === 'array' ? `, got ${JSON.stringify(p.value)}` : '';
    return `${p.path}: expected ${describeDomain(r)}${got}`;
  });
}

/** Rules between fields of one run that the shape cannot say. */
function crossFieldProblems(spec: ComparisonSpec['runs'][number], where: string): string[] {
  const r = spec.metrics.histogramRange;
  return r[0] < r[1] ? [] : [`${where}.metrics.histogramRange: expected [lo, hi] with lo < hi`];
}

/** Problems with one run spec ([] when fine). `where` prefixes the messages, e.g. "runs[1]". */
export function runSpecProblems(spec: unknown, where = 'spec'): string[] {
  const p = messages(keyProblems(RUN_DOMAIN, RunSpecFields, spec, where));
  return p.length ? p : crossFieldProblems(spec as ComparisonSpec['runs'][number], where);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Problems with a comparison ([] when fine): each run spec is well-formed, and all runs share dataset,
 * model, seed, steps and batch size (what makes the comparison fair).
 */
export function comparisonProblems(value: unknown): string[] {
  // Keys of the comparison itself read "comparison.kind"; the runs' read "runs[1].steps".
  const p = messages(keyProblems(COMPARISON_DOMAIN, ComparisonFields, value)).map((m) => (m.startsWith(':') ? `comparison${m}` : /^\w+:/.test(m) ? `comparison.${m}` : m));
  if (p.length) return p;
  const c = value as ComparisonSpec;
  c.runs.forEach((r, i) => p.push(...crossFieldProblems(r, `runs[${i}]`)));
  if (p.length) return p;
  const [first, ...rest] = c.runs;
  rest.forEach((r, i) => {
    for (const k of ['dataset', 'model', 'seed', 'steps', 'batchSize'] as const) {
      if (!same(r[k], first[k])) p.push(`runs[${i + 1}].${k} differs from runs[0].${k}: runs of a comparison must share it`);
    }
  });
  return p;
}
