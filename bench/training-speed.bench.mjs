#!/usr/bin/env node
// One file of ~650 lines on purpose: the MLP, Transformer and CNN tables and the thread sweep share the
// child-process harness and the interleaved rounds below, and are read as one measurement protocol.
// Training speed (issue 8): ms/step, samples/s and native ops per step of the MLP 784-256-256-10
// (softmax cross-entropy, digits-shaped data) at batch 128 and 1024, RAdam and Adam:
//
//   tfjs-node defaults        tf.sequential + optimizer.minimize(() => tf.losses.softmaxCrossEntropy(..)),
//                             tf.train.adam (Adam) or our RAdamOptimizer (tfjs has no RAdam), default threads
//   defaults + thread rule    the same step with the env our thread rule picks (what the threads alone buy)
//   engine, default threads   the trainer's step (src/trainer/engine.ts) with tfjs-node's default threads
//                             (what the fewer ops alone buy)
//   trainer                   the trainer's step with the thread rule: what the extension and the CLI run
//                             (watch off: loss, lr, rho_t, r_t only, as the PyTorch loop it is compared with)
//   trainer, watching         the same with the default watching (norms and histograms every 10 steps)
//
// and the ratio of the trainer's time to PyTorch's: the same model, batch and loop in PyTorch with
// torch.optim.RAdam (bench/training-speed-torch.py, the better of 1 and 2 threads), measured in the same
// interleaved rounds when torch is installed (training-speed-torch.mjs says where it looked), else the
// issue's figures, labelled as such (2.6 ms at batch 128, 10.5 ms at 1024). TensorFlow reads its thread settings once, when tfjs-node loads, so every
// configuration runs in a child process of its own (this file with --child), kept alive across rounds;
// rounds run the configurations one at a time in a different order each round, after a warm-up round,
// and every figure is the median over rounds of the round's median step time (these machines are shared:
// see ../shared/notes/environment.md; the load average is printed with the table).
//
// Ops per step are counted at the tfjs-node binding (src/trainer/opCounter.ts): native TF ops, uploads of
// JS data, and, for reference, the kernels tf.profile sees (it does not see ops dispatched straight to the
// binding, which is how the trainer's step runs).
//
//   node scripts/build.mjs && node bench/training-speed.bench.mjs [--quick] [--rounds N] [--json FILE] [--mlp]
//       the MLP table, then (unless --mlp) the --transformer and --cnn tables below
//   node bench/training-speed.bench.mjs --sweep [--quick]   the thread table behind src/shared/threads.ts
//   node bench/training-speed.bench.mjs --transformer [--quick] [--rounds N] [--preset-steps N] [--preset-only]
//       the Transformer paper preset (issue 17): layers path vs the native step, 1 vs 2 threads, and the
//       whole preset's wall time as the extension trains it (forked dist/trainer.js: one process, and split
//       over two when the auto rule of src/shared/trainerSplit.ts says so); --preset-only: that part alone
//   node bench/training-speed.bench.mjs --cnn [--quick] [--rounds N]     the cnn at batch 32 and 128
//   --native-only (with --transformer / --cnn): without the tfjs-layers path rows
//   With torch installed (training-speed-torch.mjs), PyTorch rows (1 and 2 threads) join every table.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, shuffled } from './figures.mjs';
import { TorchChild, torchConfigs, torchReference } from './training-speed-torch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ENGINE = path.join(root, 'dist', 'lib', 'engine.js');
const OPTIM = path.join(root, 'dist', 'lib', 'optim.js');
const THREADS = path.join(root, 'dist', 'lib', 'threads.js');
// The host's own code, compiled file by file by the build (out/): the preset is trained through it.
const HOST_GROUP = path.join(root, 'out', 'src', 'host', 'trainerGroup.js');
const SPLIT_RULE = path.join(root, 'out', 'src', 'shared', 'trainerSplit.js');
const ALLOCATOR = path.join(root, 'out', 'src', 'host', 'allocatorEnv.js');
const SELF = fileURLToPath(import.meta.url);

/**
 * PyTorch 2.13 CPU, 2 threads, same MLP and loss, Adam (issue 8): the fallback when torch is not installed
 * (otherwise PyTorch runs in the same rounds: training-speed-torch.mjs). Targets for our RAdam step (issue 17:
 * keep <= 1.0x).
 */
const PYTORCH_MS = { 128: 2.6, 1024: 10.5 };
const TARGET = { 128: 1.0, 1024: 1.0 };

const MLP = { hidden: [256, 256], activation: 'relu', dataset: 'digits' };

// ------------------------------------------------------------------------------------------------------
// child: one configuration (its thread env is fixed for the life of the process)

