// GraphStep (src/trainer/graphStep.ts): a native step traced once per batch shape and run as ONE TensorFlow
// graph. Against the eager native step it wraps (same kernels, same inputs: the same numbers), over steps
// whose parameters change in between; one graph per batch shape; no tensor or session left behind; and
// every way it can fail falls back to the eager step, says why once, and gives the same numbers.
// Also GraphSession (src/tf/savedModel.ts) on a small graph whose attributes are the tricky ones to encode.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { ModelSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { GraphSession, type SavedModelBackend } from '../../../src/tf/savedModel';
import type { NativeModel } from '../../../src/trainer/activeRun';
import { datasetInfoWithoutLoading, type DatasetInfo } from '../../../src/trainer/datasets';
import { GraphStep, graphStepsAvailable } from '../../../src/trainer/graphStep';
import { buildModel, trainableVariables } from '../../../src/trainer/models';
import { NativeCnn, nativeCnnPlan } from '../../../src/trainer/nativeCnn';
import { NativeMlp, nativeMlpPlan } from '../../../src/trainer/nativeMlp';
import { nativeBackend } from '../../../src/trainer/nativeOps';
import { NativeTransformer, nativeTransformerPlan } from '../../../src/trainer/nativeTransformer';
import { Random } from '../../../src/trainer/random';

const native = tf.getBackend() === 'tensorflow';
type Backend = SavedModelBackend & { getNumOfSavedModels(): number; binding: Record<string, number> };

interface Case {
  name: string;
  /** Two models built from the same seed: one for the graph step, one for the eager step it is checked against. */
  make(): NativeModel;
  batch(n: number, seed: number): { x: Tensor; y: Tensor };
}

const reverse = (L: number, V: number): DatasetInfo => datasetInfoWithoutLoading('reverse', { sequenceLength: L, vocabularySize: V })!;
const digits = datasetInfoWithoutLoading('digits')!;

function oneHot(r: Random, n: number, classes: number): Tensor {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, () => r.int(classes)), 'int32'), classes).toFloat());
}

const cases: Case[] = [
  {
    name: 'MLP 784-32-10 (relu)',
    make: () => {
      const spec: ModelSpec = { name: 'mlp', hiddenLayers: [32], activation: 'relu' };
      const model = buildModel(spec, digits, 7);
      return new NativeMlp(nativeMlpPlan(model)!, trainableVariables(model), 'classification');
    },
    batch: (n, seed) => {
      const r = new Random(seed, 'graphStep-test');
      return { x: tf.tensor2d(Float32Array.from({ length: n * 784 }, () => r.next()), [n, 784]), y: oneHot(r, n, 10) };
    },
  },
  {
    name: 'Transformer (2 post-LN layers, d 16, 4 heads, causal)',
    make: () => {
      const spec: ModelSpec = { name: 'transformer', hiddenLayers: [], activation: 'relu', layers: 2, dModel: 16, heads: 4, causal: true };
      const model = buildModel(spec, reverse(6, 7), 5);
      return new NativeTransformer(nativeTransformerPlan(model)!, trainableVariables(model));
    },
    batch: (n, seed) => {
      const r = new Random(seed, 'graphStep-test');
      const x = tf.tensor2d(Float32Array.from({ length: n * 6 }, () => r.int(7)), [n, 6]);
      const y = tf.tensor2d(Int32Array.from({ length: n * 6 }, () => r.int(7)), [n, 6], 'int32');
      return { x, y };
    },
  },
  {
    name: 'cnn (digits, relu)',
    make: () => {
      const model = buildModel({ name: 'cnn', hiddenLayers: [], activation: 'relu' }, digits, 3);
      return new NativeCnn(nativeCnnPlan(model, 'classification')!, trainableVariables(model));
    },
    batch: (n, seed) => {
      const r = new Random(seed, 'graphStep-test');
      return { x: tf.tensor4d(Float32Array.from({ length: n * 784 }, () => r.next()), [n, 28, 28, 1]), y: oneHot(r, n, 10) };
    },
  },
];

/** Loss and gradient of one call, read back; the tensors disposed. */
function step(net: NativeModel, x: Tensor, y: Tensor): { loss: number; gradient: Float32Array } {
  const r = net.lossAndGradient(x, y);
  const out = { loss: r.loss.dataSync()[0], gradient: r.gradient.dataSync() as Float32Array };
  tf.dispose([r.loss, r.gradient]);
  return out;
}

/** p <- p - 0.05 g: the parameters change between calls, as they do in training. */
function descend(params: Variable, gradient: Float32Array): void {
  tf.tidy(() => params.assign(tf.sub(params, tf.mul(tf.tensor1d(gradient), 0.05))));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1e-6 + 1e-5 * Math.abs(b[i])));
  return m;
}

