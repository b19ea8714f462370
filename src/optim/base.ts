// Shared machinery of this library's optimizers (RAdam, the Adam family, SGD with momentum):
//  - slots (moment tensors) created lazily per variable and keyed by variable NAME, so a model may add
//    variables later and the order of gradients does not matter (tfjs-core's optimizers key by position);
//  - a per-variable step count (as PyTorch's state['step']), so a variable added later gets its own bias
//    correction;
//  - getWeights / setWeights in tfjs's format ([iter, <var>/<slot>...]; reading them: slotWeights.ts),
//    getConfig / fromConfig by each class's option table (options.ts), dispose, schedules, lastStep;
//  - exponential moving averages kept in a SCALED form that saves two full passes per step
//    (scaledMoments.ts).

import type { NamedTensorMap, Optimizer, Scalar, serialization, Tensor, Variable } from '@tensorflow/tfjs';

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
export type NamedTensor = Parameters<Optimizer['setWeights']>[0][number];
import { tf } from '../tf';
import { renormalizeSlots, scaledEma } from './scaledMoments';
import { sameShape, slotsFromWeights } from './slotWeights';
import { ConstantScalars, StepScalars } from './scalars';
import { optionsFromConfig, optionsOf, type OptionTable } from './options';
import { learningRateAt } from './schedules';
import type { ScheduleSpec, StepInfo } from './types';

/**
 * One adaptive update theta <- theta - k * m_t / (sqrt(v_t) + e) with m_t = beta1 m + (1 - beta1) g and
 * v_t = beta2 v + (1 - beta2) g^2 on the true moments: what TensorFlow's ResourceApplyAdam computes (given
 * learning rate k and beta powers 0, its step size is exactly k).
 */
export interface FusedAdamUpdate {
  k: number;
  e: number;
  beta1: number;
  beta2: number;
  /** lastStep after this update. */
  info: StepInfo;
}

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

  /**
   * This optimizer's options with their defaults (options.ts): what the constructor fills in, getConfig
   * saves and fromConfig restores. Each subclass declares its own.
   */
  static readonly options: OptionTable = {};

  constructor(opts: BaseOptions) {
    super();
    this.learningRate = opts.learningRate ?? (new.target.options.learningRate as number);
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

  /** Info to report when a call had no gradient at all (RAdam adds its rho_t and r_t). */
  protected idleInfo(t: number, lr: number): StepInfo {
    return { step: t, learningRate: lr, rhoT: null, rT: null, rectified: null, effectiveStepSize: 0, paramsUpdated: false };
  }

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

  // ---- Fused updates (src/trainer/fusedUpdate.ts) ----
  // Where a step's update is Adam's adaptive form on the true moments, TensorFlow's ResourceApplyAdam
  // kernel does it in ONE pass over the parameters inside the training graph, instead of the ~10
  // elementwise ops of updateVariable (each a pass over memory, and at 2 intra-op threads each a hand-off
  // to the thread pool: ~1.7 ms against ~0.5 ms for 269k parameters here). The optimizer still decides
  // every number (plan), and keeps its step counts and lastStep (commit); the moments live in the graph's
  // variables meanwhile and come back through restoreMoments.

  /**
   * The next update of `param` if TensorFlow's fused Adam kernel can do it, else null (the optimizer's
   * own ops must): k and e of theta <- theta - k * m_t / (sqrt(v_t) + e) on the true moments, computed in
   * float64 as updateVariable does. Changes nothing.
   */
  planFusedUpdate(param: Variable): FusedAdamUpdate | null {
    if (this.slotKinds[0] !== 'm' || this.slotKinds[1] !== 'v') return null; // the kernel keeps exactly m and v
    return this.fusedUpdate(this.slotFor(param).step + 1, this.learningRateAt(this.iterations + 1));
  }

  /** What planFusedUpdate returns for step t at learning rate lr (null: not of the fused form). */
  protected fusedUpdate(_t: number, _lr: number): FusedAdamUpdate | null {
    return null;
  }

  /** Records `update` as applied by the fused kernel: the step counts and lastStep advance as applyGradients' would. */
  commitFusedUpdate(param: Variable, update: FusedAdamUpdate): void {
    this.slotFor(param).step = update.info.step;
    this.incrementIterations();
    this.lastStep = update.info;
  }

  /** The true m and v of `param` (renormalised to scale 1), for the fused kernel's variables to start from. */
  trueMoments(param: Variable): Variable[] {
    const slot = this.slotFor(param);
    renormalizeSlots([slot]);
    return slot.tensors;
  }

  /** Takes back the true moments of `param` the fused kernel updated (each is copied; the caller keeps its tensors). */
  restoreMoments(param: Variable, moments: readonly Tensor[]): void {
    const slot = this.slotFor(param);
    slot.tensors.forEach((t, i) => {
      t.assign(moments[i]);
      slot.scales[i] = 1;
    });
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

  /** Exponential moving average of `x` into slot tensor `i`, in scaled form (scaledMoments.ts). */
  protected ema(slot: Slot, i: number, beta: number, x: Tensor, sc: StepScalars): void {
    scaledEma(slot, i, beta, x, sc, this.consts);
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
    renormalizeSlots(this.slotList);
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
    const restored = await slotsFromWeights(rest, this.slotKinds, this.iterations, this.getClassName());
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

  /** The options table of this object's class. */
  private get optionTable(): OptionTable {
    return (this.constructor as typeof SlotOptimizer).options;
  }

  /** The options (by the class's table) and the schedule, as JSON. */
  override getConfig(): serialization.ConfigDict {
    const schedule = this.schedule == null ? null : cleanSchedule(this.schedule);
    return { ...optionsOf(this.optionTable, this), schedule };
  }

  /** An optimizer of class `cls` from a config getConfig wrote (absent fields take the table's defaults). @nocollapse */
  static override fromConfig<T extends serialization.Serializable>(cls: serialization.SerializableConstructor<T>, config: serialization.ConfigDict): T {
    const c = config as Record<string, unknown>;
    const table = (cls as unknown as typeof SlotOptimizer).options;
    return new (cls as unknown as new (o: BaseOptions) => T)({ ...optionsFromConfig(table, c), schedule: (c.schedule ?? null) as ScheduleSpec | null });
  }
}

/** The schedule spec without undefined fields (configs are JSON). */
function cleanSchedule(s: ScheduleSpec): ScheduleSpec {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as ScheduleSpec;
}