function engineSpec(w, steps) {
  if (w.model === 'cnn') {
    return {
      kind: 'single',
      runs: [
        {
          label: w.optimizer,
          optimizer: { name: w.optimizer, learningRate: 1e-3 },
          dataset: { name: 'digits', validationSplit: 0.1, samples: 4000 },
          model: { name: 'cnn', hiddenLayers: [], activation: 'relu' },
          steps,
          batchSize: w.batch,
          seed: 1,
          metrics: { histogramEvery: 10, histogramBins: 60, histogramRange: [-20, 0], perLayerHistograms: false, validationEvery: 0, normsEvery: 10 },
        },
      ],
    };
  }
  if (w.model === 'transformer') {
    // The paper preset's RAdam run (src/runSpec/presets.ts), validation only after the last step.
    const lib = require(ENGINE);
    const base = lib.paperTransformerBase({ steps });
    return { kind: 'single', runs: [{ ...base, metrics: { ...base.metrics, validationEvery: 0 } }] };
  }
  const [dataset, samples] = w.dataset === 'spiral' ? ['spiral', 4000] : ['digits', 4000];
  return {
    kind: 'single',
    runs: [
      {
        label: w.optimizer,
        optimizer: { name: w.optimizer, learningRate: 1e-3 },
        dataset: { name: dataset, validationSplit: 0.1, samples },
        model: { name: 'mlp', hiddenLayers: w.hidden, activation: w.activation },
        steps,
        batchSize: w.batch,
        seed: 1,
        // validationEvery 0: validation only after the last step (outside the timed steps)
        metrics: { histogramEvery: 10, histogramBins: 60, histogramRange: [-20, 0], perLayerHistograms: false, validationEvery: 0, normsEvery: 10 },
      },
    ],
  };
}

/**
 * Per-step durations of one round; the first `skip` steps (first kernels, allocator) are left out.
 * cpu: the process's CPU time per step over the timed steps (all threads): with one thread, wall time
 * well above it means the process waited for a core (other processes), not that the step got slower.
 */
function stats(durations, skip, cpuMs) {
  const d = durations.slice(skip);
  return { median: median(d), mean: d.reduce((a, b) => a + b, 0) / d.length, n: d.length, cpuPerStep: cpuMs / durations.length };
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function engineChild(w) {
  const lib = require(ENGINE);
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-speed-'));
  const run = async (steps, onStep) =>
    lib.runComparison({ comparison: engineSpec(w, steps), runsDir, watch: w.watch, nativeModels: w.nativeModels ?? true, graphSteps: w.graphSteps ?? true, fusedUpdates: w.fusedUpdates ?? true, events: onStep ? { step: onStep } : {} });
  return {
    backend: lib.backendInfo,
    async round(steps) {
      const durations = [];
      let last = 0;
      let cpu0 = 0;
      let cpu1 = 0;
      await run(steps, (s) => {
        const now = performance.now();
        if (s > 1) durations.push(now - last);
        else cpu0 = cpuNow();
        cpu1 = cpuNow();
        last = now;
      });
      fs.rmSync(runsDir, { recursive: true, force: true });
      fs.mkdirSync(runsDir);
      return stats(durations, 3, cpu1 - cpu0);
    },
    async count() {
      // Two runs that differ only by n steps: the difference is what n steps dispatch.
      const n = 20;
      const a = (await lib.countNativeOps(() => run(n))).counts;
      const b = (await lib.countNativeOps(() => run(2 * n))).counts;
      // tf.profile hands back one shared object: read each count before the next profile.
      const ka = (await lib.tf.profile(() => run(n))).kernels.length;
      const kb = (await lib.tf.profile(() => run(2 * n))).kernels.length;
      const per = lib.perStep(a, b, n);
      return { ...per, profileKernels: (kb - ka) / n };
    },
    close() {
      fs.rmSync(runsDir, { recursive: true, force: true });
    },
  };
}

/** Plain tfjs-node: a layers model trained with optimizer.minimize, as the tfjs tutorials do. */
async function minimizeChild(w) {
  const lib = require(ENGINE); // for tf (the same tfjs-node instance) and the op counter
  const { tf } = lib;
  const N = 4096;
  const inputs = 784;
  const x = tf.randomNormal([N, inputs], 0, 1, 'float32', 1);
  const labels = tf.tidy(() => tf.oneHot(tf.randomUniform([N], 0, 10, 'int32', 2), 10).toFloat());
  const model = tf.sequential();
  w.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: w.activation, ...(i === 0 ? { inputShape: [inputs] } : {}) })));
  model.add(tf.layers.dense({ units: 10 }));
  const optimizer = w.optimizer === 'adam' ? tf.train.adam(1e-3) : require(OPTIM).createOptimizer({ name: w.optimizer, learningRate: 1e-3 });
  let at = 0;
  const index = new Int32Array(w.batch);
  const step = () => {
    for (let k = 0; k < w.batch; k++) index[k] = (at + k * 7919) % N;
    at += w.batch;
    const idx = tf.tensor1d(index, 'int32');
    const xb = tf.gather(x, idx);
    const yb = tf.gather(labels, idx);
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb)), true);
    loss.dataSync(); // the loss read back every step, as the trainer does
    tf.dispose([idx, xb, yb, loss]);
  };
  return {
    backend: lib.backendInfo,
    async round(steps) {
      const durations = [];
      let cpu = 0;
      for (let i = 0; i < steps; i++) {
        const c = cpuNow();
        const t = performance.now();
        step();
        durations.push(performance.now() - t);
        cpu += cpuNow() - c;
        if (i % 16 === 15) await new Promise((r) => setImmediate(r));
      }
      return stats(durations, 3, cpu);
    },
    async count() {
      const n = 20;
      const { counts } = await lib.countNativeOps(() => {
        for (let i = 0; i < n; i++) step();
      });
      const p = await tf.profile(() => {
        for (let i = 0; i < n; i++) step();
      });
      const byName = Object.fromEntries(Object.entries(counts.byName).map(([k, v]) => [k, v / n]));
      return { ops: counts.ops / n, uploads: counts.uploads / n, deletes: counts.deletes / n, byName, profileKernels: p.kernels.length / n };
    },
    close() {},
  };
}

