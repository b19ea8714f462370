// Fused updates (src/trainer/fusedUpdate.ts through GraphStep.trainStep): the optimizer's update inside the
// training graph as TensorFlow's ResourceApplyAdam, against the same graph step with the optimizer's own ops
// (fusedUpdates false) from the same initial weights on the same batches: the same losses, parameters,
// lastStep (lr, rho_t, r_t, effective step size) and moments; which steps fuse (RAdam from its first
// rectified step, Adam from its second, never with weight decay); a batch shape that changes hands the state
// back and forth; a fused graph that cannot load warns once and steps on with the optimizer's ops; nothing left.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { AdamOptimizer, firstRectifiedStep, RAdamOptimizer, type SlotOptimizer } from '../../../src/optim';
import type { ModelSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { datasetInfoWithoutLoading } from '../../../src/trainer/datasets';
import { GraphStep } from '../../../src/trainer/graphStep';
import { buildModel, trainableVariables } from '../../../src/trainer/models';
import { NativeMlp, nativeMlpPlan } from '../../../src/trainer/nativeMlp';
import { NativeTransformer, nativeTransformerPlan } from '../../../src/trainer/nativeTransformer';
import { Random } from '../../../src/trainer/random';

const native = tf.getBackend() === 'tensorflow';
const digits = datasetInfoWithoutLoading('digits')!;

function mlp(): NativeMlp {
  const spec: ModelSpec = { name: 'mlp', hiddenLayers: [32], activation: 'relu' };
  const model = buildModel(spec, digits, 7);
  const net = new NativeMlp(nativeMlpPlan(model)!, trainableVariables(model), 'classification');
  model.dispose(); // the native step holds its own flat copy of the weights
  return net;
}

function mlpBatch(n: number, seed: number): { x: Tensor; y: Tensor } {
  const r = new Random(seed, 'fusedUpdate-test');
  const x = tf.tensor2d(Float32Array.from({ length: n * 784 }, () => r.next()), [n, 784]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, () => r.int(10)), 'int32'), 10).toFloat());
  return { x, y };
}

function transformer(): NativeTransformer {
  const spec: ModelSpec = { name: 'transformer', hiddenLayers: [], activation: 'relu', layers: 2, dModel: 16, heads: 4, causal: true };
  const model = buildModel(spec, datasetInfoWithoutLoading('reverse', { sequenceLength: 6, vocabularySize: 7 })!, 5);
  const net = new NativeTransformer(nativeTransformerPlan(model)!, trainableVariables(model));
  model.dispose();
  return net;
}

function transformerBatch(n: number, seed: number): { x: Tensor; y: Tensor } {
  const r = new Random(seed, 'fusedUpdate-test');
  const x = tf.tensor2d(Float32Array.from({ length: n * 6 }, () => r.int(7)), [n, 6]);
  const y = tf.tensor2d(Int32Array.from({ length: n * 6 }, () => r.int(7)), [n, 6], 'int32');
  return { x, y };
}

/** One training step as lockstepStep does it: the fused step if it takes it, else loss and gradient + applyGradients. */
function trainStep(g: GraphStep, opt: SlotOptimizer, x: Tensor, y: Tensor): number {
  let r: { loss: Scalar; gradient: Tensor } | null = g.trainStep(x, y, opt);
  if (!r) {
    r = g.lossAndGradient(x, y);
    opt.applyGradients({ [g.params.name]: r.gradient });
  }
  const loss = r.loss.dataSync()[0];
  tf.dispose([r.loss, r.gradient]);
  return loss;
}

interface Trained {
  losses: number[];
  params: Float32Array;
  moments: Float32Array[];
  infos: unknown[];
  fusedSteps: number;
  warnings: string[];
  tensorsPerStep: number[];
}

/**
 * `steps` steps of a fresh model and optimizer on batches from `batchOf(step)`; the moments read after the
 * graph step is disposed (which hands them back to the optimizer).
 */
async function train(
  make: () => GraphStep['net'],
  makeOpt: () => SlotOptimizer,
  batchOf: (step: number) => { x: Tensor; y: Tensor },
  steps: number,
  fused: boolean,
  tmpRoot?: string,
  beforeStep?: (step: number) => void,
): Promise<Trained> {
  const warnings: string[] = [];
  const g = new GraphStep(make(), (w) => warnings.push(w), tmpRoot, fused);
  const opt = makeOpt();
  const losses: number[] = [];
  const infos: unknown[] = [];
  const tensorsPerStep: number[] = [];
  for (let s = 1; s <= steps; s++) {
    beforeStep?.(s);
    const { x, y } = batchOf(s);
    losses.push(trainStep(g, opt, x, y));
    tf.dispose([x, y]);
    infos.push(opt.lastStep);
    tensorsPerStep.push(tf.memory().numTensors);
  }
  const params = g.params.dataSync() as Float32Array;
  const fusedSteps = g.fusedSteps;
  g.dispose();
  const weights = await opt.getWeights();
  const moments = weights.filter((w) => /\/(m|v)$/.test(w.name)).map((w) => w.tensor.dataSync() as Float32Array);
  opt.dispose();
  return { losses, params, moments, infos, fusedSteps, warnings, tensorsPerStep };
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, rel = 1e-5): void {
  assert.equal(a.length, b.length, what);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= rel * scale + 1e-9, `${what}[${i}]: ${a[i]} vs ${b[i]} (scale ${scale})`);
  }
}

