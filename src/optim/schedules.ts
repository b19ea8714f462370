// Learning-rate schedules as pure functions of the 1-based step t. No tfjs here.
// Any optimizer can follow one: ours take `schedule` as an option; for others (tf.train.*), wrap them
// with `withSchedule` (scheduled.ts), which sets the learning rate before each applyGradients.

import { DECAY_KINDS, SCHEDULE_KINDS, type ScheduleSpec } from './types';

/** lr multiplier of a linear warmup over w steps: min(1, t / w). */
export function linearWarmup(t: number, w: number): number {
  return Math.min(1, t / w);
}

/** lr multiplier of an exponential warmup with time constant w: 1 - exp(-t / w). */
export function exponentialWarmup(t: number, w: number): number {
  return -Math.expm1(-t / w);
}

/** Warmup length of Ma & Yarats' untuned linear warmup: 2 / (1 - beta2) (2000 for beta2 = 0.999). */
export function untunedWarmupSteps(beta2: number): number {
  return 2 / (1 - beta2);
}

/** Time constant of Ma & Yarats' untuned exponential warmup: 1 / (1 - beta2). */
export function untunedExponentialWarmupSteps(beta2: number): number {
  return 1 / (1 - beta2);
}

/** Linear decay from 1 (at step `start`) to `finalScale` (at `start + steps`), constant afterwards. */
export function linearDecay(t: number, start: number, steps: number, finalScale = 0): number {
  const p = Math.min(1, Math.max(0, (t - start) / steps));
  return 1 - (1 - finalScale) * p;
}

/** Half-cosine decay from 1 (at step `start`) to `finalScale` (at `start + steps`), constant afterwards. */
export function cosineDecay(t: number, start: number, steps: number, finalScale = 0): number {
  const p = Math.min(1, Math.max(0, (t - start) / steps));
  return finalScale + (1 - finalScale) * 0.5 * (1 + Math.cos(Math.PI * p));
}

/** The warmup length the schedule implies (0 for constant). */
export function warmupLength(spec: ScheduleSpec, beta2 = 0.999): number {
  switch (spec.kind) {
    case 'constant':
      return 0;
    case 'linear-warmup':
    case 'exponential-warmup':
      return spec.warmupSteps as number;
    case 'untuned-warmup':
      return untunedWarmupSteps(beta2);
    case 'untuned-exponential-warmup':
      return untunedExponentialWarmupSteps(beta2);
  }
}

/** The learning-rate multiplier at step t (1-based). `beta2` is used by the untuned warmups only. */
export function scheduleMultiplier(spec: ScheduleSpec | null | undefined, t: number, beta2 = 0.999): number {
  if (spec == null) return 1;
  let warm: number;
  switch (spec.kind) {
    case 'constant':
      warm = 1;
      break;
    case 'linear-warmup':
      warm = linearWarmup(t, spec.warmupSteps as number);
      break;
    case 'exponential-warmup':
      warm = exponentialWarmup(t, spec.warmupSteps as number);
      break;
    case 'untuned-warmup':
      warm = linearWarmup(t, untunedWarmupSteps(beta2));
      break;
    case 'untuned-exponential-warmup':
      warm = exponentialWarmup(t, untunedExponentialWarmupSteps(beta2));
      break;
    default:
      throw new Error(`unknown schedule kind '${(spec as { kind: string }).kind}'`);
  }
  const decay = spec.decay ?? 'none';
  if (decay === 'none') return warm;
  const start = spec.decayStart ?? warmupLength(spec, beta2);
  const steps = spec.decaySteps as number;
  const fin = spec.finalScale ?? 0;
  return warm * (decay === 'linear' ? linearDecay(t, start, steps, fin) : cosineDecay(t, start, steps, fin));
}

/** The learning rate at step t: baseLr * scheduleMultiplier(spec, t, beta2). */
export function learningRateAt(spec: ScheduleSpec | null | undefined, baseLr: number, t: number, beta2 = 0.999): number {
  return baseLr * scheduleMultiplier(spec, t, beta2);
}

/** A function of the step for a fixed base learning rate. */
export function makeSchedule(spec: ScheduleSpec | null | undefined, baseLr: number, beta2 = 0.999): (t: number) => number {
  if (spec != null) assertValidSchedule(spec);
  return (t) => learningRateAt(spec, baseLr, t, beta2);
}

export interface SpecProblem {
  /** The offending field, e.g. 'schedule.warmupSteps'. */
  field: string;
  message: string;
}

const isPos = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** Problems with a schedule spec (empty when valid). `prefix` is prepended to field names. */
export function validateSchedule(spec: unknown, prefix = 'schedule'): SpecProblem[] {
  const out: SpecProblem[] = [];
  if (spec == null || typeof spec !== 'object') {
    return [{ field: prefix, message: 'must be an object with a "kind"' }];
  }
  const s = spec as Record<string, unknown>;
  if (!SCHEDULE_KINDS.includes(s.kind as never)) {
    out.push({ field: `${prefix}.kind`, message: `must be one of ${SCHEDULE_KINDS.join(', ')}; got ${JSON.stringify(s.kind)}` });
  }
  if ((s.kind === 'linear-warmup' || s.kind === 'exponential-warmup') && !isPos(s.warmupSteps)) {
    out.push({ field: `${prefix}.warmupSteps`, message: `must be a number > 0 for ${s.kind}; got ${JSON.stringify(s.warmupSteps)}` });
  } else if (s.warmupSteps !== undefined && !isPos(s.warmupSteps)) {
    out.push({ field: `${prefix}.warmupSteps`, message: `must be a number > 0; got ${JSON.stringify(s.warmupSteps)}` });
  }
  const decay = s.decay ?? 'none';
  if (!DECAY_KINDS.includes(decay as never)) {
    out.push({ field: `${prefix}.decay`, message: `must be one of ${DECAY_KINDS.join(', ')}; got ${JSON.stringify(s.decay)}` });
  }
  if ((decay === 'linear' || decay === 'cosine') && !isPos(s.decaySteps)) {
    out.push({ field: `${prefix}.decaySteps`, message: `must be a number > 0 when decay is ${decay}; got ${JSON.stringify(s.decaySteps)}` });
  }
  if (s.decayStart !== undefined && !(typeof s.decayStart === 'number' && Number.isFinite(s.decayStart) && s.decayStart >= 0)) {
    out.push({ field: `${prefix}.decayStart`, message: `must be a number >= 0; got ${JSON.stringify(s.decayStart)}` });
  }
  if (s.finalScale !== undefined && !(typeof s.finalScale === 'number' && s.finalScale >= 0 && s.finalScale <= 1)) {
    out.push({ field: `${prefix}.finalScale`, message: `must be a number in [0, 1]; got ${JSON.stringify(s.finalScale)}` });
  }
  return out;
}

export function assertValidSchedule(spec: unknown): asserts spec is ScheduleSpec {
  const problems = validateSchedule(spec);
  if (problems.length) throw new Error(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
}
