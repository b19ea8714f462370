// The optimizer part of a run spec: defaults, validation (errors name the field), resolution. No tfjs:
// the extension host's settings code may import this module (and types.ts, schedules.ts) directly.

import { validateSchedule, type SpecProblem } from './schedules';
import { OPTIMIZER_NAMES, type OptimizerName, type OptimizerSpec } from './types';

export type ResolvedOptimizerSpec = Required<Omit<OptimizerSpec, 'schedule'>> & Pick<OptimizerSpec, 'schedule'>;

/** Defaults per optimizer name (fields not listed: learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8, weightDecay 0). */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, Required<Omit<OptimizerSpec, 'name' | 'schedule'>>> = {
  radam: base(),
  adam: base(),
  adamw: { ...base(), weightDecay: 0.01, decoupledWeightDecay: true },
  'sgd-momentum': { ...base(), learningRate: 1e-2 },
  'adam-2k': base(),
  'adam-eps': { ...base(), epsilon: 1e-4 },
};

function base(): Required<Omit<OptimizerSpec, 'name' | 'schedule'>> {
  return {
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: 0,
    decoupledWeightDecay: false,
    rectificationThreshold: 5,
    degeneratedToSgd: true,
    k: 2000,
  };
}

/** Some fields of a defaults entry (an optimizer class's option table, src/optim/options.ts). */
export function pickDefaults<D extends object, K extends keyof D>(defaults: D, keys: readonly K[]): Pick<D, K> {
  return Object.fromEntries(keys.map((k) => [k, defaults[k]])) as Pick<D, K>;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Problems with an optimizer spec, each naming its field (empty when valid). */
export function validateOptimizerSpec(spec: unknown): SpecProblem[] {
  if (spec == null || typeof spec !== 'object') return [{ field: 'name', message: 'optimizer spec must be an object with a "name"' }];
  const s = spec as Record<string, unknown>;
  const out: SpecProblem[] = [];
  if (!OPTIMIZER_NAMES.includes(s.name as never)) {
    out.push({ field: 'name', message: `must be one of ${OPTIMIZER_NAMES.join(', ')}; got ${JSON.stringify(s.name)}` });
  }
  const check = (field: string, ok: (x: unknown) => boolean, what: string) => {
    if (s[field] !== undefined && !ok(s[field])) out.push({ field, message: `must be ${what}; got ${JSON.stringify(s[field])}` });
  };
  check('learningRate', (x) => finite(x) && x >= 0, 'a number >= 0');
  check('beta1', (x) => finite(x) && x >= 0 && x < 1, 'a number in [0, 1)');
  check('beta2', (x) => finite(x) && x >= 0 && x < 1, 'a number in [0, 1)');
  check('epsilon', (x) => finite(x) && x >= 0, 'a number >= 0');
  check('weightDecay', (x) => finite(x) && x >= 0, 'a number >= 0');
  check('decoupledWeightDecay', (x) => typeof x === 'boolean', 'true or false');
  check('rectificationThreshold', (x) => finite(x) && x >= 4, 'a number >= 4 (r_t is undefined below 4)');
  check('degeneratedToSgd', (x) => typeof x === 'boolean', 'true or false');
  check('k', (x) => Number.isInteger(x) && (x as number) >= 0, 'an integer >= 0');
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