function assertSameTraining(fused: Trained, plain: Trained): void {
  assertClose(fused.losses, plain.losses, 'loss');
  assertClose(fused.params, plain.params, 'parameters');
  assert.equal(fused.moments.length, 2, 'm and v');
  fused.moments.forEach((m, i) => assertClose(m, plain.moments[i], i === 0 ? 'm' : 'v', 1e-4));
  // lastStep's numbers are computed in float64 by the optimizer, the same way on both paths.
  assert.deepEqual(fused.infos, plain.infos);
}

(native ? describe : describe.skip)('trainer/fusedUpdate: the optimizer update inside the training graph', function () {
  this.timeout(180_000);
  const steps = 30;
  const mlpBatches = (s: number) => mlpBatch(8, s);

  it('RAdam on the MLP: fused from its first rectified step, with the same losses, parameters, moments and rho_t/r_t as the optimizer\'s own ops; tensors flat', async () => {
    const opt = () => new RAdamOptimizer({ learningRate: 1e-2 });
    const sameBatch = () => mlpBatch(8, 1); // one batch every step: the loss must fall
    const fused = await train(mlp, opt, sameBatch, steps, true);
    const plain = await train(mlp, opt, sameBatch, steps, false);
    const first = firstRectifiedStep(0.999)!;
    assert.ok(first > 2 && first < 10, `first rectified step ${first}`);
    assert.equal(fused.fusedSteps, steps - first + 1, 'every rectified step fused');
    assert.equal(plain.fusedSteps, 0);
    assertSameTraining(fused, plain);
    assert.deepEqual(fused.warnings, []);
    const after = fused.tensorsPerStep.slice(first);
    assert.ok(after.every((n) => n === after[0]), `tensors per step: ${fused.tensorsPerStep}`);
    assert.ok(fused.losses[steps - 1] < fused.losses[0], 'it trains');
  });

  it('Adam with a linear warmup on the Transformer: fused from step 2 (step 1 records the graph), the same losses and lastStep', async () => {
    const opt = () => new AdamOptimizer({ learningRate: 1e-2, schedule: { kind: 'linear-warmup', warmupSteps: 10 } });
    const batches = (s: number) => transformerBatch(8, s);
    const fused = await train(transformer, opt, batches, steps, true);
    const plain = await train(transformer, opt, batches, steps, false);
    assert.equal(fused.fusedSteps, steps - 1);
    assertClose(fused.losses, plain.losses, 'loss');
    assert.deepEqual(fused.infos, plain.infos);
    // Not the parameters entry by entry: the attention's key bias has a true gradient of 0 (softmax ignores a
    // shift), so its computed gradient is float32 noise that Adam scales up to steps of ~lr; the first last-bit
    // difference between two float32 updates (m + (g - m)(1 - beta1) here, a scaled moving average there)
    // sends that noise its own way. The MLP tests above compare parameters and moments.
  });

  it('weight decay (L2 and decoupled) is not of the fused form: every step uses the optimizer\'s ops', async () => {
    for (const options of [{ weightDecay: 1e-2 }, { weightDecay: 1e-2, decoupledWeightDecay: true }]) {
      const opt = () => new RAdamOptimizer({ learningRate: 1e-2, ...options });
      const fused = await train(mlp, opt, mlpBatches, 12, true);
      const plain = await train(mlp, opt, mlpBatches, 12, false);
      assert.equal(fused.fusedSteps, 0, JSON.stringify(options));
      assert.deepEqual(fused.losses, plain.losses);
    }
  });

  it('a batch shape that changes (every 4th batch has 5 rows) hands the moments back to the optimizer and takes them again: the same training', async () => {
    const opt = () => new AdamOptimizer({ learningRate: 1e-2 });
    const batches = (s: number) => mlpBatch(s % 4 === 0 ? 5 : 8, s);
    const fused = await train(mlp, opt, batches, steps, true);
    const plain = await train(mlp, opt, batches, steps, false);
    // Steps of the 5-row shape fuse too, after its own first (recording) step: all but the two first steps.
    assert.equal(fused.fusedSteps, steps - 2);
    assertSameTraining(fused, plain);
  });

  it('a fused graph that cannot be written (its temporary folder removed after the first step) warns once, naming why, and trains on with the same numbers', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-fused-'));
    const tmp = path.join(root, 'tmp');
    fs.mkdirSync(tmp);
    const opt = () => new AdamOptimizer({ learningRate: 1e-2 });
    try {
      const fused = await train(mlp, opt, mlpBatches, 12, true, tmp, (s) => s === 2 && fs.rmSync(tmp, { recursive: true }));
      const plain = await train(mlp, opt, mlpBatches, 12, false);
      assert.equal(fused.fusedSteps, 0);
      assert.equal(fused.warnings.length, 1, fused.warnings.join('\n'));
      assert.match(fused.warnings[0], /^the parameter update not fused into the training graph: its graph with the update could not be loaded \(.*no such file or directory/i);
      assert.ok(fused.warnings[0].includes(tmp), fused.warnings[0]);
      assert.deepEqual(fused.losses, plain.losses);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves no tensor and no session behind', async () => {
    const b = tf.backend() as unknown as { getNumOfSavedModels(): number };
    const tensors = tf.memory().numTensors;
    const sessions = b.getNumOfSavedModels();
    await train(mlp, () => new RAdamOptimizer({ learningRate: 1e-2 }), mlpBatches, 12, true);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(b.getNumOfSavedModels(), sessions);
  });
});
