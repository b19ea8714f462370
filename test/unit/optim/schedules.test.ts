import assert from 'node:assert/strict';
import {
  cosineDecay,
  createOptimizer,
  exponentialWarmup,
  learningRateAt,
  linearDecay,
  linearWarmup,
  makeSchedule,
  resolveOptimizerSpec,
  scheduleMultiplier,
  setLearningRate,
  tf,
  untunedWarmupSteps,
  validateSchedule,
  withSchedule,
  type OptimizerSpec,
  type ScheduleSpec,
} from '../../../src/optim';
import { close } from './helpers';
import { model64, randoms } from './model64';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('optim: schedules', () => {
  it('linear warmup lr * min(1, t/w) at chosen steps', () => {
    const s: ScheduleSpec = { kind: 'linear-warmup', warmupSteps: 100 };
    near(learningRateAt(s, 0.1, 1), 0.001);
    near(learningRateAt(s, 0.1, 25), 0.025);
    near(learningRateAt(s, 0.1, 100), 0.1);
    near(learningRateAt(s, 0.1, 5000), 0.1);
    near(linearWarmup(3, 4), 0.75);
  });

  it('exponential warmup lr * (1 - exp(-t/w)) at chosen steps', () => {
    const s: ScheduleSpec = { kind: 'exponential-warmup', warmupSteps: 50 };
    near(scheduleMultiplier(s, 50), 1 - Math.exp(-1));
    near(scheduleMultiplier(s, 1), 1 - Math.exp(-1 / 50));
    near(scheduleMultiplier(s, 500), 1 - Math.exp(-10));
    near(exponentialWarmup(10, 10), 1 - Math.exp(-1));
  });

  it('untuned warmup uses w = 2 / (1 - beta2) (2000 for 0.999, 200 for 0.99)', () => {
    near(untunedWarmupSteps(0.999), 2000, 1e-9);
    const s: ScheduleSpec = { kind: 'untuned-warmup' };
    near(scheduleMultiplier(s, 1000, 0.999), 0.5, 1e-9);
    near(scheduleMultiplier(s, 2000, 0.999), 1);
    near(scheduleMultiplier(s, 100, 0.99), 0.5, 1e-9);
    near(scheduleMultiplier({ kind: 'untuned-exponential-warmup' }, 1000, 0.999), 1 - Math.exp(-1), 1e-9);
  });

  it('constant is 1; decays follow warmup and end at finalScale', () => {
    near(scheduleMultiplier({ kind: 'constant' }, 12345), 1);
    near(scheduleMultiplier(undefined, 7), 1);
    const lin: ScheduleSpec = { kind: 'linear-warmup', warmupSteps: 10, decay: 'linear', decaySteps: 100, finalScale: 0.1 };
    near(scheduleMultiplier(lin, 10), 1);
    near(scheduleMultiplier(lin, 60), 0.55);
    near(scheduleMultiplier(lin, 110), 0.1);
    near(scheduleMultiplier(lin, 1000), 0.1);
    const cos: ScheduleSpec = { kind: 'constant', decay: 'cosine', decaySteps: 100 };
    near(scheduleMultiplier(cos, 0), 1);
    near(scheduleMultiplier(cos, 50), 0.5);
    near(scheduleMultiplier(cos, 100), 0);
    near(cosineDecay(25, 0, 100), 0.5 * (1 + Math.cos(Math.PI / 4)));
    near(linearDecay(30, 10, 40, 0.5), 0.75);
    const delayed: ScheduleSpec = { kind: 'untuned-warmup', decay: 'linear', decaySteps: 1000, decayStart: 5000 };
    near(scheduleMultiplier(delayed, 4000, 0.999), 1);
    near(scheduleMultiplier(delayed, 5500, 0.999), 0.5);
    near(makeSchedule(lin, 2)(60), 1.1);
  });

  it('validates specs with errors that name the field', () => {
    assert.deepEqual(validateSchedule({ kind: 'linear-warmup', warmupSteps: 10 }), []);
    assert.deepEqual(validateSchedule({ kind: 'exponential-warmup' }).map((p) => p.field), ['schedule.warmupSteps']);
    assert.deepEqual(validateSchedule({ kind: 'cubic' }).map((p) => p.field), ['schedule.kind']);
    assert.deepEqual(validateSchedule({ kind: 'constant', decay: 'cosine' }).map((p) => p.field), ['schedule.decaySteps']);
    assert.deepEqual(validateSchedule({ kind: 'constant', decay: 'step' }).map((p) => p.field), ['schedule.decay']);
    assert.deepEqual(validateSchedule({ kind: 'constant', finalScale: 2 }).map((p) => p.field), ['schedule.finalScale']);
    assert.throws(() => makeSchedule({ kind: 'linear-warmup', warmupSteps: -1 }, 1), /warmupSteps/);
  });
});

