// Every optimizer the factory makes, against the float64 model and against tfjs-core's own optimizers.

import assert from 'node:assert/strict';
import {
  AdamOptimizer,
  createOptimizer,
  OPTIMIZER_DEFAULTS,
  RAdamOptimizer,
  resolveOptimizerSpec,
  SgdMomentumOptimizer,
  tf,
  validateOptimizerSpec,
  type OptimizerSpec,
  type SlotOptimizer,
} from '../../../src/optim';
import { close } from './helpers';
import { model64, randoms } from './model64';

const ATOL = 1e-5;
const RTOL = 1e-4;
let uid = 0;

/** Run `spec` through the library and the float64 model on the same float32 gradients; compare every step. */
function againstModel(spec: OptimizerSpec, steps: number, n = 37, gradScale = 1): SlotOptimizer {
  const init = randoms(7 + uid, n, 0.5);
  const opt = createOptimizer(spec);
  const model = model64(resolveOptimizerSpec(spec), init);
  const p = tf.variable(tf.tensor1d(init), true, `model64-${uid++}`);
  try {
    for (let t = 1; t <= steps; t++) {
      // gradients whose scale drifts over time, as in training (exercises v's adaptivity)
      const g = randoms(1000 * t + uid, n, gradScale * (1 + 0.5 * Math.sin(t / 7)));
      const gt = tf.tensor1d(g);
      opt.applyGradients({ [p.name]: gt });
      gt.dispose();
      model.step(g);
      if (t % 5 === 0 || t <= 12 || t === steps) {
        const problem = close(p.dataSync(), model.state.p, ATOL, RTOL);
        assert.equal(problem, null, `${JSON.stringify(spec)} step ${t}: ${problem}`);
      }
    }
    return opt;
  } finally {
    p.dispose();
  }
}

describe('optim: optimizers vs a float64 model of their formulas', () => {
  const cases: Array<[string, OptimizerSpec, number, number?]> = [
    ['radam, defaults, 600 steps (scaled moments renormalised twice)', { name: 'radam', learningRate: 1e-3 }, 600],
    ['radam, beta2 0.99, lr 5e-3', { name: 'radam', learningRate: 5e-3, beta2: 0.99 }, 200],
    ['radam, L2 weight decay', { name: 'radam', learningRate: 1e-2, weightDecay: 0.1 }, 60],
    ['radam, decoupled weight decay', { name: 'radam', learningRate: 1e-2, weightDecay: 0.1, decoupledWeightDecay: true }, 60],
    ['radam, degeneratedToSgd false', { name: 'radam', learningRate: 1e-2, degeneratedToSgd: false }, 40],
    [
      'radam, degeneratedToSgd false + decoupled decay (no decay before rectification)',
      { name: 'radam', learningRate: 1e-2, degeneratedToSgd: false, weightDecay: 0.5, decoupledWeightDecay: true },
      40,
    ],
    ['radam, threshold 4 (paper Algorithm 2)', { name: 'radam', learningRate: 1e-2, rectificationThreshold: 4 }, 30],
    ['radam, beta1 0.5 (textbook moment path)', { name: 'radam', learningRate: 1e-2, beta1: 0.5 }, 40],
    ['radam, beta1 0 (no momentum)', { name: 'radam', learningRate: 1e-3, beta1: 0 }, 40],
    ['radam, beta2 0.9 (rho_inf 19)', { name: 'radam', learningRate: 1e-2, beta2: 0.9 }, 300],
    ['radam, tiny gradients (1e-6)', { name: 'radam', learningRate: 1e-2, epsilon: 1e-8 }, 40, 1e-6],
    ['adam, large gradients (1e4)', { name: 'adam', learningRate: 1e-2 }, 40, 1e4],
    ['adam, defaults', { name: 'adam', learningRate: 1e-3 }, 300],
    ['adam, L2 weight decay', { name: 'adam', learningRate: 1e-2, weightDecay: 0.1 }, 60],
    ['adamw (decoupled, default 0.01)', { name: 'adamw', learningRate: 1e-2 }, 60],
    ['adam-eps (eps 1e-4)', { name: 'adam-eps', learningRate: 1e-2 }, 60],
    ['adam-2k with k = 7', { name: 'adam-2k', learningRate: 1e-2, k: 7 }, 60],
    ['sgd-momentum', { name: 'sgd-momentum', learningRate: 1e-2 }, 60],
    ['sgd-momentum, L2 decay', { name: 'sgd-momentum', learningRate: 1e-2, weightDecay: 0.1 }, 60],
    ['sgd-momentum, decoupled decay', { name: 'sgd-momentum', learningRate: 1e-2, weightDecay: 0.1, decoupledWeightDecay: true }, 60],
  ];
  for (const [title, spec, steps, gradScale = 1] of cases) {
    it(`${title}: matches every step`, () => {
      againstModel(spec, steps, 37, gradScale).dispose();
    });
  }
});

