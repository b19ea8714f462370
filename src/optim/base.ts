// Shared machinery of this library's optimizers (RAdam, the Adam family, SGD with momentum):
//  - slots (moment tensors) created lazily per variable and keyed by variable NAME, so a model may add
//    variables later and the order of gradients does not matter (tfjs-core's optimizers key by position);
//  - a per-variable step count (as PyTorch's state['step']), so a variable added later gets its own bias
//    correction;
//  - getWeights / setWeights in tfjs's format ([iter, <var>/<slot>...]), dispose, schedules, lastStep;
//  - exponential moving averages kept in a SCALED form that saves two full passes per step (below).
//
// Scaled moving averages. The textbook update m <- beta m + (1 - beta) x costs three elementwise ops
// (mul, mul, add). We store M = m / c instead, where the scale c (a float64 JS number per slot) is
// multiplied by beta every step; then m_t = beta m + (1 - beta) x becomes
//     M <- M + ((1 - beta) / c_t) x,   c_t = beta c_{t-1}
// i.e. two ops (mul, add), and the scale is folded into the per-step scalars of the parameter update,
// which multiply the moments anyway. When c falls below 2^-30 the slot is renormalised (M <- c M, c <- 1:
// one extra pass every ~200 steps for beta = 0.9, every ~21000 for 0.999). getWeights renormalises first,
// so saved moments are always the true m and v. Betas <= 0.5 (where this would renormalise too often)
// use the textbook form.