describe('optim: schedules drive optimizers', () => {
  it('every optimizer of the factory follows its schedule (lastStep.learningRate, and the float64 model)', () => {
    const schedule: ScheduleSpec = { kind: 'linear-warmup', warmupSteps: 8, decay: 'cosine', decaySteps: 10, finalScale: 0.2 };
    const names: OptimizerSpec['name'][] = ['radam', 'adam', 'adamw', 'sgd-momentum', 'adam-2k', 'adam-eps'];
    for (const name of names) {
      const spec: OptimizerSpec = { name, learningRate: 0.01, schedule, k: 3, weightDecay: name === 'adamw' ? 0.1 : 0 };
      const opt = createOptimizer(spec);
      const init = randoms(5, 10);
      const model = model64(resolveOptimizerSpec(spec), init);
      const p = tf.variable(tf.tensor1d(init), true, `sched-${name}`);
      for (let t = 1; t <= 25; t++) {
        const g = randoms(t, 10);
        const gt = tf.tensor1d(g);
        opt.applyGradients({ [p.name]: gt });
        gt.dispose();
        model.step(g);
        near(opt.lastStep!.learningRate, learningRateAt(schedule, 0.01, t));
        const problem = close(p.dataSync(), model.state.p, 1e-5, 1e-4);
        assert.equal(problem, null, `${name} step ${t}: ${problem}`);
      }
      p.dispose();
      opt.dispose();
    }
  });

  it('the learning rate of any optimizer can be changed per step, ours and tfjs-core\'s', () => {
    const ours = createOptimizer({ name: 'radam', learningRate: 0.1 });
    setLearningRate(ours, 0.5);
    assert.equal(ours.learningRate, 0.5);
    const sgd = tf.train.sgd(0.1);
    const p = tf.variable(tf.tensor1d([1]), true, 'setlr-sgd');
    setLearningRate(sgd, 0.5);
    const g = tf.tensor1d([1]);
    sgd.applyGradients({ [p.name]: g });
    near(p.dataSync()[0], 0.5, 1e-7);
    tf.dispose([p, g]);
    sgd.dispose();
    ours.dispose();
  });

  it('withSchedule makes tf.train.adam follow a warmup (equal to our Adam with the same schedule)', () => {
    const schedule: ScheduleSpec = { kind: 'exponential-warmup', warmupSteps: 5 };
    const theirs = withSchedule(tf.train.adam(0.01, 0.9, 0.999, 1e-3), schedule, 0.01);
    const ours = createOptimizer({ name: 'adam', learningRate: 0.01, epsilon: 1e-3, schedule });
    const a = tf.variable(tf.tensor1d(randoms(8, 12)), true, 'ws-a');
    const b = tf.variable(tf.tensor1d(randoms(8, 12)), true, 'ws-b');
    for (let t = 1; t <= 20; t++) {
      const g = tf.tensor1d(randoms(30 + t, 12, 1e-3));
      theirs.applyGradients({ [a.name]: g });
      ours.applyGradients({ [b.name]: g });
      g.dispose();
      near(theirs.lastLearningRate!, learningRateAt(schedule, 0.01, t));
      const problem = close(a.dataSync(), b.dataSync(), 1e-5, 1e-4);
      assert.equal(problem, null, `step ${t}: ${problem}`);
    }
    assert.equal(theirs.iterations, 20);
    tf.dispose([a, b]);
    theirs.dispose();
    ours.dispose();
  });
});