/**
 * The whole paper preset (3 runs, default watching and validation) as the extension trains it: the host's
 * TrainerGroup forks dist/trainer.js once per part, with the thread rule's environment, and the clock runs
 * from the fork to the comparison's end (so the second process's tfjs start-up is counted).
 */
async function presetThroughTrainers(steps, parts, env) {
  const { TrainerGroup } = require(HOST_GROUP);
  const lib = require(ENGINE);
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-speed-'));
  try {
    const t = performance.now();
    const group = new TrainerGroup({ distDir: path.join(root, 'dist'), log: () => {}, env, parts });
    const statuses = [];
    const endedAtMs = [];
    const ended = new Promise((resolve) =>
      group.onMessage((m) => {
        if (m.type === 'runEnded') {
          statuses.push(m.status);
          endedAtMs.push(performance.now() - t);
        }
        if (m.type === 'comparisonEnded') resolve(m);
      }),
    );
    group.startComparison({ comparison: lib.paperTransformerComparison({ steps }), runsDir });
    const end = await ended;
    const wallMs = performance.now() - t;
    await group.shutdown();
    return { wallMs, processes: parts.length, parts, ok: end.ok, statuses, endedAtMs };
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

async function child() {
  let impl = null;
  process.on('message', async (m) => {
    try {
      if (m.type === 'init') {
        impl = m.workload.kind === 'minimize' ? await minimizeChild(m.workload) : await engineChild(m.workload);
        process.send({ type: 'ready', backend: impl.backend });
      } else if (m.type === 'round') {
        process.send({ type: 'round', ...(await impl.round(m.steps)) });
      } else if (m.type === 'count') {
        process.send({ type: 'count', ...(await impl.count()) });
      } else if (m.type === 'exit') {
        impl?.close();
        process.exit(0);
      }
    } catch (e) {
      process.send({ type: 'error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}

// ------------------------------------------------------------------------------------------------------
// parent

/**
 * The environment of a child: ours without any TF_* thread setting, plus the allocator settings the host
 * forks every trainer with (src/host/allocatorEnv.ts), plus the configuration's.
 */
function childEnv(extra) {
  const { allocatorEnv } = require(ALLOCATOR);
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  for (const k of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'TF_ENABLE_ONEDNN_OPTS', 'OMP_NUM_THREADS']) delete env[k];
  return { ...env, ...allocatorEnv({ ...env, ...extra }), ...extra };
}

class Child {
  constructor(config) {
    this.config = config;
    this.proc = fork(SELF, ['--child'], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: childEnv(config.env) });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.waiting = null;
    this.proc.on('message', (m) => {
      const w = this.waiting;
      this.waiting = null;
      if (!w) return;
      if (m.type === 'error') w.reject(new Error(`${config.name}: ${m.error}`));
      else w.resolve(m);
    });
    this.proc.once('exit', (code, signal) => this.waiting?.reject(new Error(`${config.name}: child exited (${code ?? signal}): ${this.stderr}`)));
  }

  ask(msg) {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.proc.send(msg);
    });
  }

  async close() {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.send({ type: 'exit' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Runs `configs` (each {name, workload, env, steps}) in interleaved rounds; returns per config the
 * median over rounds of the round median (ms/step), the rounds, and the op counts.
 */
async function measure(configs, { rounds, log, count = true }) {
  const children = configs.map((c) => (c.torch ? new TorchChild(c, c.python) : new Child(c)));
  const out = configs.map((c) => ({ ...c, rounds: [], ops: null, backend: null }));
  try {
    for (let i = 0; i < children.length; i++) {
      out[i].backend = (await children[i].ask({ type: 'init', workload: configs[i].workload })).backend;
      if (!configs[i].torch && out[i].backend?.name !== 'tensorflow') throw new Error(`${configs[i].name}: backend ${out[i].backend?.name}, not tfjs-node`);
      await children[i].ask({ type: 'round', steps: Math.ceil(configs[i].steps / 2) }); // warm-up
      if (count) out[i].ops = await children[i].ask({ type: 'count' });
    }
    for (let r = 0; r < rounds; r++) {
      for (const i of shuffled(configs.map((_, k) => k), 101 + r)) {
        const res = await children[i].ask({ type: 'round', steps: configs[i].steps });
        out[i].rounds.push(res);
      }
      log(`[speed] round ${r + 1}/${rounds} done (load ${os.loadavg()[0].toFixed(2)})`);
    }
  } finally {
    await Promise.all(children.map((c) => c.close().catch(() => {})));
  }
  for (const o of out) {
    o.msPerStep = median(o.rounds.map((x) => x.median));
    o.meanMsPerStep = median(o.rounds.map((x) => x.mean));
    o.cpuMsPerStep = median(o.rounds.map((x) => x.cpuPerStep));
  }
  return out;
}

function threadRule() {
  if (!fs.existsSync(THREADS)) throw new Error(`${THREADS} is missing: run node scripts/build.mjs first`);
  return require(THREADS);
}

/** A RunSpec-shaped description of the bench's MLP for the thread rule. */
function ruleSpec(batch) {
  return engineSpec({ optimizer: 'radam', hidden: MLP.hidden, activation: MLP.activation, dataset: 'digits', batch }, 1).runs[0];
}

export async function runSpeedBench({ quick = false, rounds = quick ? 3 : 7, log = (s) => process.stderr.write(s + '\n') } = {}) {
  if (!fs.existsSync(ENGINE)) throw new Error(`${ENGINE} is missing: run node scripts/build.mjs first`);
  const { tfThreadEnv } = threadRule();
  const cores = os.cpus().length;
  const results = { cpus: cores, loadBefore: os.loadavg(), rounds, rows: [], rule: {} };
  log(`[speed] ${cores} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${rounds} rounds per batch size`);
  for (const batch of [128, 1024]) {
    const rule = tfThreadEnv(ruleSpec(batch), cores, 'auto');
    results.rule[batch] = rule;
    log(`[speed] batch ${batch}: thread rule -> ${JSON.stringify(rule)}`);
    const steps = quick ? (batch >= 1024 ? 30 : 100) : batch >= 1024 ? 60 : 200;
    const configs = [];
    for (const optimizer of ['radam', 'adam']) {
      const w = { ...MLP, batch, optimizer };
      configs.push(
        { name: 'tfjs-node defaults', optimizer, batch, steps, env: {}, workload: { ...w, kind: 'minimize' } },
        { name: 'defaults + thread rule', optimizer, batch, steps, env: rule, workload: { ...w, kind: 'minimize' } },
        { name: 'engine, default threads', optimizer, batch, steps, env: {}, workload: { ...w, kind: 'engine', watch: false } },
        { name: 'engine op by op (no graph), thread rule', optimizer, batch, steps, env: rule, workload: { ...w, kind: 'engine', watch: false, graphSteps: false } },
        { name: 'graph step, update op by op (not fused), thread rule', optimizer, batch, steps, env: rule, workload: { ...w, kind: 'engine', watch: false, fusedUpdates: false } },
        { name: 'trainer', optimizer, batch, steps, env: rule, workload: { ...w, kind: 'engine', watch: false } },
        { name: 'trainer, watching', optimizer, batch, steps, env: rule, workload: { ...w, kind: 'engine', watch: true } },
      );
    }
    configs.push(...torchConfigs('mlp', batch, steps));
    results.rows.push(...(await measure(configs, { rounds, log })));
  }
  results.loadAfter = os.loadavg();
  return results;
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
/** Native ops per step, and the graph runs beside them (graph steps: the forward/backward is one run). */
const opsCell = (ops) => (ops?.graphRuns ? `${fmt(ops.ops, 1)} + ${fmt(ops.graphRuns, 1)} graph` : fmt(ops?.ops, 1));
const loadText = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * `ratio | CPU ratio` cells against the PyTorch reference; the trainer's row (name "trainer" or "trainer (...")
 * says whether it meets `target`. The CPU ratio (process CPU ms per step, all threads) is less sensitive to
 * waiting for a core on a shared machine than the wall ratio the targets are stated in.
 */
function ratioCell(r, ref, target) {
  const ratio = r.msPerStep / ref.ms;
  const isTrainer = r.name === 'trainer' || r.name.startsWith('trainer (');
  const mark = target && isTrainer ? ` (target ${target}x: ${ratio <= target ? 'met' : 'NOT met'})` : '';
  return `${fmt(ratio)}x${mark} | ${Number.isFinite(ref.cpuMs) ? `${fmt(r.cpuMsPerStep / ref.cpuMs)}x` : '-'}`;
}

/** PyTorch 2.13 CPU, 2 cores, the same Transformer preset step (issue 17), and the target for our RAdam step. */
const PYTORCH_TRANSFORMER_MS = 14;
const TRANSFORMER_TARGET = 1.5;

/**
 * The transformer paper preset's step (6 post-LN layers, d 64, 4 heads, ff 256, 12 tokens, batch 32, RAdam):
 * the tfjs-layers path (tf.variableGrads) against the native step (NativeTransformer), each with the thread
 * rule and with 2 intra-op threads; then the whole preset (3 runs x `presetSteps` steps) once, timed.
 */
export async function runTransformerBench({ quick = false, rounds = quick ? 3 : 5, presetSteps = 600, nativeOnly = false, presetOnly = false, log = (s) => process.stderr.write(s + '\n') } = {}) {
  if (!fs.existsSync(ENGINE)) throw new Error(`${ENGINE} is missing: run node scripts/build.mjs first`);
  const { tfThreadEnv } = threadRule();
  const lib = require(ENGINE);
  const cores = os.cpus().length;
  const rule = tfThreadEnv(lib.paperTransformerBase(), cores, 'auto');
  const two = { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '1' };
  const twoIntra = { ...rule, TF_NUM_INTRAOP_THREADS: '2' };
  const results = { cpus: cores, loadBefore: os.loadavg(), rounds, rule, rows: [] };
  log(`[speed] transformer preset: thread rule -> ${JSON.stringify(rule)}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const steps = quick ? 30 : 60;
  const w = { model: 'transformer', batch: 32, optimizer: 'radam', kind: 'engine' };
  const configs = [
    { name: 'layers path (tf.variableGrads), thread rule', env: rule, workload: { ...w, watch: false, nativeModels: false } },
    { name: 'layers path, 2 threads', env: two, workload: { ...w, watch: false, nativeModels: false } },
    { name: 'native step op by op (no graph), thread rule', env: rule, workload: { ...w, watch: false, graphSteps: false } },
    { name: 'graph step, update op by op (not fused), thread rule', env: rule, workload: { ...w, watch: false, fusedUpdates: false } },
    { name: 'graph step, 2 intra-op threads', env: twoIntra, workload: { ...w, watch: false } },
    { name: 'trainer (graph step, thread rule)', env: rule, workload: { ...w, watch: false } },
    { name: 'trainer, watching', env: rule, workload: { ...w, watch: true } },
  ]
    .filter((c) => !nativeOnly || c.workload.nativeModels !== false)
    .map((c) => ({ ...c, optimizer: 'radam', batch: 32, steps }));
  configs.push(...torchConfigs('transformer', 32, steps));
  results.rows = presetOnly ? [] : await measure(configs, { rounds, log });
  if (presetSteps > 0) {
    if (!fs.existsSync(HOST_GROUP)) throw new Error(`${HOST_GROUP} is missing: run node scripts/build.mjs first`);
    const { planProcesses, describePlan } = require(SPLIT_RULE);
    const comparison = lib.paperTransformerComparison({ steps: presetSteps });
    const plan = planProcesses(comparison, { cores, intraOpThreads: Number(rule.TF_NUM_INTRAOP_THREADS), setting: 'auto', otherComparisons: 0 });
    results.preset = { steps: presetSteps, plan: describePlan(plan) };
    log(`[speed] the whole preset, 3 runs x ${presetSteps} steps, default watching, thread rule, one trainer process; load ${loadText()}`);
    results.preset.one = { loadBefore: os.loadavg(), ...(await presetThroughTrainers(presetSteps, [comparison.runs.map((_, i) => i)], rule)) };
    if (plan.parts.length > 1) {
      log(`[speed] the same, ${describePlan(plan)}; load ${loadText()}`);
      results.preset.auto = { loadBefore: os.loadavg(), ...(await presetThroughTrainers(presetSteps, plan.parts, rule)) };
    }
  }
  results.loadAfter = os.loadavg();
  return results;
}

/** PyTorch 2.13 CPU, 2 cores, the same cnn step (issue 17), and the targets for our RAdam step. */
const PYTORCH_CNN_MS = { 32: 1.9, 128: 7.1 };
const CNN_TARGET = { 32: 1.5, 128: 1.2 };

/** The cnn (digits, 8/16 filters, RAdam) at batch 32 and 128: the layers path against the native step, 1 and 2 threads. */
export async function runCnnBench({ quick = false, rounds = quick ? 3 : 5, nativeOnly = false, log = (s) => process.stderr.write(s + '\n') } = {}) {
  const { tfThreadEnv } = threadRule();
  const cores = os.cpus().length;
  const results = { cpus: cores, loadBefore: os.loadavg(), rounds, rule: {}, rows: [] };
  for (const batch of [32, 128]) {
    const w = { model: 'cnn', batch, optimizer: 'radam', kind: 'engine' };
    const rule = tfThreadEnv(engineSpec(w, 1).runs[0], cores, 'auto');
    results.rule[batch] = rule;
    log(`[speed] cnn batch ${batch}: thread rule -> ${JSON.stringify(rule)}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const steps = quick ? 60 : 150;
    const configs = [
      { name: 'layers path (tf.variableGrads), thread rule', env: rule, workload: { ...w, watch: false, nativeModels: false } },
      { name: 'native step op by op (no graph), thread rule', env: rule, workload: { ...w, watch: false, graphSteps: false } },
      { name: 'graph step, update op by op (not fused), thread rule', env: rule, workload: { ...w, watch: false, fusedUpdates: false } },
      { name: 'graph step, 2 intra-op threads', env: { ...rule, TF_NUM_INTRAOP_THREADS: '2' }, workload: { ...w, watch: false } },
      { name: 'trainer (graph step, thread rule)', env: rule, workload: { ...w, watch: false } },
    ]
      .filter((c) => !nativeOnly || c.workload.nativeModels !== false)
      .map((c) => ({ ...c, optimizer: 'radam', batch, steps }));
    configs.push(...torchConfigs('cnn', batch, steps));
    results.rows.push(...(await measure(configs, { rounds, log })));
  }
  results.loadAfter = os.loadavg();
  return results;
}

export function cnnMarkdown(results) {
  const lines = [];
  lines.push(
    `Training speed, cnn (digits 28x28, conv 8 + pool, conv 16 + pool, dense 10, RAdam), ${results.cpus} CPUs, load average ` +
      `${results.loadBefore.map((x) => x.toFixed(2)).join(' ')} before / ${results.loadAfter.map((x) => x.toFixed(2)).join(' ')} after; median of ${results.rounds} interleaved rounds.`,
  );
  lines.push('');
  lines.push('| batch | configuration | ms/step | CPU ms/step | native ops/step | uploads/step | vs PyTorch | CPU vs PyTorch |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|');
  const how = [];
  for (const batch of [...new Set(results.rows.map((r) => r.batch))]) {
    const rows = results.rows.filter((r) => r.batch === batch);
    const ref = torchReference(rows, PYTORCH_CNN_MS[batch], `${PYTORCH_CNN_MS[batch]} ms at batch ${batch}`);
    how.push(`batch ${batch}: ${fmt(ref.ms)} ms, ${ref.how}`);
    for (const r of rows) lines.push(`| ${batch} | ${r.name} | ${fmt(r.msPerStep)} | ${fmt(r.cpuMsPerStep)} | ${opsCell(r.ops)} | ${fmt(r.ops?.uploads, 1)} | ${ratioCell(r, ref, CNN_TARGET[batch])} |`);
  }
  lines.push('');
  lines.push(`PyTorch figure of each ratio: ${how.join('; ')}.`);
  return lines.join('\n');
}

export function transformerMarkdown(results) {
  const lines = [];
  lines.push(
    `Training speed, Transformer paper preset (6 post-LN layers, d 64, 4 heads, ff 256, 12 tokens, batch 32, RAdam), ${results.cpus} CPUs, ` +
      `load average ${results.loadBefore.map((x) => x.toFixed(2)).join(' ')} before / ${results.loadAfter.map((x) => x.toFixed(2)).join(' ')} after; ` +
      `median of ${results.rounds} interleaved rounds of each round's median step. Thread rule: ${Object.entries(results.rule).map(([k, v]) => `${k}=${v}`).join(' ')}`,
  );
  lines.push('');
  lines.push('| configuration | ms/step | CPU ms/step | native ops/step | uploads/step | vs PyTorch | CPU vs PyTorch |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  const ref = torchReference(results.rows, PYTORCH_TRANSFORMER_MS, `${PYTORCH_TRANSFORMER_MS} ms/step, PyTorch 2.13 CPU on the same machine kind`);
  for (const r of results.rows) lines.push(`| ${r.name} | ${fmt(r.msPerStep)} | ${fmt(r.cpuMsPerStep)} | ${opsCell(r.ops)} | ${fmt(r.ops?.uploads, 1)} | ${ratioCell(r, ref, TRANSFORMER_TARGET)} |`);
  lines.push('');
  lines.push(`PyTorch figure of the ratios: ${fmt(ref.ms)} ms/step, ${ref.how}.`);
  if (results.preset) {
    const p = results.preset;
    const figure = (r) =>
      `${fmt(r.wallMs / 1000, 1)} s wall (${p.steps === 600 ? `target 60 s: ${r.wallMs <= 60_000 ? 'met' : 'NOT met'}` : 'the 60 s target is for 600 steps'}; load ${r.loadBefore.map((x) => x.toFixed(2)).join(' ')} before); runs ${r.statuses.join(', ')} at ${r.endedAtMs.map((ms) => fmt(ms / 1000, 1)).join(', ')} s`;
    lines.push(`The whole preset (3 runs x ${p.steps} steps, watching and validation as shipped, forked trainers from fork to end):`);
    lines.push(`- one trainer process: ${figure(p.one)}`);
    lines.push(p.auto ? `- as the extension runs it, ${p.plan}: ${figure(p.auto)}` : `- as the extension runs it: the same (${p.plan})`);
  }
  return lines.join('\n');
}

export function markdown(results) {
  const lines = [];
  lines.push(
    `Training speed, MLP 784-256-256-10 (softmax cross-entropy), ${results.cpus} CPUs, load average ${results.loadBefore.map((x) => x.toFixed(2)).join(' ')} ` +
      `before / ${results.loadAfter.map((x) => x.toFixed(2)).join(' ')} after; median of ${results.rounds} interleaved rounds of each round's median step.`,
  );
  lines.push(`Thread rule: ${Object.entries(results.rule).map(([b, e]) => `batch ${b}: ${Object.entries(e).map(([k, v]) => `${k}=${v}`).join(' ')}`).join('; ')}`);
  lines.push('');
  lines.push('| batch | optimizer | configuration | ms/step | samples/s | native ops/step | uploads/step | tf.profile kernels/step | vs PyTorch | CPU vs PyTorch |');
  lines.push('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|');
  const how = [];
  for (const batch of [...new Set(results.rows.map((r) => r.batch))]) {
    const rows = results.rows.filter((r) => r.batch === batch);
    const ref = torchReference(rows, PYTORCH_MS[batch], `issue 8: ${PYTORCH_MS[batch]} ms at batch ${batch}, 2 threads, Adam`);
    how.push(`batch ${batch}: ${fmt(ref.ms)} ms, ${ref.how}`);
    for (const r of rows) {
      const target = r.name === 'trainer' && r.optimizer === 'radam' ? TARGET[r.batch] : null;
      lines.push(
        `| ${r.batch} | ${r.optimizer === 'radam' ? 'RAdam' : 'Adam'} | ${r.name} | ${fmt(r.msPerStep)} | ${Math.round((1000 * r.batch) / r.msPerStep)} | ` +
          `${opsCell(r.ops)} | ${fmt(r.ops?.uploads, 1)} | ${fmt(r.ops?.profileKernels, 1)} | ${ratioCell(r, ref, target)} |`,
      );
    }
  }
  lines.push('');
  lines.push(`PyTorch figure of each ratio: ${how.join('; ')}.`);
  return lines.join('\n');
}

// ---- the thread sweep (--sweep): ms/step of the trainer's step under each thread configuration ----

const SWEEP_WORKLOADS = [
  { name: 'spiral 2-64-64-3, batch 32', dataset: 'spiral', hidden: [64, 64], activation: 'relu', batch: 32, steps: 400 },
  { name: 'digits 784-256-256-10, batch 32', dataset: 'digits', hidden: [256, 256], activation: 'relu', batch: 32, steps: 300 },
  { name: 'digits 784-256-256-10, batch 128', dataset: 'digits', hidden: [256, 256], activation: 'relu', batch: 128, steps: 200 },
  { name: 'digits 784-256-256-10, batch 512', dataset: 'digits', hidden: [256, 256], activation: 'relu', batch: 512, steps: 80 },
  { name: 'digits 784-256-256-10, batch 1024', dataset: 'digits', hidden: [256, 256], activation: 'relu', batch: 1024, steps: 60 },
  { name: 'digits 784-1024-1024-10, batch 128', dataset: 'digits', hidden: [1024, 1024], activation: 'relu', batch: 128, steps: 60 },
  { name: 'digits 784-1024-1024-10, batch 1024', dataset: 'digits', hidden: [1024, 1024], activation: 'relu', batch: 1024, steps: 20 },
  { name: 'digits 784-256-256-10, batch 2048', dataset: 'digits', hidden: [256, 256], activation: 'relu', batch: 2048, steps: 30 },
  { name: 'digits 784-2048-2048-10, batch 256', dataset: 'digits', hidden: [2048, 2048], activation: 'relu', batch: 256, steps: 20 },
  // Not MLPs: the rule's FLOPs per op for these come from their op counts (src/shared/threads.ts); here they
  // are measured under the same configurations (`--only transformer`, `--only cnn`).
  { name: 'transformer preset, batch 32', model: 'transformer', batch: 32, steps: 40 },
  { name: 'cnn, batch 32', model: 'cnn', batch: 32, steps: 150 },
  { name: 'cnn, batch 128', model: 'cnn', batch: 128, steps: 60 },
];


/** A MALLOC_ variable that changes nothing (0: no heap checking), so no allocator settings are added. */
const GLIBC_DEFAULTS = { MALLOC_CHECK_: '0' };

const SWEEP_CONFIGS = [
  { name: 'default', env: {} },
  { name: 'intra 1', env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' } },
  { name: 'intra 1, oneDNN off', env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1', TF_ENABLE_ONEDNN_OPTS: '0' } },
  { name: 'intra 2', env: { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '1' } },
  { name: 'intra 2, oneDNN off', env: { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '1', TF_ENABLE_ONEDNN_OPTS: '0' } },
  { name: 'intra 1, inter 2', env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '2' } },
  // Graph steps (src/trainer/graphStep.ts) run independent ops at once on the inter-op threads.
  { name: 'inter 2 + intra 1', env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '2' } },
  { name: 'inter 2 + intra 2', env: { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '2' } },
  // TensorFlow's BFC allocator on the CPU (TF_CPU_ALLOCATOR_USE_BFC, read when TensorFlow loads): it keeps
  // freed buffers for the next tensors instead of returning them to malloc, so outputs land in memory that
  // is already mapped (first-touch page faults cost ~17 us per 4 KiB page on these VMs).
  { name: 'intra 1 + BFC', env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1', TF_CPU_ALLOCATOR_USE_BFC: 'true' } },
  { name: 'intra 2 + BFC', env: { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '1', TF_CPU_ALLOCATOR_USE_BFC: 'true' } },
  // Every configuration runs with the trainer's allocator settings (childEnv); these two with glibc's defaults
  // instead (MALLOC_CHECK_=0 is a MALLOC_ variable that changes nothing, so allocatorEnv adds none).
  { name: 'intra 1 + default malloc', env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1', ...GLIBC_DEFAULTS } },
  { name: 'intra 2 + default malloc', env: { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '1', ...GLIBC_DEFAULTS } },
  // oneDNN's kernels run on the calling thread plus the pool (TF_ONEDNN_THREADPOOL_USE_CALLER_THREAD) instead of
  // handing all work to the pool and waiting: one wake-up fewer per op.
  { name: 'intra 2 + caller', env: { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '1', TF_ONEDNN_THREADPOOL_USE_CALLER_THREAD: 'true' } },
];

/** Multiply-adds per example of an MLP (forward); a training step costs ~3x that per example. */
function macsPerExample(w) {
  const inputs = w.dataset === 'spiral' ? 2 : 784;
  const outputs = w.dataset === 'spiral' ? 3 : 10;
  const sizes = [inputs, ...w.hidden, outputs];
  let macs = 0;
  for (let i = 0; i + 1 < sizes.length; i++) macs += sizes[i] * sizes[i + 1];
  return macs;
}

export async function runSweep({ quick = false, rounds = quick ? 3 : 5, log = (s) => process.stderr.write(s + '\n'), workloads = SWEEP_WORKLOADS, configs = SWEEP_CONFIGS } = {}) {
  const results = { cpus: os.cpus().length, loadBefore: os.loadavg(), rounds, table: [] };
  for (const w of workloads) {
    log(`[sweep] ${w.name}`);
    const steps = quick ? Math.ceil(w.steps / 2) : w.steps;
    const rows = await measure(
      configs.map((c) => ({ name: c.name, env: c.env, steps, workload: { ...w, kind: 'engine', optimizer: 'radam', watch: false } })),
      { rounds, log, count: false },
    );
    results.table.push({
      workload: w.name,
      batch: w.batch,
      flopsPerStep: w.model ? null : 6 * w.batch * macsPerExample(w),
      ms: Object.fromEntries(rows.map((r) => [r.name, r.msPerStep])),
      cpuMs: Object.fromEntries(rows.map((r) => [r.name, r.cpuMsPerStep])),
      rounds: Object.fromEntries(rows.map((r) => [r.name, r.rounds])),
    });
  }
  results.loadAfter = os.loadavg();
  return results;
}

export function sweepMarkdown(results, configs = SWEEP_CONFIGS) {
  const lines = [];
  lines.push(
    `Thread sweep: trainer step (RAdam, watch off), ms/step, median of ${results.rounds} interleaved rounds; ${results.cpus} CPUs, ` +
      `load ${results.loadBefore.map((x) => x.toFixed(2)).join(' ')} before / ${results.loadAfter.map((x) => x.toFixed(2)).join(' ')} after. inter = TF_NUM_INTEROP_THREADS (1 unless named).`,
  );
  lines.push('');
  lines.push('Cells: wall ms/step (CPU ms/step of the process, all threads).');
  lines.push('');
  lines.push(`| workload | MFLOP/step | ${configs.map((c) => c.name).join(' | ')} | best |`);
  lines.push(`|---|---:|${configs.map(() => '---:').join('|')}|---|`);
  for (const r of results.table) {
    const best = configs.reduce((b, c) => (r.ms[c.name] < r.ms[b.name] ? c : b), configs[0]);
    lines.push(`| ${r.workload} | ${r.flopsPerStep === null ? '-' : fmt(r.flopsPerStep / 1e6, 1)} | ${configs.map((c) => `${fmt(r.ms[c.name])} (${fmt(r.cpuMs[c.name], 1)})`).join(' | ')} | ${best.name} |`);
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------------------------

if (process.argv.includes('--child')) {
  await child();
} else if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const quick = process.argv.includes('--quick');
  const at = (flag) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const rounds = at('--rounds') ? Number(at('--rounds')) : undefined;
  // --native-only: leave out the tfjs-layers path rows (slow: minutes per row on a loaded machine).
  const nativeOnly = process.argv.includes('--native-only');
  const json = at('--json');
  if (process.argv.includes('--sweep')) {
    // --only TEXT: the workloads whose name contains TEXT; --configs NAME,NAME: those configurations.
    const only = at('--only');
    const names = at('--configs')?.split(',');
    const workloads = SWEEP_WORKLOADS.filter((w) => !only || w.name.includes(only));
    const configs = SWEEP_CONFIGS.filter((c) => !names || names.includes(c.name));
    const results = await runSweep({ quick, workloads, configs, ...(rounds ? { rounds } : {}) });
    process.stdout.write(sweepMarkdown(results, configs) + '\n');
    if (json) fs.writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  } else if (process.argv.includes('--cnn')) {
    const results = await runCnnBench({ quick, nativeOnly, ...(rounds ? { rounds } : {}) });
    process.stdout.write(cnnMarkdown(results) + '\n');
    if (json) fs.writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  } else if (process.argv.includes('--transformer')) {
    const presetSteps = at('--preset-steps') ? Number(at('--preset-steps')) : undefined;
    const presetOnly = process.argv.includes('--preset-only');
    const results = await runTransformerBench({ quick, nativeOnly, presetOnly, ...(rounds ? { rounds } : {}), ...(presetSteps !== undefined ? { presetSteps } : {}) });
    process.stdout.write(transformerMarkdown(results) + '\n');
    if (json) fs.writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  } else {
    // The default (`npm run bench -- training-speed`): the MLP table, then the Transformer and the cnn tables
    // (--mlp: the MLP table only).
    const results = await runSpeedBench({ quick, ...(rounds ? { rounds } : {}) });
    process.stdout.write(markdown(results) + '\n');
    if (!process.argv.includes('--mlp')) {
      const transformer = await runTransformerBench({ quick, ...(rounds ? { rounds } : {}) });
      process.stdout.write('\n' + transformerMarkdown(transformer) + '\n');
      const cnn = await runCnnBench({ quick, ...(rounds ? { rounds } : {}) });
      process.stdout.write('\n' + cnnMarkdown(cnn) + '\n');
      results.transformer = transformer;
      results.cnn = cnn;
    }
    if (json) fs.writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  }
}
