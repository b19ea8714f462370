import assert from 'node:assert/strict';
import {
  AdamOptimizer,
  createOptimizer,
  RAdamOptimizer,
  ScheduledOptimizer,
  SgdMomentumOptimizer,
  tf,
  type OptimizerSpec,
  type SlotOptimizer,
} from '../../../src/optim';
import { randoms } from './model64';

let uid = 0;
type Var = ReturnType<typeof tf.variable>;

/** Rebuild an optimizer from its class name and config, as tfjs-layers does when loading a model. */
function viaRegistry<T>(opt: { getClassName(): string; getConfig(): object }): T {
  const config = JSON.parse(JSON.stringify(opt.getConfig())); // configs are JSON
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[opt.getClassName()];
  return fromConfig(cls, config) as unknown as T;
}

function vars(n: number): Var[] {
  return [tf.variable(tf.tensor2d(randoms(n, 12), [3, 4]), true, `ser-w-${uid}`), tf.variable(tf.tensor1d(randoms(n + 1, 5)), true, `ser-b-${uid++}`)];
}

function stepAll(opt: SlotOptimizer, vs: Var[], t: number): void {
  const grads = Object.fromEntries(vs.map((v, i) => [v.name, tf.tensor(randoms(100 * t + i, v.size), v.shape)]));
  opt.applyGradients(grads);
  tf.dispose(Object.values(grads));
}

describe('optim: serialization', () => {
  const specs: OptimizerSpec[] = [
    { name: 'radam', learningRate: 0.02, beta2: 0.99, weightDecay: 0.01, decoupledWeightDecay: true, rectificationThreshold: 4, degeneratedToSgd: false, schedule: { kind: 'untuned-warmup', decay: 'cosine', decaySteps: 50 } },
    { name: 'adam-2k', k: 3, epsilon: 1e-6 },
    { name: 'adamw', weightDecay: 0.05 },
    { name: 'sgd-momentum', beta1: 0.7, weightDecay: 0.001 },
  ];

  for (const spec of specs) {
    it(`${spec.name}: getConfig -> fromConfig (through the class registry) gives an equal optimizer`, () => {
      const a = createOptimizer(spec);
      const b = viaRegistry<SlotOptimizer>(a);
      assert.equal(b.constructor, a.constructor);
      assert.deepEqual(b.getConfig(), a.getConfig());
      a.dispose();
      b.dispose();
    });

    it(`${spec.name}: getWeights -> setWeights mid-training continues exactly like the original`, async () => {
      const a = createOptimizer(spec);
      const va = vars(1);
      for (let t = 1; t <= 7; t++) stepAll(a, va, t);
      const weights = await a.getWeights();
      assert.equal(weights[0].name, 'iter');
      assert.equal((await weights[0].tensor.data())[0], 7);
      const b = viaRegistry<SlotOptimizer>(a);
      await b.setWeights(weights);
      assert.equal(b.iterations, 7);
      // b's variables: copies of a's, under other names (matched to the restored slots by position)
      const vb = vars(1);
      va.forEach((v, i) => vb[i].assign(v));
      for (let t = 8; t <= 15; t++) {
        stepAll(a, va, t);
        stepAll(b, vb, t);
      }
      va.forEach((v, i) => assert.deepEqual(Array.from(vb[i].dataSync()), Array.from(v.dataSync()), `${spec.name}: ${v.name}`));
      assert.deepEqual(b.lastStep, a.lastStep);
      tf.dispose([...va, ...vb]);
      a.dispose();
      b.dispose();
    });
  }

  it('saves per-variable step counts when they differ from iter, and restores slots by name', async () => {
    const a = new RAdamOptimizer({ learningRate: 0.01 });
    const [w, bias] = vars(3);
    for (let t = 1; t <= 4; t++) stepAll(a, [w], t);
    for (let t = 5; t <= 6; t++) stepAll(a, [w, bias], t);
    const weights = await a.getWeights();
    assert.deepEqual(
      weights.map((x) => x.name),
      ['iter', `${w.name}/m`, `${bias.name}/m`, `${w.name}/v`, `${bias.name}/v`, `${bias.name}/step`],
    );
    const b = new RAdamOptimizer({ learningRate: 0.01 });
    await b.setWeights(weights);
    // apply in the other order: name matching must win over position
    b.applyGradients({ [bias.name]: tf.zerosLike(bias), [w.name]: tf.zerosLike(w) });
    assert.equal(b.stepOf(w.name), 7);
    assert.equal(b.stepOf(bias.name), 3);
    tf.dispose([w, bias]);
    a.dispose();
    b.dispose();
  });

  it('restored moments are the true m and v (scaled storage is renormalised on save)', async () => {
    const a = new AdamOptimizer({ learningRate: 0.01 });
    const [w] = vars(5);
    const g = tf.onesLike(w);
    for (let t = 1; t <= 3; t++) a.applyGradients({ [w.name]: g });
    const weights = await a.getWeights();
    const m = await weights[1].tensor.data();
    const v = await weights[2].tensor.data();
    // m_3 = 1 - 0.9^3, v_3 = 1 - 0.999^3 for a constant gradient of 1
    assert.ok(Math.abs(m[0] - (1 - 0.9 ** 3)) < 1e-6, `m ${m[0]}`);
    assert.ok(Math.abs(v[0] - (1 - 0.999 ** 3)) < 1e-6, `v ${v[0]}`);
    tf.dispose([w, g]);
    a.dispose();
  });

  it('the classes are registered under stable names', () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    assert.equal(map['RAdam'][0], RAdamOptimizer);
    assert.equal(map['RAdamLab.Adam'][0], AdamOptimizer);
    assert.equal(map['RAdamLab.SGDMomentum'][0], SgdMomentumOptimizer);
    assert.equal(map['RAdamLab.Scheduled'][0], ScheduledOptimizer);
  });

  it('ScheduledOptimizer round-trips with its inner tfjs optimizer', () => {
    const s = new ScheduledOptimizer(tf.train.adam(0.01), { kind: 'linear-warmup', warmupSteps: 10 }, 0.01);
    const r = viaRegistry<ScheduledOptimizer>(s);
    assert.equal(r.inner.getClassName(), 'Adam');
    assert.deepEqual(r.getConfig(), s.getConfig());
    s.dispose();
    r.dispose();
  });
});
