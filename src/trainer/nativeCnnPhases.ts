// The cnn's first convolution and its 2x2 max pooling (stride 1, VALID, an odd kernel over an even-sized
// image) computed by phases: the same numbers as Conv2D + MaxPool, in kernels TensorFlow runs far faster.
//
// Why: TensorFlow's CPU Conv2D and Conv2DBackpropFilter are slow for ONE input channel (digits: 28x28x1,
// 3x3x1x8; at batch 128 they took ~5 and ~4 ms of a ~25 ms step, on 6.2 M multiply-adds). Split the image
// into its four 2x2 phases with SpaceToDepth ([b, H, W, c] -> [b, H/2, W/2, 4c]); the conv outputs of the
// four phases (a, b) of each pooling window (rows 2i + a, columns 2j + b) are then ONE stride-1 convolution
// of that image with a kernel K4 [kb, kb, 4c, 4 filters] (kb = floor(k/2) + 1) holding the 3x3 kernel at
// the four offsets (zeros elsewhere). A convolution with 4 input channels and 32 outputs runs far better
// than one with 1 and 8, for 1.8x the multiply-adds (the zeros). The pooling is then the largest of the four
// phases, and its gradient goes to the first largest in the window's raster order (a, b) = (0,0), (0,1),
// (1,0), (1,1), as MaxPoolGrad routes it: max(max(c0, c1), max(c2, c3)) with ties to the left operand.
// MaxPool, MaxPoolGrad and the shuffles back to the image layout (DepthToSpace, SpaceToDepth) are gone: at
// batch 128 they were ~8 ms of the step, for tensors of 700k entries.
//
//   forward   K4 = Reshape(MatMul(SEL, W)), W viewed as [kh kw c, filters] and SEL a kept 0/1 matrix;
//             SpaceToDepth(x), Conv2D(., K4), Reshape [rows, 4, filters], Unpack, 3 Maximum, Reshape  10 ops
//   backward  Reshape, 3 GreaterEqual + 6 Select route the pooled gradient, Pack + Reshape; dK4 =
//             Conv2DBackpropFilter(SpaceToDepth(x), K4's shape, .); dW = SEL^T dK4 (Reshape, MatMul)  15 ops
// The products summed are the same as Conv2D's plus exact zeros, so outputs and gradients agree to float32
// rounding (test/unit/trainer/nativeCnn.test.ts compares with tf.variableGrads through the layers model,
// nativeCnnPhases.test.ts with Conv2D + MaxPool for other sizes).
import type { Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { FlatStep } from './nativeFlatStep';
import type { OpAttr } from './nativeOps';

/** Whether a stage's input [H, W, c] and kernel [kh, kw, c, f] can be convolved by phases. */
export function phaseConvFits(input: readonly number[], kernel: readonly number[]): boolean {
  const [H, W] = input;
  const [kh, kw] = kernel;
  return H % 2 === 0 && W % 2 === 0 && kh % 2 === 1 && kw % 2 === 1 && H > kh && W > kw;
}

/**
 * The 0/1 matrix SEL [kbh kbw 2 2 c 2 2, kh kw c]: row (ky, kx, a', b', c, a, b) picks the kernel entry
 * (dy, dx, c) with dy = 2 ky + a' - a, dx = 2 kx + b' - b, where K4[ky, kx, (a', b', c), (a, b, f)] is the
 * weight of the input phase (a', b') at block offset (ky, kx) in the conv output of phase (a, b).
 */
export function phaseSelection(kh: number, kw: number, c: number): { rows: number; cols: number; data: Float32Array; kbh: number; kbw: number } {
  const kbh = Math.floor(kh / 2) + 1;
  const kbw = Math.floor(kw / 2) + 1;
  const rows = kbh * kbw * 4 * c * 4;
  const cols = kh * kw * c;
  const data = new Float32Array(rows * cols);
  let r = 0;
  for (let ky = 0; ky < kbh; ky++)
    for (let kx = 0; kx < kbw; kx++)
      for (let ai = 0; ai < 2; ai++)
        for (let bi = 0; bi < 2; bi++)
          for (let ch = 0; ch < c; ch++)
            for (let ao = 0; ao < 2; ao++)
              for (let bo = 0; bo < 2; bo++, r++) {
                const dy = 2 * ky + ai - ao;
                const dx = 2 * kx + bi - bo;
                if (dy >= 0 && dy < kh && dx >= 0 && dx < kw) data[r * cols + (dy * kw + dx) * c + ch] = 1;
              }
  return { rows, cols, data, kbh, kbw };
}

/** Kept int32 shapes of one batch size. */
interface PhaseShapes {
  phases: Tensor; // [b ph pw, 4, filters]
  rows: Tensor; // [b ph pw, filters]
  zeros: Tensor; // float zeros [b ph pw, filters], Select's other branch
  pooled: Tensor; // [b, ph, pw, filters]
  conv4: Tensor; // [b, ph, pw, 4 filters]
}

/** What the backward pass needs of the last forward call (temporaries of that call). */
interface PhaseCache {
  phased: Tensor;
  c: Tensor[];
  m01: Tensor;
  m23: Tensor;
  s: PhaseShapes;
}

export class PhaseConvPool {
  private readonly sel: Tensor;
  private readonly k4Shape: Tensor;
  private readonly rowsShape: Tensor;
  private readonly a: Record<'s2d' | 'conv' | 'unpack' | 'pack', OpAttr[]>;
  private readonly perBatch = new Map<number, PhaseShapes>();
  private cache: PhaseCache | null = null;

  /**
   * @param input the stage's input [H, W, c]; kernel [kh, kw, c, filters]
   */
  constructor(
    private readonly f: FlatStep,
    private readonly input: readonly number[],
    private readonly kernel: readonly number[],
  ) {
    const [kh, kw, c, filters] = kernel;
    const s = phaseSelection(kh, kw, c);
    this.sel = tf.keep(tf.tensor2d(s.data, [s.rows, s.cols]));
    this.k4Shape = tf.keep(tf.tensor1d([s.kbh, s.kbw, 4 * c, 4 * filters], 'int32'));
    this.rowsShape = tf.keep(tf.tensor1d([s.rows, filters], 'int32'));
    const { int, string, bool } = f.a.helpers;
    const nhwc = string('data_format', 'NHWC');
    this.a = {
      s2d: [...f.a.float, int('block_size', 2), nhwc],
      conv: [...f.a.float, int('strides', [1, 1, 1, 1]), string('padding', 'VALID'), nhwc, bool('use_cudnn_on_gpu', true), int('dilations', [1, 1, 1, 1])],
      unpack: [...f.a.float, int('num', 4), int('axis', 1)],
      pack: [...f.a.float, int('N', 4), int('axis', 1)],
    };
  }

  /** MaxPool(Conv2D(x, kernel)) (stride 1, VALID; 2x2 pooling, stride 2) for x [b, H, W, c]; `kernel` viewed as [kh kw c, filters]. */
  forward(x: Tensor, kernel: Tensor): Tensor {
    const { f, a } = this;
    const s = this.shapes(x.shape[0]);
    // K4 [kbh kbw 4c, 4 filters] is MatMul(SEL, W) [kbh kbw 4c 4, filters] in the same memory order.
    const k4 = f.op('Reshape', f.a.reshape, [f.op('MatMul', f.a.mm, [this.sel, kernel]), this.k4Shape]);
    const phased = f.op('SpaceToDepth', a.s2d, [x]);
    const conv4 = f.op('Conv2D', a.conv, [phased, k4]); // [b, ph, pw, (a, b, filter)]
    const c = f.ops('Unpack', a.unpack, [f.op('Reshape', f.a.reshape, [conv4, s.phases])], 4);
    const m01 = f.op('Maximum', f.a.float, [c[0], c[1]]);
    const m23 = f.op('Maximum', f.a.float, [c[2], c[3]]);
    this.cache = { phased, c, m01, m23, s };
    return f.op('Reshape', f.a.reshape, [f.op('Maximum', f.a.float, [m01, m23]), s.pooled]);
  }

  /** The kernel's gradient [kh kw c, filters] from the pooled output's gradient [b, ph, pw, filters] of the last forward call. */
  kernelGradient(dpooled: Tensor): Tensor {
    const { f, a } = this;
    const k = this.cache;
    if (!k) throw new Error('PhaseConvPool.kernelGradient before forward');
    this.cache = null;
    // d max(l, r): to l where l >= r (the earlier phase wins ties), else to r. Select with a kept zeros
    // tensor of the same shape: SelectV2's broadcasting path took ~4x as long here.
    const split = (dm: Tensor, l: Tensor, r: Tensor): [Tensor, Tensor] => {
      const left = f.op('GreaterEqual', f.a.float, [l, r]);
      return [f.op('Select', f.a.float, [left, dm, k.s.zeros]), f.op('Select', f.a.float, [left, k.s.zeros, dm])];
    };
    const [d01, d23] = split(f.op('Reshape', f.a.reshape, [dpooled, k.s.rows]), k.m01, k.m23);
    const [d0, d1] = split(d01, k.c[0], k.c[1]);
    const [d2, d3] = split(d23, k.c[2], k.c[3]);
    const dconv4 = f.op('Reshape', f.a.reshape, [f.op('Pack', a.pack, [d0, d1, d2, d3]), k.s.conv4]);
    const dk4 = f.op('Conv2DBackpropFilter', a.conv, [k.phased, this.k4Shape, dconv4]);
    return f.op('MatMul', f.a.mmTA, [this.sel, f.op('Reshape', f.a.reshape, [dk4, this.rowsShape])]);
  }

  dispose(): void {
    tf.dispose([this.sel, this.k4Shape, this.rowsShape]);
    for (const s of this.perBatch.values()) tf.dispose(Object.values(s));
    this.perBatch.clear();
  }

  private shapes(batch: number): PhaseShapes {
    let s = this.perBatch.get(batch);
    if (!s) {
      const ph = this.input[0] / 2 - Math.floor(this.kernel[0] / 2);
      const pw = this.input[1] / 2 - Math.floor(this.kernel[1] / 2);
      const filters = this.kernel[3];
      s = {
        phases: tf.keep(tf.tensor1d([batch * ph * pw, 4, filters], 'int32')),
        rows: tf.keep(tf.tensor1d([batch * ph * pw, filters], 'int32')),
        zeros: tf.keep(tf.zeros([batch * ph * pw, filters])),
        pooled: tf.keep(tf.tensor1d([batch, ph, pw, filters], 'int32')),
        conv4: tf.keep(tf.tensor1d([batch, ph, pw, 4 * filters], 'int32')),
      };
      this.perBatch.set(batch, s);
    }
    return s;
  }
}
