// RAdam where tfjs users put an optimizer: model.compile / model.fit / model.save({ includeOptimizer }).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backendInfo, RAdamOptimizer, tf } from '../../../src/optim';
import { close } from './helpers';
import { randoms } from './model64';

type Model = ReturnType<typeof tf.sequential>;
type Artifacts = Parameters<typeof tf.io.fromMemory>[0];

function data() {
  const x = tf.tensor2d(randoms(11, 128 * 4), [128, 4]);
  const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([0.5, -1, 2, 0.25])), 1, true).add(0.3));
  return { x, y };
}

function model(): Model {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 16, activation: 'tanh', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

/** Save with the optimizer and load back: file:// on the native backend, in memory otherwise. */
async function saveAndLoad(m: Model): Promise<{ loaded: Model; where: string }> {
  if (backendInfo.native) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-optim-test-'));
    try {
      await m.save(`file://${dir}`, { includeOptimizer: true });
      const loaded = (await tf.loadLayersModel(`file://${path.join(dir, 'model.json')}`)) as Model;
      return { loaded, where: `file://${dir}` };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  let artifacts: Artifacts | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  const loaded = (await tf.loadLayersModel(tf.io.fromMemory(artifacts as Artifacts))) as Model;
  return { loaded, where: 'memory (tf.io.withSaveHandler / fromMemory)' };
}

describe(`optim: tf.LayersModel integration (${backendInfo.name} backend)`, () => {
  it('a tf.sequential compiled with { optimizer: new RAdamOptimizer() } trains with model.fit', async () => {
    const { x, y } = data();
    const m = model();
    const opt = new RAdamOptimizer({ learningRate: 0.01 });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const h = await m.fit(x, y, { epochs: 30, batchSize: 32, shuffle: false, verbose: 0 });
    const loss = h.history.loss as number[];
    assert.ok(loss[loss.length - 1] < 0.2 * loss[0], `loss ${loss[0]} -> ${loss[loss.length - 1]}`);
    assert.equal(opt.iterations, 30 * 4);
    assert.equal(opt.lastStep!.step, 120);
    assert.equal(opt.lastStep!.rectified, true);
    assert.equal(opt.slotCount, 4);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('model.save with includeOptimizer and loading restore the optimizer, which continues exactly', async () => {
    const { x, y } = data();
    const m = model();
    m.compile({ optimizer: new RAdamOptimizer({ learningRate: 0.01, beta2: 0.99, weightDecay: 1e-3, decoupledWeightDecay: true }), loss: 'meanSquaredError' });
    await m.fit(x, y, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
    const { loaded, where } = await saveAndLoad(m);
    const o1 = m.optimizer as RAdamOptimizer;
    const o2 = loaded.optimizer as RAdamOptimizer;
    assert.ok(o2 instanceof RAdamOptimizer, `loaded optimizer is ${o2?.getClassName()} (${where})`);
    assert.deepEqual(o2.getConfig(), o1.getConfig());
    assert.equal(o2.iterations, 12);
    const w1 = await o1.getWeights();
    const w2 = await o2.getWeights();
    assert.equal(w2.length, w1.length);
    for (let i = 0; i < w1.length; i++) {
      assert.deepEqual(Array.from(await w2[i].tensor.data()), Array.from(await w1[i].tensor.data()), `${w1[i].name} vs ${w2[i].name}`);
    }
    // Both continue: the loaded model's variables have new names (tfjs-layers adds _1 suffixes in this
    // process), so this also checks that the restored slots were matched to the right variables.
    await m.fit(x, y, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
    await loaded.fit(x, y, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
    const a = m.getWeights();
    const b = loaded.getWeights();
    for (let i = 0; i < a.length; i++) {
      const problem = close(b[i].dataSync(), a[i].dataSync(), 1e-6, 1e-5);
      assert.equal(problem, null, `weight ${i}: ${problem}`);
    }
    assert.equal(o2.iterations, 20);
    m.dispose();
    loaded.dispose();
    tf.dispose([x, y]);
  });
});
