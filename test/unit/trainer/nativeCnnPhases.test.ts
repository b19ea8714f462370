// The first stage's conv + pool by phases (src/trainer/nativeCnnPhases.ts) against tf.conv2d + tf.maxPool and
// their autodiff (kernel and input gradients), for sizes the digits cnn does not have (2 input channels, 5x5
// and 3x5 kernels, odd images that are cropped), and with ties inside pooling windows (a constant image: every
// window's four values are equal).
import assert from 'node:assert/strict';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { tf } from '../../../src/tf';
import { PhaseConvPool, phaseConvFits } from '../../../src/trainer/nativeCnnPhases';
import { FlatStep } from '../../../src/trainer/nativeFlatStep';
import { Random } from '../../../src/trainer/random';

const native = tf.getBackend() === 'tensorflow';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}

describe('trainer/nativeCnnPhases: which stages fit', () => {
  it('odd kernels fit, on even and odd images; even kernels and kernels as large as the image do not', () => {
    assert.equal(phaseConvFits([28, 28, 1], [3, 3, 1, 8]), true);
    assert.equal(phaseConvFits([12, 10, 2], [5, 3, 2, 4]), true);
    assert.equal(phaseConvFits([13, 13, 8], [3, 3, 8, 16]), true);
    assert.equal(phaseConvFits([28, 28, 1], [2, 2, 1, 8]), false);
    assert.equal(phaseConvFits([4, 4, 1], [5, 5, 1, 8]), false);
  });
});

(native ? describe : describe.skip)('trainer/nativeCnnPhases: conv + 2x2 max pool by phases equals Conv2D + MaxPool', () => {
  const cases: Array<{ name: string; input: number[]; kernel: number[]; constant?: boolean }> = [
    { name: '2 channels, 5x5 kernel, 12x12 image', input: [12, 12, 2], kernel: [5, 5, 2, 3] },
    { name: '1 channel, 3x5 kernel, 10x14 image', input: [10, 14, 1], kernel: [3, 5, 1, 4] },
    { name: 'the digits cnn\'s second stage: 8 channels, 13x13 image (cropped to 12x12)', input: [13, 13, 8], kernel: [3, 3, 8, 16] },
    { name: '3 channels, 5x3 kernel, 11x12 image (cropped rows only)', input: [11, 12, 3], kernel: [5, 3, 3, 2] },
    { name: 'a constant image (every pooling window ties)', input: [8, 8, 1], kernel: [3, 3, 1, 2], constant: true },
  ];
  for (const c of cases) {
    it(`${c.name}: pooled output, kernel and input gradients`, () => {
      const r = new Random(7, 'phases');
      const batch = 3;
      const [H, W, ch] = c.input;
      const x = tf.tensor4d(Float32Array.from({ length: batch * H * W * ch }, () => (c.constant ? 0.5 : r.normal())), [batch, H, W, ch]);
      const kernel = tf.tensor4d(Float32Array.from({ length: c.kernel.reduce((a, b) => a * b, 1) }, () => r.normal()), c.kernel as [number, number, number, number]);
      const [kh, kw, , filters] = c.kernel;
      const ph = Math.floor((H - kh + 1) / 2);
      const pw = Math.floor((W - kw + 1) / 2);
      const upstream = tf.tensor4d(Float32Array.from({ length: batch * ph * pw * filters }, () => r.normal()), [batch, ph, pw, filters]);
      const pooledOf = (k: Tensor) => tf.maxPool(tf.conv2d(x, k as Tensor4D, 1, 'valid'), 2, 2, 'valid');
      const refOut = pooledOf(kernel);
      const refGrad = tf.grad((k: Tensor) => tf.sum(tf.mul(pooledOf(k), upstream)))(kernel);
      const refInput = tf.grad((xi: Tensor) => tf.sum(tf.mul(tf.maxPool(tf.conv2d(xi as Tensor4D, kernel, 1, 'valid'), 2, 2, 'valid'), upstream)))(x);

      const step = new FlatStep([kernel.size], [[kh * kw * ch, filters]], [kernel]);
      const phases = new PhaseConvPool(step, c.input, c.kernel);
      const [view] = step.views();
      const out = phases.forward(x, view);
      assert.deepEqual(out.shape, refOut.shape);
      assert.ok(maxAbsDiff(out.dataSync(), refOut.dataSync()) <= 1e-5, 'pooled output');
      const { kernel: grad, input } = phases.backward(upstream, true);
      assert.deepEqual(grad.shape, [kh * kw * ch, filters]);
      assert.ok(maxAbsDiff(grad.dataSync(), refGrad.dataSync()) <= 1e-4, `kernel gradient: ${maxAbsDiff(grad.dataSync(), refGrad.dataSync())}`);
      assert.ok(input);
      assert.deepEqual(input.shape, x.shape);
      if (!c.constant) {
        assert.ok(maxAbsDiff(input.dataSync(), refInput.dataSync()) <= 1e-4, `input gradient: ${maxAbsDiff(input.dataSync(), refInput.dataSync())}`);
      } else {
        // Where a window's four values tie, which one takes its gradient is the implementation's choice, and
        // the conv output's last-bit rounding decides it (TensorFlow's choice differs between hosts: with
        // AVX-512 kernels its "ties" are not exact). Each choice is a valid subgradient, and each sends the
        // window's upstream value through the whole kernel: per image, the input gradient's sum is
        // sum(upstream * sum of the filter's kernel) whichever position took it.
        const perImage = (t: Tensor) => Array.from(tf.sum(t, [1, 2, 3]).dataSync());
        const ours = perImage(input);
        const expected = perImage(refInput);
        ours.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-4 * (1 + Math.abs(expected[i])), `image ${i}: input gradient sums ${v} vs ${expected[i]}`));
        // ... and it is not all zero (the gradient did reach the input).
        assert.ok(ours.some((v) => Math.abs(v) > 1e-3), `input gradient sums: ${ours}`);
      }
      step.release();
      phases.dispose();
      step.dispose();
      tf.dispose([x, kernel, upstream, refOut, refGrad, refInput]);
    });
  }
});
