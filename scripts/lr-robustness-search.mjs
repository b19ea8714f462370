#!/usr/bin/env node
// The search behind docs/lr-robustness.md (issue 16, item 5): is there a small setting where RAdam's final
// validation accuracy varies less across learning rates than Adam's, as in the paper's Figure 3?
//
// For one named setting: RAdam and Adam at lr 0.1, 0.03, 0.01, 0.003 (the paper's grid), 3 seeds. Each
// seed is one lockstep comparison of the 8 runs (the lr-sweep comparison of the "Learning-Rate Sweep"
// command: same data, initial weights and batch order), trained by the engine library without watching
// (no histograms or norms: only the final validation accuracy is needed). Prints, per optimizer and lr,
// the mean over seeds and the spread (min..max), then the spread across lr of the per-lr means, and
// appends one JSON line per setting to --json FILE.
//
//   node scripts/build.mjs && node scripts/lr-robustness-search.mjs SETTING [--json FILE] [--seeds 1,2,3]
//   node scripts/lr-robustness-search.mjs --list
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// Small models: one intra-op thread is the fastest (src/shared/threads.ts); set before TensorFlow loads.
process.env.TF_NUM_INTRAOP_THREADS ??= '1';
process.env.TF_NUM_INTEROP_THREADS ??= '1';
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const RATES = [0.1, 0.03, 0.01, 0.003];

const NO_WATCH = { histogramEvery: 0, histogramBins: 60, histogramRange: [-20, 0], perLayerHistograms: false, validationEvery: 0, normsEvery: 0 };

function base({ dataset, model, steps, batchSize, beta2 = 0.999 }) {
  return {
    label: 'base',
    optimizer: { name: 'radam', learningRate: 1e-3, beta1: 0.9, beta2, epsilon: 1e-8, weightDecay: 0, schedule: { kind: 'constant' } },
    dataset,
    model: { hiddenLayers: [], activation: 'relu', ...model },
    steps,
    batchSize,
    seed: 1,
    metrics: NO_WATCH,
  };
}

