// What every hand-written native step over ONE flat parameter variable needs (nativeCnn.ts,
// nativeTransformer.ts): the variable, its views as the model's tensors, the flat gradient, the op dispatch
// straight to the binding, and the temporaries of one call, disposed at its end.
//
// Why one module: the models differ in their maths, not in this plumbing, and each copy of it had to keep
// the same rules (views share the variable's buffer; the gradient's pieces are in the variable's order;
// every temporary is disposed even when a call throws).
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { flatParameterVariable, nativeBackend, type NativeBackend, type OpAttr } from './nativeOps';

/** Attributes every model's step uses (float32 maths, int32 shapes and axes). */
export function commonAttrs(b: NativeBackend, pieces: number) {
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_INT, TF_FLOAT, TF_INT32 } = b.binding;
  const type = (name: string, value: number): OpAttr => ({ name, type: TF_ATTR_TYPE, value });
  const bool = (name: string, value: boolean): OpAttr => ({ name, type: TF_ATTR_BOOL, value });
  const int = (name: string, value: number | number[]): OpAttr => ({ name, type: TF_ATTR_INT, value });
  const string = (name: string, value: string): OpAttr => ({ name, type: b.binding.TF_ATTR_STRING, value });
  const float: OpAttr[] = [type('T', TF_FLOAT)];
  const mm = (x: boolean, y: boolean): OpAttr[] => [...float, bool('transpose_a', x), bool('transpose_b', y)];
  const reduce = (keep: boolean): OpAttr[] => [...float, type('Tidx', TF_INT32), bool('keep_dims', keep)];
  return {
    helpers: { type, bool, int, string },
    float,
    mm: mm(false, false),
    mmTA: mm(true, false),
    mmTB: mm(false, true),
    mean: reduce(false),
    meanKeep: reduce(true),
    sum: reduce(false),
    sumKeep: reduce(true),
    reshape: [...float, type('Tshape', TF_INT32)],
    reshapeInt: [type('T', TF_INT32), type('Tshape', TF_INT32)],
    split: [...float, type('Tlen', TF_INT32), int('num_split', pieces)],
    concat: [...float, int('N', pieces), type('Tidx', TF_INT32)],
  };
}

export type CommonAttrs = ReturnType<typeof commonAttrs>;

export class FlatStep {
  readonly params: Variable;
  readonly b: NativeBackend;
  readonly a: CommonAttrs;
  /** Kept int32 scalar 0 (axis of SplitV, ConcatV2, Mean over the batch). */
  readonly axis0: Tensor;
  private readonly splitSizes: Tensor;
  private readonly viewShapes: (Tensor | null)[];
  private readonly flatShape: Tensor;
  /** Every temporary of the current call, disposed by release(). */
  private tmp: Tensor[] = [];

  /**
   * @param sizes entries of each parameter tensor, in the flat variable's order
   * @param viewShapes the shape each piece is viewed as (null: the 1-D piece itself)
   */
  constructor(
    readonly sizes: readonly number[],
    viewShapes: readonly (readonly number[] | null)[],
    initial: readonly Tensor[],
  ) {
    const b = nativeBackend();
    if (!b) throw new Error('a native step needs the native TensorFlow backend');
    this.b = b;
    this.a = commonAttrs(b, sizes.length);
    this.params = flatParameterVariable(initial);
    this.splitSizes = tf.keep(tf.tensor1d(sizes as number[], 'int32'));
    this.viewShapes = viewShapes.map((s) => (s ? tf.keep(tf.tensor1d(s as number[], 'int32')) : null));
    this.flatShape = tf.keep(tf.tensor1d([-1], 'int32'));
    this.axis0 = tf.keep(tf.scalar(0, 'int32'));
  }

  /** One op; its output is a temporary of this call. */
  op(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor {
    const t = this.b.executeSingleOutput(name, attrs, inputs);
    this.tmp.push(t);
    return t;
  }

  /** One op with several outputs, all temporaries of this call. */
  ops(name: string, attrs: OpAttr[], inputs: Tensor[], outputs: number): Tensor[] {
    const ts = this.b.executeMultipleOutputs(name, attrs, inputs, outputs);
    this.tmp.push(...ts);
    return ts;
  }

  /** One op whose output the caller owns (the loss, the gradient, predictions). */
  owned(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor {
    return this.b.executeSingleOutput(name, attrs, inputs);
  }

  /** Views of the parameters in the flat variable's order: SplitV (pieces share its buffer) + a Reshape per shaped piece. */
  views(): Tensor[] {
    const parts = this.ops('SplitV', this.a.split, [this.params, this.splitSizes, this.axis0], this.sizes.length);
    return parts.map((p, i) => {
      const shape = this.viewShapes[i];
      return shape ? this.op('Reshape', this.a.reshape, [p, shape]) : p;
    });
  }

  /** The gradient pieces (flat variable's order, any shapes) as one flat vector the caller owns. */
  flatGradient(pieces: readonly Tensor[]): Tensor {
    const flat = pieces.map((t) => (t.rank > 1 ? this.op('Reshape', this.a.reshape, [t, this.flatShape]) : t));
    return this.owned('ConcatV2', this.a.concat, [...flat, this.axis0]);
  }

  /** Disposes the temporaries of the current call. */
  release(): void {
    for (const t of this.tmp) t.dispose();
    this.tmp = [];
  }

  dispose(): void {
    this.release();
    tf.dispose([this.params, this.splitSizes, this.flatShape, this.axis0, ...this.viewShapes.filter((t): t is Tensor => t !== null)]);
  }
}

/** A model's native step over a FlatStep: what the engine reads of it (the variable, its pieces' sizes). */
export abstract class FlatStepModel {
  constructor(protected readonly f: FlatStep) {}

  get params(): Variable {
    return this.f.params;
  }

  get size(): number {
    return this.f.params.size;
  }

  get sizes(): readonly number[] {
    return this.f.sizes;
  }
}