/** Train two variables with the same init and gradients, one per optimizer; compare after each step. */
function sideBySide(ours: SlotOptimizer, theirs: ReturnType<typeof tf.train.adam> | ReturnType<typeof tf.train.momentum>, steps: number, gradScale = 1) {
  const init = randoms(99, 50, 1);
  const a = tf.variable(tf.tensor1d(init), true, `ours-${uid++}`);
  const b = tf.variable(tf.tensor1d(init), true, `theirs-${uid++}`);
  try {
    for (let t = 1; t <= steps; t++) {
      const g = tf.tensor1d(randoms(t, 50, gradScale));
      ours.applyGradients({ [a.name]: g });
      theirs.applyGradients([{ name: b.name, tensor: g }]);
      g.dispose();
      // tfjs keeps its bias corrections in float32 tensors: agree to the reference tolerance, not bitwise
      const problem = close(a.dataSync(), b.dataSync(), ATOL, RTOL);
      assert.equal(problem, null, `step ${t}: ${problem}`);
    }
  } finally {
    tf.dispose([a, b]);
    ours.dispose();
    theirs.dispose();
  }
}

describe('optim: baselines agree with tfjs-core', () => {
  it('adam equals tf.train.adam for 50 steps (eps 1e-3 on gradients ~1e-3, so where eps goes matters)', () => {
    sideBySide(createOptimizer({ name: 'adam', learningRate: 1e-2, epsilon: 1e-3 }), tf.train.adam(1e-2, 0.9, 0.999, 1e-3), 50, 1e-3);
  });
  it('sgd-momentum equals tf.train.momentum for 50 steps', () => {
    sideBySide(createOptimizer({ name: 'sgd-momentum', learningRate: 1e-2, beta1: 0.8 }), tf.train.momentum(1e-2, 0.8), 50);
  });
});

describe('optim: Adam-2k', () => {
  it('keeps m and theta frozen for the first k steps while v is updated, then moves', () => {
    const k = 5;
    const opt = createOptimizer({ name: 'adam-2k', learningRate: 1e-2, k }) as AdamOptimizer;
    assert.equal(opt.frozenSteps, k);
    const init = randoms(3, 20, 1);
    const p = tf.variable(tf.tensor1d(init), true, `a2k-${uid++}`);
    try {
      for (let t = 1; t <= k + 1; t++) {
        const g = tf.tensor1d(randoms(50 + t, 20, 1));
        opt.applyGradients({ [p.name]: g });
        g.dispose();
        const slots = opt.readSlots(p.name)!;
        const m = slots.m.dataSync();
        const v = slots.v.dataSync();
        tf.dispose(Object.values(slots));
        const info = opt.lastStep!;
        if (t <= k) {
          assert.deepEqual(Array.from(p.dataSync()), Array.from(init), `theta moved at step ${t}`);
          assert.ok(m.every((x) => x === 0), `m changed at step ${t}`);
          assert.ok(v.some((x) => x > 0), `v not updated at step ${t}`);
          assert.equal(info.paramsUpdated, false);
          assert.equal(info.effectiveStepSize, 0);
        } else {
          assert.ok(m.some((x) => x !== 0), 'm did not start after k steps');
          assert.ok(Array.from(p.dataSync()).some((x, i) => x !== init[i]), 'theta did not move after k steps');
          assert.equal(info.paramsUpdated, true);
          assert.ok(info.effectiveStepSize > 0);
        }
      }
    } finally {
      p.dispose();
      opt.dispose();
    }
  });
  it('defaults to k = 2000', () => {
    const opt = createOptimizer({ name: 'adam-2k' }) as AdamOptimizer;
    assert.equal(opt.frozenSteps, 2000);
    opt.dispose();
  });
});

