// Structural checks of a ComparisonSpec that both ends can run: the extension host before it forks a
// trainer (fail fast, with a message), the trainer and the CLI on receipt (never trust a message or file).
// Deeper checks (optimizer fields, schedules, model fits dataset) live with their owners and run when
// the optimizer / model is built.
import type { ComparisonSpec, RunSpec } from './runSpec';

const KINDS = ['single', 'compare-adam', 'compare-warmup', 'lr-sweep'];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Problems with one run spec ([] when fine). `where` prefixes the messages, e.g. "runs[1]". */
export function runSpecProblems(spec: unknown, where = 'spec'): string[] {
  if (!isObj(spec)) return [`${where}: expected an object`];
  const p: string[] = [];
  const s = spec as Partial<RunSpec>;
  if (typeof s.label !== 'string') p.push(`${where}.label: expected a string`);
  if (!isObj(s.optimizer) || typeof s.optimizer.name !== 'string') p.push(`${where}.optimizer.name: expected a string`);
  if (!isObj(s.dataset) || typeof s.dataset.name !== 'string') p.push(`${where}.dataset.name: expected a string`);
  else if (typeof s.dataset.validationSplit !== 'number') p.push(`${where}.dataset.validationSplit: expected a number in [0, 0.9]`);
  if (!isObj(s.model) || typeof s.model.name !== 'string') p.push(`${where}.model.name: expected a string`);
  else {
    if (!Array.isArray(s.model.hiddenLayers)) p.push(`${where}.model.hiddenLayers: expected an array of layer sizes`);
    // Transformer sizes are optional; when present they must be plain JSON of the right kind (ranges: the model's check).
    for (const k of ['layers', 'dModel', 'heads', 'ffDim'] as const) {
      const v = s.model[k];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1)) p.push(`${where}.model.${k}: expected an integer >= 1, got ${JSON.stringify(v)}`);
    }
    if (s.model.norm !== undefined && s.model.norm !== 'post' && s.model.norm !== 'pre') p.push(`${where}.model.norm: expected "post" or "pre"`);
    if (s.model.causal !== undefined && typeof s.model.causal !== 'boolean') p.push(`${where}.model.causal: expected true or false`);
  }
  if (!(Number.isInteger(s.steps) && (s.steps as number) >= 1)) p.push(`${where}.steps: expected an integer >= 1, got ${JSON.stringify(s.steps)}`);
  if (!(Number.isInteger(s.batchSize) && (s.batchSize as number) >= 1)) {
    p.push(`${where}.batchSize: expected an integer >= 1, got ${JSON.stringify(s.batchSize)}`);
  }
  if (!(typeof s.seed === 'number' && Number.isFinite(s.seed))) p.push(`${where}.seed: expected a finite number`);
  const m = s.metrics;
  if (!isObj(m)) p.push(`${where}.metrics: expected an object`);
  else {
    for (const k of ['histogramEvery', 'histogramBins', 'validationEvery'] as const) {
      if (!(Number.isInteger(m[k]) && m[k] >= 0)) p.push(`${where}.metrics.${k}: expected an integer >= 0`);
    }
    if (m.normsEvery !== undefined && !(Number.isInteger(m.normsEvery) && m.normsEvery >= 0)) {
      p.push(`${where}.metrics.normsEvery: expected an integer >= 0`);
    }
    if (m.histogramEvery && !(m.histogramBins >= 1)) p.push(`${where}.metrics.histogramBins: expected an integer >= 1`);
    const r = m.histogramRange;
    if (!(Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[0] < r[1])) {
      p.push(`${where}.metrics.histogramRange: expected [lo, hi] with lo < hi`);
    }
    if (typeof m.perLayerHistograms !== 'boolean') p.push(`${where}.metrics.perLayerHistograms: expected true or false`);
  }
  return p;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Problems with a comparison ([] when fine): each run spec is well-formed, and all runs share dataset,
 * model, seed, steps and batch size (what makes the comparison fair).
 */
export function comparisonProblems(value: unknown): string[] {
  if (!isObj(value)) return ['comparison: expected an object'];
  const c = value as Partial<ComparisonSpec>;
  const p: string[] = [];
  if (typeof c.kind !== 'string' || !KINDS.includes(c.kind)) p.push(`comparison.kind: expected one of ${KINDS.join(', ')}`);
  if (!Array.isArray(c.runs) || c.runs.length === 0) return [...p, 'comparison.runs: expected at least one run'];
  c.runs.forEach((r, i) => p.push(...runSpecProblems(r, `runs[${i}]`)));
  if (p.length) return p;
  const [first, ...rest] = c.runs;
  rest.forEach((r, i) => {
    for (const k of ['dataset', 'model', 'seed', 'steps', 'batchSize'] as const) {
      if (!same(r[k], first[k])) p.push(`runs[${i + 1}].${k} differs from runs[0].${k}: runs of a comparison must share it`);
    }
  });
  return p;
}