(native ? describe : describe.skip)('trainer/graphStep: a native step run as one TensorFlow graph', function () {
  this.timeout(120_000);
  const backend = () => nativeBackend() as unknown as Backend;

  it('is available on tfjs-node (its binding loads and runs SavedModels)', () => {
    assert.equal(graphStepsAvailable(), true);
  });

  for (const c of cases) {
    it(`${c.name}: the same loss and gradient as the eager step, step after step; one graph; no tensor or session left`, () => {
      const models0 = backend().getNumOfSavedModels();
      const eager = c.make();
      const graph = new GraphStep(c.make());
      const { x, y } = c.batch(8, 1);
      // first call: traced (run eagerly while recording), then compiled; it also makes each model's kept
      // per-batch-shape tensors, so the count is taken after it
      let tensors = 0;
      for (let k = 0; k < 4; k++) {
        const a = step(graph, x, y);
        const b = step(eager, x, y);
        assert.ok(Number.isFinite(a.loss));
        assert.ok(maxDiff([a.loss], [b.loss]) <= 1, `step ${k}: loss ${a.loss} vs ${b.loss}`);
        assert.ok(maxDiff(a.gradient, b.gradient) <= 1, `step ${k}: gradient differs (${maxDiff(a.gradient, b.gradient)})`);
        descend(graph.params, a.gradient);
        descend(eager.params, b.gradient);
        if (k === 0) tensors = tf.memory().numTensors;
        else assert.equal(tf.memory().numTensors, tensors, `step ${k}: tensors flat over steps`);
      }
      assert.equal(graph.fallback, null);
      assert.equal(graph.compiled, 1, 'one graph for one batch shape');
      assert.ok(graph.lastGraphNodes > 20, `graph of ${graph.lastGraphNodes} nodes`);
      assert.equal(backend().getNumOfSavedModels(), models0 + 1);
      graph.dispose();
      eager.dispose();
      tf.dispose([x, y]);
      assert.equal(backend().getNumOfSavedModels(), models0, 'dispose deletes the session');
    });
  }

  it('a second batch shape gets its own graph; each shape keeps giving the eager numbers', () => {
    const c = cases[0];
    const eager = c.make();
    const graph = new GraphStep(c.make());
    const big = c.batch(8, 2);
    const small = c.batch(3, 3);
    for (const { x, y } of [big, small, big, small, big]) {
      const a = step(graph, x, y);
      const b = step(eager, x, y);
      assert.ok(maxDiff(a.gradient, b.gradient) <= 1);
    }
    assert.equal(graph.compiled, 2);
    assert.equal(graph.fallback, null);
    graph.dispose();
    eager.dispose();
    tf.dispose([big.x, big.y, small.x, small.y]);
  });

  it('keeps at most 4 graphs per model: a fifth batch shape replaces the oldest, whose session is deleted', () => {
    const c = cases[0];
    const models0 = backend().getNumOfSavedModels();
    const eager = c.make();
    const graph = new GraphStep(c.make());
    const batches = [2, 3, 4, 5, 6].map((n, k) => c.batch(n, 10 + k));
    for (const { x, y } of [...batches, batches[0]]) assert.ok(maxDiff(step(graph, x, y).gradient, step(eager, x, y).gradient) <= 1);
    assert.equal(graph.compiled, 6, 'five shapes, then the first one again after it was replaced');
    assert.equal(backend().getNumOfSavedModels(), models0 + 4);
    graph.dispose();
    eager.dispose();
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    assert.equal(backend().getNumOfSavedModels(), models0);
  });

  /** An eager step that misbehaves in `how`, around a real MLP step. */
  function misbehaving(how: 'readBack' | 'perCallUpload'): NativeModel {
    const inner = cases[0].make();
    return {
      params: inner.params,
      sizes: inner.sizes,
      predict: (x) => inner.predict(x),
      dispose: () => inner.dispose(),
      lossAndGradient(x: Tensor, y: Tensor): { loss: Scalar; gradient: Tensor } {
        const r = inner.lossAndGradient(x, y);
        if (how === 'readBack') {
          // a value read back inside the step: a graph could not follow it
          const scale = r.loss.dataSync()[0] > -1 ? 1 : 2;
          const gradient = tf.mul(r.gradient, scale);
          r.gradient.dispose();
          return { loss: r.loss, gradient };
        }
        // a tensor uploaded per call and disposed: the graph would feed a dead tensor
        const one = tf.scalar(1);
        const gradient = tf.mul(r.gradient, one);
        tf.dispose([one, r.gradient]);
        return { loss: r.loss, gradient };
      },
    };
  }

  for (const [how, reason] of [
    ['readBack', /read a value back to JavaScript/],
    ['perCallUpload', /disposed a tensor it reads on every call/],
  ] as const) {
    it(`a step that ${how === 'readBack' ? 'reads a value back' : 'uploads a tensor per call'} stays eager, says why once, and gives the eager numbers`, () => {
      const warnings: string[] = [];
      const eager = cases[0].make();
      const graph = new GraphStep(misbehaving(how), (w) => warnings.push(w));
      const { x, y } = cases[0].batch(8, 4);
      for (let k = 0; k < 3; k++) {
        const a = step(graph, x, y);
        const b = step(eager, x, y);
        assert.ok(maxDiff(a.gradient, b.gradient) <= 1);
      }
      assert.match(graph.fallback ?? '', reason);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /not compiled to a TensorFlow graph/);
      assert.equal(graph.compiled, 0);
      graph.dispose();
      eager.dispose();
      tf.dispose([x, y]);
    });
  }

  it('a graph that cannot be written (its folder is not there: a full or missing temporary folder) stays eager and names the path', () => {
    const warnings: string[] = [];
    const missing = path.join(os.tmpdir(), `radam-no-such-dir-${process.pid}`, 'deeper');
    const eager = cases[1].make();
    const graph = new GraphStep(cases[1].make(), (w) => warnings.push(w), missing);
    const { x, y } = cases[1].batch(4, 5);
    for (let k = 0; k < 2; k++) assert.ok(maxDiff(step(graph, x, y).gradient, step(eager, x, y).gradient) <= 1);
    assert.match(graph.fallback ?? '', /could not be loaded/);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].includes(missing), warnings[0]);
    graph.dispose();
    eager.dispose();
    tf.dispose([x, y]);
  });

  it('leaves no SavedModel folder behind in the temporary folder it writes to', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-graph-root-'));
    const graph = new GraphStep(cases[0].make(), undefined, root);
    const { x, y } = cases[0].batch(4, 6);
    step(graph, x, y);
    step(graph, x, y);
    assert.equal(graph.compiled, 1);
    assert.deepEqual(fs.readdirSync(root), []);
    graph.dispose();
    tf.dispose([x, y]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

(native ? describe : describe.skip)('tf/savedModel: GraphSession', () => {
  it('runs a graph whose attributes are a false bool, a negative int, a string and an int list', () => {
    const b = nativeBackend() as unknown as Backend;
    const F = { type: 1 };
    const I = { type: 3 };
    const session = new GraphSession(
      b,
      [
        { name: 'a', op: 'Placeholder', attr: { dtype: F } },
        { name: 'w', op: 'Placeholder', attr: { dtype: F } },
        { name: 'axis', op: 'Placeholder', attr: { dtype: I } },
        // a [2, 3] x w [3, 2] with transpose_a false and transpose_b false
        { name: 'mm', op: 'MatMul', input: ['a', 'w'], attr: { T: F, transpose_a: { b: false }, transpose_b: { b: false } } },
        // sum over axis -1 without keeping it
        { name: 'sum', op: 'Sum', input: ['mm', 'axis'], attr: { T: F, Tidx: I, keep_dims: { b: false } } },
        { name: 'ein', op: 'Einsum', input: ['a', 'a'], attr: { T: F, N: { i: 2 }, equation: { s: Buffer.from('ij,ij->i') } } },
        { name: 'split', op: 'Split', input: ['axis', 'mm'], attr: { T: F, num_split: { i: 2 } } },
        { name: 'pack', op: 'Pack', input: ['split', 'split:1'], attr: { T: F, N: { i: 2 }, axis: { i: -1 } } },
      ],
      ['a', 'w', 'axis'],
      ['sum:0', 'ein:0', 'pack:0'],
    );
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const w = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    const axis = tf.scalar(-1, 'int32');
    const [sum, ein, pack] = session.run([a, w, axis]);
    // a w = [[4, 5], [10, 11]]
    assert.deepEqual(Array.from(sum.dataSync()), [9, 21]);
    assert.deepEqual(Array.from(ein.dataSync()), [14, 77]);
    assert.deepEqual(pack.shape, [2, 1, 2]);
    assert.deepEqual(Array.from(pack.dataSync()), [4, 5, 10, 11]);
    tf.dispose([a, w, axis, sum, ein, pack]);
    session.dispose();
    assert.throws(() => session.run([a, w, axis]), /after dispose/);
  });
});