describe('optim: factory', () => {
  it('makes the right class with the documented defaults for every name', () => {
    const radam = createOptimizer({ name: 'radam' }) as RAdamOptimizer;
    assert.ok(radam instanceof RAdamOptimizer && radam instanceof tf.Optimizer);
    assert.deepEqual(
      [radam.learningRate, radam.beta1, radam.beta2, radam.epsilon, radam.weightDecay, radam.decoupledWeightDecay, radam.rectificationThreshold, radam.degeneratedToSgd],
      [1e-3, 0.9, 0.999, 1e-8, 0, false, 5, true],
    );
    const adamw = createOptimizer({ name: 'adamw' }) as AdamOptimizer;
    assert.ok(adamw instanceof AdamOptimizer);
    assert.equal(adamw.decoupledWeightDecay, true);
    assert.equal(adamw.weightDecay, OPTIMIZER_DEFAULTS.adamw.weightDecay);
    const adamEps = createOptimizer({ name: 'adam-eps' }) as AdamOptimizer;
    assert.equal(adamEps.epsilon, 1e-4);
    assert.equal(adamEps.frozenSteps, 0);
    const adam = createOptimizer({ name: 'adam', epsilon: 1e-6 }) as AdamOptimizer;
    assert.equal(adam.epsilon, 1e-6);
    const sgd = createOptimizer({ name: 'sgd-momentum', beta1: 0.5 }) as SgdMomentumOptimizer;
    assert.ok(sgd instanceof SgdMomentumOptimizer);
    assert.equal(sgd.momentum, 0.5);
    for (const o of [radam, adamw, adamEps, adam, sgd]) o.dispose();
  });

  it('rejects invalid specs with errors that name the field', () => {
    const problems = validateOptimizerSpec({ name: 'radam', beta2: 1, learningRate: -1, rectificationThreshold: 3, k: 1.5, schedule: { kind: 'linear-warmup' } });
    const fields = problems.map((p) => p.field).sort();
    assert.deepEqual(fields, ['beta2', 'k', 'learningRate', 'rectificationThreshold', 'schedule.warmupSteps']);
    assert.deepEqual(validateOptimizerSpec({ name: 'nadam' }).map((p) => p.field), ['name']);
    assert.deepEqual(validateOptimizerSpec({ name: 'adamw', decoupledWeightDecay: false }).map((p) => p.field), ['decoupledWeightDecay']);
    assert.deepEqual(validateOptimizerSpec({ name: 'radam', schedule: { kind: 'untuned-warmup', decay: 'cosine', decaySteps: 100 } }), []);
    assert.throws(() => createOptimizer({ name: 'radam', beta1: 1 }), /beta1/);
  });
});

