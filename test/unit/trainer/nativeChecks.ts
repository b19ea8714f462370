// The checks every native step's tests run (nativeCnn.test.ts, nativeTransformer.test.ts): against
// tf.variableGrads through the same layers model, against central finite differences, and in the engine
// against the layers path. One copy, so the tolerances and the leak checks are the same for every model.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { readRun } from '../../../src/runs';
import type { ComparisonSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import type { DatasetInfo } from '../../../src/trainer/datasets';
import { runComparison } from '../../../src/trainer/engine';
import { lossAndAccuracy, trainableVariables } from '../../../src/trainer/models';
import { Random } from '../../../src/trainer/random';

/** A native step as the engine uses it. */
export interface FlatNet {
  params: Variable;
  lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor };
  predict(x: Tensor): Tensor;
}

/** max |a - b| / (atol + rtol |b|) over entries; <= 1 means close. */
export function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  assert.equal(a.length, b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return w;
}

/** Loss, flat gradient (model.trainableWeights order) and outputs of the layers model by tf.variableGrads. */
export function layersReference(model: LayersModel, info: DatasetInfo, x: Tensor, y: Tensor): { loss: number; grad: Float32Array; out: Float32Array } {
  const la = lossAndAccuracy(info);
  const vars = trainableVariables(model);
  const { value, grads } = tf.variableGrads(() => la.loss(y, model.apply(x, { training: true }) as Tensor), vars);
  const flat = tf.concat(vars.map((v) => tf.reshape(grads[v.name], [-1])));
  const out = model.apply(x) as Tensor;
  const r = { loss: value.dataSync()[0], grad: flat.dataSync() as Float32Array, out: out.dataSync() as Float32Array };
  tf.dispose([value, flat, out, ...Object.values(grads)]);
  return r;
}

/**
 * Three calls of the native step on (x, y): loss, flat gradient and outputs equal the reference within
 * float32 rounding, and after the first call (which keeps its batch size's shape tensors) nothing is left behind.
 */
export function assertMatchesLayers(net: FlatNet, ref: ReturnType<typeof layersReference>, x: Tensor, y: Tensor, outShape?: number[]): void {
  let before = 0;
  for (let round = 0; round < 3; round++) {
    const { loss, gradient } = net.lossAndGradient(x, y);
    const out = net.predict(x);
    if (outShape) assert.deepEqual(out.shape, outShape);
    assert.ok(Math.abs(loss.dataSync()[0] - ref.loss) <= 1e-5 * Math.abs(ref.loss) + 1e-6, `loss ${loss.dataSync()[0]} vs ${ref.loss}`);
    const g = gradient.dataSync();
    assert.ok(worst(g, ref.grad, 1e-6, 1e-3) <= 1, `gradient: worst ${worst(g, ref.grad, 1e-6, 1e-3)}`);
    assert.ok(worst(out.dataSync(), ref.out, 1e-5, 1e-4) <= 1, 'outputs');
    tf.dispose([loss, gradient, out]);
    if (round === 0) before = tf.memory().numTensors;
    else assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  }
}

/**
 * The gradient against central finite differences: one random direction inside each parameter tensor
 * (`sizes`, the flat vector's pieces), so every gradient piece is checked.
 */
export function assertFiniteDifferences(net: FlatNet, sizes: readonly number[], x: Tensor, y: Tensor, seed: number, nameOf: (k: number) => string): void {
  const { loss: l0, gradient } = net.lossAndGradient(x, y);
  const g = gradient.dataSync();
  const theta = net.params.dataSync().slice() as Float32Array;
  const lossAt = (p: Float32Array) => {
    const t = tf.tensor1d(p);
    net.params.assign(t);
    t.dispose();
    const r = net.lossAndGradient(x, y);
    const v = r.loss.dataSync()[0];
    tf.dispose([r.loss, r.gradient]);
    return v;
  };
  const r = new Random(seed, 'fd');
  let offset = 0;
  for (const [k, size] of sizes.entries()) {
    const dir = new Float32Array(theta.length);
    for (let j = 0; j < size; j++) dir[offset + j] = r.normal();
    let analytic = 0;
    for (let j = 0; j < size; j++) analytic += g[offset + j] * dir[offset + j];
    // float32 loss: h = 1e-3 keeps the rounding noise ~1e-4 while staying clear of most ReLU kinks
    const h = 1e-3;
    const numeric = (lossAt(theta.map((t, j) => t + h * dir[j])) - lossAt(theta.map((t, j) => t - h * dir[j]))) / (2 * h);
    assert.ok(Math.abs(numeric - analytic) <= 1e-2 + 3e-2 * Math.abs(analytic), `${nameOf(k)}: finite difference ${numeric}, gradient ${analytic}`);
    offset += size;
  }
  tf.dispose([l0, gradient]);
}

/**
 * A comparison trained through the native step and through the layers path (same seed): the runs' first
 * `steps` losses of each, after a warm-up of both (first-use caches), with the tensor counts of the native
 * path at `countAt` steps; nothing may be left after the comparisons.
 */
export async function engineLosses(comparison: (steps: number) => ComparisonSpec, countAt: [number, number], steps = 20): Promise<{ fast: number[][]; slow: number[][]; counts: number[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-native-'));
  try {
    const losses = async (nativeModels: boolean, n: number) => {
      const counts: number[] = [];
      const res = await runComparison({
        comparison: comparison(n),
        runsDir: dir,
        nativeModels,
        events: { step: (s) => (countAt.includes(s) ? counts.push(tf.memory().numTensors) : undefined) },
      });
      for (const r of res.runs) assert.equal(r.status, 'finished');
      return { out: res.runs.map((r) => readRun(dir, r.id)!.metrics.map((m) => m.loss)), counts };
    };
    await losses(true, 10); // first-use caches (kept shapes and scalars of the optimizers, the batch gather, a histogram step)
    await losses(false, 10);
    const before = tf.memory().numTensors;
    const fast = await losses(true, steps);
    const slow = await losses(false, steps);
    assert.equal(tf.memory().numTensors, before, 'nothing left after the comparisons');
    return { fast: fast.out, slow: slow.out, counts: fast.counts };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
