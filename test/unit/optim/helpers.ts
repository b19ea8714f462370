// Shared by the optimizer tests: locating and reading the reference trajectories, replaying a case.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createOptimizer, tf, type OptimizerName, type OptimizerSpec, type SlotOptimizer } from '../../../src/optim';

export interface ReferenceStep {
  t: number;
  grads: Record<string, number[]>;
  params: Record<string, number[]>;
  rho_t?: number;
  r_t?: number | null;
  rectified?: boolean;
}

export interface ReferenceCase {
  name: string;
  optimizer: string;
  config: Record<string, unknown>;
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  rho_inf?: number;
  steps: ReferenceStep[];
}

export interface ReferenceFile {
  tolerance: { atol: number; rtol: number };
  cases: ReferenceCase[];
}

const REL = path.join('shared', 'reference', 'optimizer-trajectories.json');

/**
 * RADAM_REFERENCE if set; else the first `shared/reference/optimizer-trajectories.json` found walking up
 * from this file's directory and from the working directory (the repo sits beside `shared/`).
 */
export function referencePath(): string {
  const env = process.env.RADAM_REFERENCE;
  if (env) return path.resolve(env);
  const tried: string[] = [];
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      const p = path.join(dir, REL);
      tried.push(p);
      if (fs.existsSync(p)) return p;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`reference trajectories not found (set RADAM_REFERENCE); tried:\n  ${tried.join('\n  ')}`);
}

export function loadReference(): ReferenceFile {
  const file = JSON.parse(fs.readFileSync(referencePath(), 'utf8')) as ReferenceFile;
  if (!Array.isArray(file.cases) || file.cases.length === 0) throw new Error('reference file has no cases');
  return file;
}

/** Config keys of the reference format (and PyTorch spellings) -> OptimizerSpec fields. */
const CONFIG_ALIASES: Record<string, keyof OptimizerSpec> = {
  lr: 'learningRate',
  learningRate: 'learningRate',
  learning_rate: 'learningRate',
  beta1: 'beta1',
  beta2: 'beta2',
  epsilon: 'epsilon',
  eps: 'epsilon',
  weightDecay: 'weightDecay',
  weight_decay: 'weightDecay',
  decoupledWeightDecay: 'decoupledWeightDecay',
  decoupled_weight_decay: 'decoupledWeightDecay',
  rectificationThreshold: 'rectificationThreshold',
  threshold: 'rectificationThreshold',
  degeneratedToSgd: 'degeneratedToSgd',
  degenerated_to_sgd: 'degeneratedToSgd',
  k: 'k',
};

/** The OptimizerSpec a reference case describes. Unknown config fields fail loudly (never ignored). */
export function specOf(c: ReferenceCase): OptimizerSpec {
  const spec: Record<string, unknown> = { name: c.optimizer as OptimizerName };
  for (const [key, value] of Object.entries(c.config)) {
    if (key === 'betas' && Array.isArray(value)) {
      spec.beta1 = value[0];
      spec.beta2 = value[1];
      continue;
    }
    const field = CONFIG_ALIASES[key];
    if (field === undefined) throw new Error(`case ${c.name}: config field '${key}' is not understood by this test`);
    if (value !== null && value !== undefined) spec[field] = value;
  }
  return spec as unknown as OptimizerSpec;
}

let uid = 0;

/** Variables for a case, built from `init`, with unique names; returned in the case's shape order. */
export function makeVariables(c: ReferenceCase): Map<string, ReturnType<typeof tf.variable>> {
  const vars = new Map<string, ReturnType<typeof tf.variable>>();
  const id = ++uid;
  for (const [name, shape] of Object.entries(c.shapes)) {
    vars.set(name, tf.variable(tf.tensor(c.init[name], shape, 'float32'), true, `ref${id}/${c.name}/${name}`));
  }
  return vars;
}

export function close(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): string | null {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const tolerance = atol + rtol * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tolerance)) return `[${i}]: got ${got[i]}, want ${want[i]} (|diff| ${Math.abs(got[i] - want[i])} > ${tolerance})`;
  }
  return null;
}

/** Feed a case's gradients through `opt`; call `check(step, vars)` after each step. Disposes variables and opt. */
export function replay(
  c: ReferenceCase,
  opt: SlotOptimizer,
  check: (step: ReferenceStep, vars: Map<string, ReturnType<typeof tf.variable>>) => void,
): void {
  const vars = makeVariables(c);
  try {
    for (const step of c.steps) {
      const grads = Object.fromEntries(
        [...vars].map(([name, v]) => [v.name, tf.tensor(step.grads[name], c.shapes[name], 'float32')]),
      );
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
      check(step, vars);
    }
  } finally {
    opt.dispose();
    tf.dispose([...vars.values()]);
  }
}

export function createFor(c: ReferenceCase): SlotOptimizer {
  return createOptimizer(specOf(c));
}