describe('optim: slots keyed by variable name', () => {
  it('gives the same result whatever the order of the gradients, and a variable added later its own step count', () => {
    const a1 = tf.variable(tf.tensor1d(randoms(1, 8)), true, `order-a1-${uid}`);
    const b1 = tf.variable(tf.tensor1d(randoms(2, 5)), true, `order-b1-${uid}`);
    const a2 = tf.variable(tf.tensor1d(randoms(1, 8)), true, `order-a2-${uid}`);
    const b2 = tf.variable(tf.tensor1d(randoms(2, 5)), true, `order-b2-${uid++}`);
    const o1 = new RAdamOptimizer({ learningRate: 1e-2 });
    const o2 = new RAdamOptimizer({ learningRate: 1e-2 });
    try {
      for (let t = 1; t <= 12; t++) {
        const ga = tf.tensor1d(randoms(10 + t, 8));
        const gb = tf.tensor1d(randoms(20 + t, 5));
        if (t <= 3) {
          o1.applyGradients({ [a1.name]: ga });
          o2.applyGradients([{ name: a2.name, tensor: ga }]);
        } else {
          o1.applyGradients({ [a1.name]: ga, [b1.name]: gb });
          o2.applyGradients([{ name: b2.name, tensor: gb }, { name: a2.name, tensor: ga }]);
        }
        tf.dispose([ga, gb]);
      }
      assert.deepEqual(Array.from(a1.dataSync()), Array.from(a2.dataSync()));
      assert.deepEqual(Array.from(b1.dataSync()), Array.from(b2.dataSync()));
      assert.equal(o1.iterations, 12);
      assert.equal(o1.stepOf(a1.name), 12);
      assert.equal(o1.stepOf(b1.name), 9);
      // b was added at global step 4: its first update is its own step 1, i.e. the SGD phase.
      assert.equal(o2.lastStep!.step, 12);
    } finally {
      tf.dispose([a1, b1, a2, b2]);
      o1.dispose();
      o2.dispose();
    }
  });

  it('skips variables whose gradient is null and reports the step', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]), true, `null-a-${uid++}`);
    const opt = new RAdamOptimizer();
    try {
      opt.applyGradients({ [a.name]: null as unknown as ReturnType<typeof tf.tensor1d> });
      assert.deepEqual(Array.from(a.dataSync()), [1, 2, 3]);
      assert.equal(opt.slotCount, 0);
      assert.equal(opt.lastStep!.paramsUpdated, false);
      assert.throws(() => opt.applyGradients({ 'no-such-variable': tf.zeros([1]) }), /no variable named/);
    } finally {
      a.dispose();
      opt.dispose();
    }
  });

  it('refuses stale state when a variable of another shape reuses a name', () => {
    const name = `reused-${uid++}`;
    const opt = new RAdamOptimizer();
    const a = tf.variable(tf.zeros([3]), true, name);
    const ga = tf.ones([3]);
    opt.applyGradients({ [name]: ga });
    a.dispose();
    const b = tf.variable(tf.zeros([4]), true, name);
    const gb = tf.ones([4]);
    try {
      assert.throws(() => opt.applyGradients({ [name]: gb }), /has shape \[3\] but the variable now has \[4\]/);
    } finally {
      tf.dispose([b, ga, gb]);
      opt.dispose();
    }
  });

  it('reports rho_t, r_t and the effective step size in lastStep', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]), true, `info-a-${uid++}`);
    const opt = new RAdamOptimizer({ learningRate: 0.1, degeneratedToSgd: false });
    try {
      for (let t = 1; t <= 7; t++) {
        const g = tf.tensor1d([0.1, -0.2, 0.3]);
        opt.applyGradients({ [a.name]: g });
        g.dispose();
        const info = opt.lastStep!;
        assert.equal(info.step, t);
        assert.equal(info.rectified, t >= 6);
        if (t < 6) {
          assert.equal(info.effectiveStepSize, 0);
          assert.equal(info.paramsUpdated, false);
        } else {
          const expected = (0.1 * (info.rT as number) * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
          assert.ok(Math.abs(info.effectiveStepSize - expected) < 1e-15);
        }
      }
      const sgd = new RAdamOptimizer({ learningRate: 0.1 });
      const g = tf.tensor1d([0.1, -0.2, 0.3]);
      sgd.applyGradients({ [a.name]: g });
      g.dispose();
      assert.ok(Math.abs(sgd.lastStep!.effectiveStepSize - 0.1 / (1 - 0.9)) < 1e-12);
      sgd.dispose();
    } finally {
      a.dispose();
      opt.dispose();
    }
  });
});
