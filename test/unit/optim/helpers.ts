// Shared by the optimizer tests: locating and reading the reference trajectories, replaying a case.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createOptimizer, tf, type OptimizerSpec, type SlotOptimizer } from '../../../src/optim';

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

/** A case with the file it came from and that file's tolerance. */
export interface LoadedCase extends ReferenceCase {
  source: string;
  atol: number;
  rtol: number;
}

export interface ReferenceSet {
  /** The repository's own trajectories (always read; the tests need nothing outside the repository). */
  repoFile: string;
  /** Further files read: RADAM_REFERENCE, and a `shared/reference/` above the repository. */
  extraFiles: string[];
  cases: LoadedCase[];
}

const FIXTURE = path.join('test', 'fixtures', 'reference', 'optimizer-trajectories.json');
const SHARED = path.join('shared', 'reference', 'optimizer-trajectories.json');

/** The repository root: the first folder above this file (compiled to out/test/unit/optim/) holding the fixture. */
export function repoRoot(): string {
  let dir = path.resolve(__dirname);
  for (;;) {
    if (fs.existsSync(path.join(dir, FIXTURE)) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`repository root (with ${FIXTURE}) not found above ${__dirname}`);
    dir = up;
  }
}

/** The repository's reference file: test/fixtures/reference/optimizer-trajectories.json. */
export function repoReferencePath(): string {
  return path.join(repoRoot(), FIXTURE);
}

/**
 * Extra reference files, each read besides the repository's: every path in RADAM_REFERENCE (several
 * joined by the path delimiter; a missing one is an error), and the first `shared/reference/optimizer-trajectories.json`
 * found walking up from the repository's parent folder (a clone sits beside `shared/`), when there is one.
 */
export function extraReferencePaths(): string[] {
  const found: string[] = [];
  for (const p of (process.env.RADAM_REFERENCE ?? '').split(path.delimiter).filter((s) => s.trim() !== '')) {
    const abs = path.resolve(p);
    if (!fs.existsSync(abs)) throw new Error(`RADAM_REFERENCE names ${abs}, which does not exist`);
    found.push(abs);
  }
  let dir = path.dirname(repoRoot());
  for (;;) {
    const p = path.join(dir, SHARED);
    if (fs.existsSync(p)) {
      found.push(p);
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const seen = new Set<string>([fs.realpathSync(repoReferencePath())]);
  return found.filter((p) => {
    const real = fs.realpathSync(p);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

export function readReferenceFile(file: string): ReferenceFile {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ReferenceFile;
  if (!Array.isArray(parsed.cases) || parsed.cases.length === 0) throw new Error(`${file}: no cases`);
  const { atol, rtol } = parsed.tolerance ?? {};
  if (!Number.isFinite(atol) || !Number.isFinite(rtol)) throw new Error(`${file}: tolerance.atol/rtol missing`);
  return parsed;
}

/**
 * Every case of the repository's file, then the cases of the extra files that are not already there
 * (a case identical to one loaded is skipped; one that shares only its name is kept, its name marked
 * with the file it came from).
 */
export function loadReference(): ReferenceSet {
  const repoFile = repoReferencePath();
  const extraFiles = extraReferencePaths();
  const cases: LoadedCase[] = [];
  const byName = new Map<string, string[]>();
  for (const file of [repoFile, ...extraFiles]) {
    const ref = readReferenceFile(file);
    for (const c of ref.cases) {
      const body = JSON.stringify(c);
      const same = byName.get(c.name) ?? [];
      if (same.includes(body)) continue;
      const name = same.length ? `${c.name} (${file})` : c.name;
      same.push(body);
      byName.set(c.name, same);
      cases.push({ ...c, name, source: file, atol: ref.tolerance.atol, rtol: ref.tolerance.rtol });
    }
  }
  return { repoFile, extraFiles, cases };
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
  const spec: Record<string, unknown> = { name: c.optimizer };
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
