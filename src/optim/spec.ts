// The optimizer part of a run spec: defaults, validation (errors name the field), resolution. The fields,
// their defaults and the values the math accepts are declared once in src/runSpec/schema.ts
// (`OptimizerFields`, each field's `domain`; the per-name differences in `OPTIMIZER_NAME_DEFAULTS`).
// No tfjs: the extension host's settings code may import this module (and types.ts, schedules.ts) directly.
import { describeDomain, domainRange, domainSchema, keyProblems, type Leaf } from '../runSpec/fields';
import { OptimizerFields, optimizerDefault } from '../runSpec/schema';
import { validateSchedule, type SpecProblem } from './schedules';
import { OPTIMIZER_NAMES, type OptimizerName, type OptimizerSpec } from './types';

export type ResolvedOptimizerSpec = Required<Omit<OptimizerSpec, 'schedule'>> & Pick<OptimizerSpec, 'schedule'>;
type Defaults = Required<Omit<OptimizerSpec, 'name' | 'schedule'>>;

const DEFAULTED = Object.keys(OptimizerFields.fields).filter((k) => k !== 'name' && k !== 'schedule') as Array<keyof Defaults>;

/** Defaults per optimizer name: the declared defaults with each name's differences (schema.ts). */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, Defaults> = Object.fromEntries(
  OPTIMIZER_NAMES.map((name) => [name, Object.fromEntries(DEFAULTED.map((k) => [k, optimizerDefault(name, k)]))]),
) as Record<OptimizerName, Defaults>;

const OPTIMIZER_DOMAIN = domainSchema(OptimizerFields);

/** Some fields of a defaults entry (an optimizer class's option table, src/optim/options.ts). */
export function pickDefaults<D extends object, K extends keyof D>(defaults: D, keys: readonly K[]): Pick<D, K> {
  return Object.fromEntries(keys.map((k) => [k, defaults[k]])) as Pick<D, K>;
}

/** Problems with an optimizer spec, each naming its field (empty when valid). */
export function validateOptimizerSpec(spec: unknown): SpecProblem[] {
  if (spec == null || typeof spec !== 'object' || Array.isArray(spec)) return [{ field: 'name', message: 'optimizer spec must be an object with a "name"' }];
  const s = spec as Record<string, unknown>;
  const out: SpecProblem[] = [];
  for (const p of keyProblems(OPTIMIZER_DOMAIN, OptimizerFields, spec)) {
    if (p.path === 'schedule' || p.path.startsWith('schedule.')) continue; // validateSchedule's, below
    if (p.kind === 'unknown-key') out.push({ field: p.path, message: `unknown key (known here: ${Object.keys(OptimizerFields.fields).join(', ')})` });
    else {
      const leaf = p.node as Leaf;
      const why = leaf.doc.domainWhy ? ` (${leaf.doc.domainWhy})` : '';
      out.push({ field: p.path, message: `must be ${describeDomain(domainRange(leaf))}${why}; got ${JSON.stringify(p.value)}` });
    }
  }
  if (s.name === 'adamw' && s.decoupledWeightDecay === false) {
    out.push({ field: 'decoupledWeightDecay', message: 'adamw is Adam with decoupled weight decay; it cannot be false (use adam for L2)' });
  }
  if (s.schedule != null) out.push(...validateSchedule(s.schedule, 'schedule'));
  return out;
}

/** The spec with every default filled in (what createOptimizer uses; handy to record in a run). */
export function resolveOptimizerSpec(spec: OptimizerSpec): ResolvedOptimizerSpec {
  const problems = validateOptimizerSpec(spec);
  if (problems.length) throw new Error(`invalid optimizer spec: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  const d = OPTIMIZER_DEFAULTS[spec.name];
  const pick = <K extends keyof typeof d>(k: K) => (spec[k] ?? d[k]) as (typeof d)[K];
  return {
    name: spec.name,
    learningRate: pick('learningRate'),
    beta1: pick('beta1'),
    beta2: pick('beta2'),
    epsilon: pick('epsilon'),
    weightDecay: pick('weightDecay'),
    decoupledWeightDecay: spec.name === 'adamw' ? true : pick('decoupledWeightDecay'),
    rectificationThreshold: pick('rectificationThreshold'),
    degeneratedToSgd: pick('degeneratedToSgd'),
    k: pick('k'),
    schedule: spec.schedule,
  };
}