import type { NamedTensorMap, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs';

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
export type NamedTensor = Parameters<Optimizer['setWeights']>[0][number];
import { tf } from '../tf';
import { accumulate, blend } from './kernels';
import { ConstantScalars, StepScalars } from './scalars';
import { learningRateAt } from './schedules';
import type { ScheduleSpec, StepInfo } from './types';

/** Below this scale a scaled moment is renormalised before its next update. */
const MIN_SCALE = 2 ** -30;
/** Betas at or below this use the textbook (unscaled) moving average. */
const SCALED_MIN_BETA = 0.5;

/** Optimizer state of one variable. */
export interface Slot {
  /** The variable's name (the name it was saved under until a variable claims it). */
  name: string;
  shape: number[];
  /** Updates applied to this variable so far. */
  step: number;
  /** One tensor per slot kind (e.g. m, v), each storing true / scale. */
  tensors: Variable[];
  /** Scale per tensor: true value = scale * stored. */
  scales: number[];
  /** Whether a live variable uses this slot (false for restored slots not yet matched to a variable). */
  claimed: boolean;
}

export interface BaseOptions {
  learningRate?: number;
  schedule?: ScheduleSpec | null;
}

type ApplyInput = NamedTensorMap | NamedTensor[];

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const stripUniqueSuffix = (name: string) => name.replace(/_\d+$/, '');

export abstract class SlotOptimizer extends tf.Optimizer {
  /** Base learning rate; may be changed at any time (the schedule multiplies it). */
  learningRate: number;
  schedule: ScheduleSpec | null;
  /** What the latest applyGradients did (null before the first step). */
  lastStep: StepInfo | null = null;

  /** Slot kinds, in the order their tensors are saved (e.g. ['m', 'v']). */
  protected abstract readonly slotKinds: readonly string[];

  /** All slots, claimed or not, in save order. */
  protected slotList: Slot[] = [];
  /** Claimed slots by the name of the variable using them. */
  protected slots = new Map<string, Slot>();
  protected readonly consts = new ConstantScalars();
  /** Scalars handed out by getWeights (kept until the next getWeights or dispose). */
  private weightScalars: Tensor[] = [];

  constructor(opts: BaseOptions) {
    super();
    this.learningRate = opts.learningRate ?? 1e-3;
    this.schedule = opts.schedule ?? null;
    if (!(Number.isFinite(this.learningRate) && this.learningRate >= 0)) {
      throw new RangeError(`learningRate must be a finite number >= 0, got ${this.learningRate}`);
    }
  }

  /** beta2 used by the untuned warmup schedules. */
  protected scheduleBeta2(): number {
    return 0.999;
  }

  /** Set the base learning rate (same as assigning `learningRate`). */
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /** The learning rate the schedule gives for the (1-based) step t. */
  learningRateAt(t: number): number {
    return learningRateAt(this.schedule, this.learningRate, t, this.scheduleBeta2());
  }

  /**
   * Update one variable. Called inside the step's tidy with the slot of `param`; must advance slot.step.
   * Returns what it did, for `lastStep`.
   */
  protected abstract updateVariable(param: Variable, grad: Tensor, slot: Slot, lr: number, sc: StepScalars): StepInfo;

  /** Info to report when a call had no gradient at all. */
  protected abstract idleInfo(t: number, lr: number): StepInfo;

  override applyGradients(variableGradients: ApplyInput): void {
    const entries: Array<[string, Tensor | null | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    const t = this.iterations + 1;
    const lr = this.learningRateAt(t);
    let info: StepInfo | null = null;
    const registered = tf.engine().registeredVariables;
    tf.tidy(() => {
      const sc = new StepScalars();
      for (const [name, grad] of entries) {
        if (grad == null) continue;
        const param = registered[name];
        if (param == null) throw new Error(`applyGradients: no variable named '${name}' is registered`);
        if (!sameShape(param.shape, grad.shape)) {
          throw new Error(`applyGradients: gradient of '${name}' has shape [${grad.shape}], variable has [${param.shape}]`);
        }
        const r = this.updateVariable(param, grad, this.slotFor(param), lr, sc);
        if (info === null || r.step > info.step) info = r;
      }
    });
    this.incrementIterations();
    this.lastStep = info ?? this.idleInfo(t, lr);
  }

  /** The slot of a variable, claiming a restored one or creating zeros on first use. */
  protected slotFor(param: Variable): Slot {
    const existing = this.slots.get(param.name);
    if (existing !== undefined) {
      if (!sameShape(existing.shape, param.shape)) {
        throw new Error(
          `${this.getClassName()}: state for variable '${param.name}' has shape [${existing.shape}] but the variable ` +
            `now has [${param.shape}] (a different variable under the same name?)`,
        );
      }
      return existing;
    }
    const slot = this.claimRestored(param) ?? this.newSlot(param);
    slot.name = param.name;
    slot.claimed = true;
    this.slots.set(param.name, slot);
    return slot;
  }

  private newSlot(param: Variable): Slot {
    const tensors = this.slotKinds.map(() => tf.tidy(() => tf.zerosLike(param).variable(false)));
    const slot: Slot = {
      name: param.name,
      shape: param.shape.slice(),
      step: 0,
      tensors,
      scales: tensors.map(() => 1),
      claimed: false,
    };
    this.slotList.push(slot);
    return slot;
  }

  /**
   * A slot restored by setWeights for this variable: saved under the same name; else under the same name
   * up to a `_<n>` suffix (tfjs-layers renames variables when a model is loaded into a process that still
   * holds the original); else the first unclaimed one of the same shape, in saved order (variables are
   * applied in the model's weight order, which is also the saved order).
   */
  private claimRestored(param: Variable): Slot | undefined {
    const free = this.slotList.filter((s) => !s.claimed && sameShape(s.shape, param.shape));
    return (
      free.find((s) => s.name === param.name) ??
      free.find((s) => stripUniqueSuffix(s.name) === stripUniqueSuffix(param.name)) ??
      free[0]
    );
  }

  /**
   * Exponential moving average of `x` into slot tensor `i`: true <- beta * true + (1 - beta) * x, kept in
   * scaled form (see the top of this file).
   */
  protected ema(slot: Slot, i: number, beta: number, x: Tensor, sc: StepScalars): void {
    const stored = slot.tensors[i];
    if (beta <= SCALED_MIN_BETA) {
      blend(stored, this.consts.get(`beta:${beta}`, beta), x, this.consts.get(`1-beta:${beta}`, 1 - beta));
      return;
    }
    let scale = slot.scales[i];
    if (scale * beta < MIN_SCALE) {
      const normal = tf.mul(stored, sc.get(scale));
      stored.assign(normal);
      normal.dispose();
      scale = 1;
    }
    scale *= beta;
    slot.scales[i] = scale;
    accumulate(stored, x, sc.get((1 - beta) / scale));
  }

  /** Make every slot tensor hold its true value (scale 1). */
  protected renormalize(): void {
    tf.tidy(() => {
      for (const slot of this.slotList) {
        slot.scales.forEach((scale, i) => {
          if (scale !== 1) {
            slot.tensors[i].assign(tf.mul(slot.tensors[i], tf.scalar(scale)));
            slot.scales[i] = 1;
          }
        });
      }
    });
  }

  /** A cached float32 scalar for a value that rarely changes. */
  protected constant(role: string, value: number): Scalar {
    return this.consts.get(role, value);
  }

  /**
   * [iter, <var>/<kind> for each kind and slot..., <var>/step for slots whose step differs from iter].
   * The slot tensors are the optimizer's own variables (as tfjs-core's optimizers do); the scalars stay
   * valid until the next getWeights call.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.renormalize();
    tf.dispose(this.weightScalars);
    const iter = tf.keep(tf.scalar(this.iterations, 'int32'));
    this.weightScalars = [iter];
    const out: NamedTensor[] = [{ name: 'iter', tensor: iter }];
    this.slotKinds.forEach((kind, i) => {
      for (const s of this.slotList) out.push({ name: `${s.name}/${kind}`, tensor: s.tensors[i] });
    });
    for (const s of this.slotList) {
      if (s.step !== this.iterations) {
        const step = tf.keep(tf.scalar(s.step, 'int32'));
        this.weightScalars.push(step);
        out.push({ name: `${s.name}/step`, tensor: step });
      }
    }
    return out;
  }

  /** Restore what getWeights returned (also accepts tfjs-core Adam's [iter, <var>/m..., <var>/v...]). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const byName = new Map<string, { tensors: (Tensor | undefined)[]; step?: number }>();
    const entry = (name: string) => {
      let e = byName.get(name);
      if (e === undefined) {
        e = { tensors: this.slotKinds.map(() => undefined) };
        byName.set(name, e);
      }
      return e;
    };
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf('/');
      if (cut <= 0) throw new Error(`setWeights: unexpected weight name '${name}'`);
      const varName = name.slice(0, cut);
      const kind = name.slice(cut + 1);
      if (kind === 'step') {
        entry(varName).step = (await tensor.data())[0];
        continue;
      }
      const i = this.slotKinds.indexOf(kind);
      if (i < 0) throw new Error(`setWeights: '${name}' is not a slot of ${this.getClassName()} (${this.slotKinds.join(', ')})`);
      entry(varName).tensors[i] = tensor;
    }
    const restored: Slot[] = [];
    for (const [name, e] of byName) {
      const missing = this.slotKinds.filter((_, i) => e.tensors[i] === undefined);
      if (missing.length) throw new Error(`setWeights: '${name}' lacks ${missing.map((k) => `${name}/${k}`).join(', ')}`);
      const tensors = e.tensors as Tensor[];
      const shape = tensors[0].shape;
      if (!tensors.every((x) => sameShape(x.shape, shape))) throw new Error(`setWeights: slots of '${name}' differ in shape`);
      restored.push({
        name,
        shape: shape.slice(),
        step: e.step ?? this.iterations,
        // A variable made from a tensor shares its data (reference counted): the caller may dispose theirs.
        tensors: tensors.map((x) => tf.tidy(() => tf.cast(x, 'float32').variable(false))),
        scales: tensors.map(() => 1),
        claimed: false,
      });
    }
    this.disposeSlots();
    this.slotList = restored;
  }

  private disposeSlots(): void {
    for (const s of this.slotList) tf.dispose(s.tensors);
    this.slotList = [];
    this.slots.clear();
  }

  override dispose(): void {
    this.disposeSlots();
    this.consts.dispose();
    tf.dispose(this.weightScalars);
    this.weightScalars = [];
    super.dispose();
  }

  /** Number of variables with optimizer state. */
  get slotCount(): number {
    return this.slotList.length;
  }

  /**
   * The true (unscaled) state of one variable's slots, as new tensors the caller must dispose.
   * For tests and charts; not needed for training.
   */
  readSlots(variableName: string): Record<string, Tensor> | undefined {
    const slot = this.slots.get(variableName);
    if (slot === undefined) return undefined;
    const out: Record<string, Tensor> = {};
    this.slotKinds.forEach((kind, i) => {
      out[kind] = tf.tidy(() => tf.mul(slot.tensors[i], tf.scalar(slot.scales[i])));
    });
    return out;
  }

  /** Per-variable step count (undefined for a variable without state). */
  stepOf(variableName: string): number | undefined {
    return this.slots.get(variableName)?.step;
  }

  /** Config fields common to all optimizers here. */
  protected baseConfig(): { learningRate: number; schedule: ScheduleSpec | null } {
    return { learningRate: this.learningRate, schedule: this.schedule == null ? null : cleanSchedule(this.schedule) };
  }
}

/** The schedule spec without undefined fields (configs are JSON). */
function cleanSchedule(s: ScheduleSpec): ScheduleSpec {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as ScheduleSpec;
}

/** Read a number field of a config, with a default for absent/null. */
export function num(config: Record<string, unknown>, key: string, dflt: number): number {
  const v = config[key];
  return v == null ? dflt : (v as number);
}

export function bool(config: Record<string, unknown>, key: string, dflt: boolean): boolean {
  const v = config[key];
  return v == null ? dflt : Boolean(v);
}
