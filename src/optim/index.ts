// RAdam Lab's optimizer library (built on its own to dist/lib/optim.js, CommonJS, tfjs external).
//
//   const { RAdamOptimizer, createOptimizer, rectification, tf } = require('radam-lab/dist/lib/optim.js');
//   model.compile({ optimizer: new RAdamOptimizer({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
//
// `tf` is the tfjs namespace the library's tensors belong to (tfjs-node when it loads, else the pure-JS
// fallback; see backendInfo). Use it for your model so both live in the same engine.

export { tf, backendInfo } from '../tf';
export type { BackendInfo } from '../tf';

export { RAdamOptimizer, type RAdamOptions } from './radam';
export { AdamOptimizer, type AdamOptions } from './adam';
export { SgdMomentumOptimizer, type SgdMomentumOptions } from './sgd';
export { SlotOptimizer, type Slot } from './base';
export { ScheduledOptimizer, withSchedule, setLearningRate } from './scheduled';
export { createOptimizer } from './factory';
export { resolveOptimizerSpec, validateOptimizerSpec, OPTIMIZER_DEFAULTS, type ResolvedOptimizerSpec } from './spec';
export { rectification, rhoInf, rhoT, firstRectifiedStep, oneMinusPow, type Rectification } from '../shared/rectification';
export {
  linearWarmup,
  exponentialWarmup,
  untunedWarmupSteps,
  untunedExponentialWarmupSteps,
  linearDecay,
  cosineDecay,
  warmupLength,
  scheduleMultiplier,
  learningRateAt,
  makeSchedule,
  validateSchedule,
  assertValidSchedule,
  type SpecProblem,
} from './schedules';
export {
  OPTIMIZER_NAMES,
  SCHEDULE_KINDS,
  DECAY_KINDS,
  type OptimizerName,
  type OptimizerSpec,
  type ScheduleSpec,
  type ScheduleKind,
  type DecayKind,
  type StepInfo,
} from './types';
