import assert from 'node:assert/strict';
import { createOptimizer, tf, withSchedule, type OptimizerSpec } from '../../../src/optim';

describe('optim: no leaked tensors', () => {
  const specs: OptimizerSpec[] = [
    // 1000 steps with beta1 0.9 renormalise the scaled first moment 5 times; the schedule changes lr
    // (and so the cached decoupled-decay factor) every step.
    { name: 'radam', weightDecay: 0.01, decoupledWeightDecay: true, schedule: { kind: 'linear-warmup', warmupSteps: 100, decay: 'cosine', decaySteps: 800 } },
    { name: 'radam', weightDecay: 0.01, degeneratedToSgd: false },
    { name: 'adam' },
    { name: 'adamw' },
    { name: 'adam-2k', k: 100 },
    { name: 'adam-eps', beta1: 0.3 },
    { name: 'sgd-momentum', weightDecay: 0.001 },
  ];
  for (const spec of specs) {
    it(`${JSON.stringify(spec)}: tf.memory().numTensors flat over 1000 steps, back to the start after dispose`, () => {
      const w = tf.tidy(() => tf.variable(tf.randomNormal([16, 8]), true));
      const b = tf.tidy(() => tf.variable(tf.zeros([8]), true));
      const gw = tf.randomNormal([16, 8], 0, 0.1);
      const gb = tf.randomNormal([8], 0, 0.1);
      const before = tf.memory().numTensors;
      const opt = createOptimizer(spec);
      opt.applyGradients({ [w.name]: gw, [b.name]: gb });
      const afterFirst = tf.memory().numTensors;
      let max = afterFirst;
      for (let t = 2; t <= 1000; t++) {
        opt.applyGradients(t % 2 ? { [w.name]: gw, [b.name]: gb } : [{ name: b.name, tensor: gb }, { name: w.name, tensor: gw }]);
        max = Math.max(max, tf.memory().numTensors);
      }
      assert.equal(tf.memory().numTensors, afterFirst, 'tensor count grew over 1000 steps');
      assert.equal(max, afterFirst, "tensor count between steps rose above the first step's");
      opt.dispose();
      assert.equal(tf.memory().numTensors, before, 'dispose() left tensors behind');
      tf.dispose([w, b, gw, gb]);
    });
  }

  it('getWeights does not accumulate tensors when called repeatedly', async () => {
    const w = tf.variable(tf.randomNormal([4]), true);
    const g = tf.onesLike(w);
    const opt = createOptimizer({ name: 'radam' });
    opt.applyGradients({ [w.name]: g });
    await opt.getWeights();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      opt.applyGradients({ [w.name]: g });
      await opt.getWeights();
    }
    assert.equal(tf.memory().numTensors, n);
    opt.dispose();
    tf.dispose([w, g]);
  });

  it('withSchedule(tf.train.adam) adds no tensors per step', () => {
    const w = tf.variable(tf.randomNormal([4]), true);
    const g = tf.onesLike(w);
    const opt = withSchedule(tf.train.adam(0.01), { kind: 'exponential-warmup', warmupSteps: 10 }, 0.01);
    opt.applyGradients({ [w.name]: g });
    const n = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) opt.applyGradients({ [w.name]: g });
    assert.equal(tf.memory().numTensors, n);
    opt.dispose();
    tf.dispose([w, g]);
  });
});
