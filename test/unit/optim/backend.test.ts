import assert from 'node:assert/strict';
import * as lib from '../../../src/optim';

describe('optim: backend and exports', () => {
  it(`runs on the native TensorFlow backend when RADAM_REQUIRE_NATIVE=1 (now: '${lib.backendInfo.name}', RADAM_REQUIRE_NATIVE=${process.env.RADAM_REQUIRE_NATIVE ?? 'unset'})`, () => {
    assert.equal(lib.tf.getBackend(), lib.backendInfo.name);
    if (process.env.RADAM_REQUIRE_NATIVE === '1') {
      assert.equal(lib.backendInfo.name, 'tensorflow');
      assert.equal(lib.backendInfo.native, true);
    } else if (!lib.backendInfo.native) {
      // the pure-JS fallback must say why it is in use
      assert.equal(lib.backendInfo.name, 'cpu');
      assert.match(lib.backendInfo.warning ?? '', /tfjs-node/);
    }
  });

  it('exports what issue 4 lists', () => {
    for (const name of ['RAdamOptimizer', 'rectification', 'createOptimizer', 'tf', 'backendInfo', 'learningRateAt', 'scheduleMultiplier', 'linearWarmup', 'exponentialWarmup', 'untunedWarmupSteps', 'withSchedule']) {
      assert.ok((lib as Record<string, unknown>)[name] !== undefined, name);
    }
    assert.ok(new lib.RAdamOptimizer() instanceof lib.tf.Optimizer);
  });
});