/** The settings tried, in the order of docs/lr-robustness.md. */
export const SETTINGS = {
  // The quick sweep (seed 3 only there), now over 3 seeds.
  'digits-mlp256': base({ dataset: { name: 'digits', validationSplit: 0.2 }, model: { name: 'mlp', hiddenLayers: [256, 256] }, steps: 1500, batchSize: 64 }),
  // Convolutional, as the paper's ResNet: fewer steps (a CNN step costs more).
  'digits-cnn': base({ dataset: { name: 'digits', validationSplit: 0.2 }, model: { name: 'cnn' }, steps: 600, batchSize: 32 }),
  // Deeper, narrower ReLU MLP: more ways for large early steps to kill units for good.
  'digits-mlp6x128': base({ dataset: { name: 'digits', validationSplit: 0.2 }, model: { name: 'mlp', hiddenLayers: [128, 128, 128, 128, 128, 128] }, steps: 1000, batchSize: 64 }),
  // Short training: the early phase, where RAdam and Adam differ, is a larger share of the run.
  'digits-mlp256-short': base({ dataset: { name: 'digits', validationSplit: 0.2 }, model: { name: 'mlp', hiddenLayers: [256, 256] }, steps: 300, batchSize: 64 }),
  // A 2-D toy: 3-arm spiral, deep MLP.
  'spiral-mlp4x64': base({ dataset: { name: 'spiral', validationSplit: 0.2 }, model: { name: 'mlp', hiddenLayers: [64, 64, 64, 64] }, steps: 2000, batchSize: 32 }),
  // Small batch: noisier early gradients, where Adam's first adaptive steps are worst.
  'digits-mlp256-b16': base({ dataset: { name: 'digits', validationSplit: 0.2 }, model: { name: 'mlp', hiddenLayers: [256, 256] }, steps: 1500, batchSize: 16 }),
  // The Transformer family of the other preset (docs/transformer-experiment.md): post-LN, beta2 = 0.999,
  // where RAdam trained at lr 3e-3 and 1e-2 with 6 layers and Adam did not; with 4 layers Adam trained at
  // 3e-3, so Adam's accuracy can vary across the grid rather than fail everywhere.
  'reverse-transformer4': base({
    dataset: { name: 'reverse', validationSplit: 0.1, samples: 10000, sequenceLength: 12, vocabularySize: 16 },
    model: { name: 'transformer', layers: 4, dModel: 64, heads: 4, ffDim: 256, norm: 'post' },
    steps: 300,
    batchSize: 32,
  }),
  // The same, cheaper: 3 layers of width 32.
  'reverse-transformer3-d32': base({
    dataset: { name: 'reverse', validationSplit: 0.1, samples: 10000, sequenceLength: 12, vocabularySize: 16 },
    model: { name: 'transformer', layers: 3, dModel: 32, heads: 4, ffDim: 128, norm: 'post' },
    steps: 300,
    batchSize: 32,
  }),
  'digits-mlp256-tanh': base({ dataset: { name: 'digits', validationSplit: 0.2 }, model: { name: 'mlp', hiddenLayers: [256, 256], activation: 'tanh' }, steps: 1500, batchSize: 64 }),
};

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const [k, v] of Object.entries(SETTINGS)) console.log(k, JSON.stringify({ dataset: v.dataset, model: v.model, steps: v.steps, batchSize: v.batchSize, beta2: v.optimizer.beta2 }));
    return;
  }
  const name = args.find((a) => !a.startsWith('--') && !/^[\d,]+$/.test(a));
  const setting = SETTINGS[name];
  if (!setting) throw new Error(`unknown setting ${name}; --list shows them`);
  const at = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const seeds = (at('--seeds') ?? '1,2,3').split(',').map(Number);
  const jsonFile = at('--json');

  const { runComparison } = require(path.join(root, 'dist', 'lib', 'engine.js'));
  const sweep = (b) => {
    const runs = [];
    for (const lr of RATES) {
      for (const opt of ['radam', 'adam']) runs.push({ ...b, label: `${opt} ${lr}`, optimizer: { ...b.optimizer, name: opt, learningRate: lr } });
    }
    return { kind: 'lr-sweep', runs };
  };
  const acc = { radam: RATES.map(() => []), adam: RATES.map(() => []) };
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-robustness-'));
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  try {
    for (const seed of seeds) {
      const ended = new Map();
      const comparison = sweep({ ...setting, seed });
      const result = await runComparison({ comparison, runsDir, watch: false, events: { runEnded: (e) => ended.set(e.runId, e) } });
      // result.runs is in the order of comparison.runs; a run that did not finish (diverged: NaN/inf loss) counts as 0.
      comparison.runs.forEach((r, i) => {
        const e = ended.get(result.runs[i].id);
        const a = e?.status === 'finished' ? (e.summary.finalValAccuracy ?? 0) : 0;
        acc[r.optimizer.name][RATES.indexOf(r.optimizer.learningRate)].push(a);
      });
      process.stderr.write(`seed ${seed} done (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
  const cpu = process.cpuUsage(cpu0);
  const pct = (x) => (100 * x).toFixed(1);
  const rows = {};
  console.log(`setting ${name}: ${JSON.stringify({ dataset: setting.dataset.name, model: setting.model, steps: setting.steps, batchSize: setting.batchSize, beta2: setting.optimizer.beta2 })}`);
  console.log(`seeds ${seeds.join(',')}; wall ${((Date.now() - t0) / 1000).toFixed(0)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s, load ${os.loadavg()[0].toFixed(1)}`);
  for (const opt of ['radam', 'adam']) {
    const means = acc[opt].map(mean);
    rows[opt] = RATES.map((lr, i) => ({ lr, values: acc[opt][i], mean: means[i], min: Math.min(...acc[opt][i]), max: Math.max(...acc[opt][i]) }));
    const cells = rows[opt].map((r) => `${lr(r.lr)}: ${pct(r.mean)} (${pct(r.min)}..${pct(r.max)})`).join('  ');
    const across = Math.max(...means) - Math.min(...means);
    rows[opt + 'Spread'] = across;
    console.log(`${opt.padEnd(5)} ${cells}  | spread of means across lr ${pct(across)} pts`);
  }
  function lr(x) {
    return `lr ${x}`;
  }
  if (jsonFile) fs.appendFileSync(jsonFile, JSON.stringify({ setting: name, spec: setting, seeds, cpuS: (cpu.user + cpu.system) / 1e6, load: os.loadavg()[0], ...rows }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
