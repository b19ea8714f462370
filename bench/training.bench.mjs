#!/usr/bin/env node
// ~320 lines: one experiment (throughput, watching overhead, parent event-loop delay) read top to bottom.
// Training bench (issue 5): throughput of the trainer with RAdam and Adam, the overhead of watching
// (gradient norms, update ratios, histograms) against training without it, and the event-loop delay of
// a parent process (standing in for the extension host) while a forked trainer streams.
//
//   node scripts/build.mjs && node bench/training.bench.mjs [--quick] [--json FILE]
//
// It drives dist/trainer.js over the same IPC protocol as the extension (src/protocol/trainer.ts), so
// what is measured is what ships. One warm trainer process runs every variant; variants are interleaved
// in a different order each round and the figures are medians over rounds (these machines are shared
// and noisy: see ../shared/notes/environment.md). The overhead is the median over rounds of the paired
// ratio on/off within a round, in wall time and in the trainer's CPU time over the training loop (run
// summary `cpuMs`, from process.cpuUsage), which other processes disturb less than wall time.
//
// Exported for bench/run.mjs: runTrainingBench(options) -> results (and a markdown table).
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median, shuffled } from './figures.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRAINER = path.join(root, 'dist', 'trainer.js');

const METRICS_ON = { histogramEvery: 10, histogramBins: 60, histogramRange: [-20, 0], perLayerHistograms: false, validationEvery: 0 };

/** The models measured: the extension's default settings, and issue 8's MLP. */
const MODELS = [
  {
    name: 'spiral MLP 2-64-64-3, batch 32',
    dataset: { name: 'spiral', validationSplit: 0.1, samples: 2000 },
    model: { name: 'mlp', hiddenLayers: [64, 64], activation: 'relu' },
    batchSize: 32,
    steps: 400,
    quickSteps: 200,
  },
  {
    name: 'digits MLP 784-256-256-10, batch 128',
    dataset: { name: 'digits', validationSplit: 0.1, samples: 4000 },
    model: { name: 'mlp', hiddenLayers: [256, 256], activation: 'relu' },
    batchSize: 128,
    steps: 150,
    quickSteps: 60,
  },
];

const OPTIMIZERS = [
  { label: 'RAdam', optimizer: { name: 'radam', learningRate: 1e-3 } },
  { label: 'Adam', optimizer: { name: 'adam', learningRate: 1e-3 } },
];

/** Watch modes: off (loss, lr, rho_t, r_t only), on with the default cadence, and norms on every step. */
const MODES = [
  { name: 'off', watch: false, metrics: METRICS_ON },
  { name: 'on', watch: true, metrics: METRICS_ON }, // normsEvery: the default (DEFAULT_METRICS)
  { name: 'on, norms every step', watch: true, metrics: { ...METRICS_ON, normsEvery: 1 } },
];

function runSpec(model, opt, mode, steps) {
  return {
    label: opt.label,
    optimizer: opt.optimizer,
    dataset: model.dataset,
    model: model.model,
    steps,
    batchSize: model.batchSize,
    seed: 1,
    metrics: mode.metrics,
  };
}

class Trainer {
  constructor(env = {}) {
    this.child = fork(TRAINER, [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Steadier allocator behaviour on these VMs (environment notes); the same for every variant.
      env: {
        ...process.env,
        MALLOC_MMAP_THRESHOLD_: '33554432',
        MALLOC_TRIM_THRESHOLD_: '1073741824',
        MALLOC_TOP_PAD_: '268435456',
        ...env,
      },
    });
    this.stderr = '';
    this.child.stderr.on('data', (d) => (this.stderr += d));
    this.handlers = new Set();
    this.child.on('message', (m) => {
      for (const h of this.handlers) h(m);
    });
    this.seq = 0;
    this.pending = null;
    this.child.once('exit', (code, signal) => this.pending?.(new Error(`trainer exited (${code ?? signal}): ${this.stderr.slice(-2000)}`)));
  }

  /** Trains one comparison; resolves with the run summaries, message count and CPU/wall time. */
  run(comparison, { watch = true, runsDir, onMessage } = {}) {
    const comparisonId = `20000101-000000-000-b${String(this.seq++).padStart(3, '0')}`;
    const runIds = comparison.runs.map((_, i) => `${comparisonId}-${i}`);
    return new Promise((resolve, reject) => {
      const summaries = {};
      let messages = 0;
      let records = 0;
      const t0 = performance.now();
      const handler = (m) => {
        if (m.comparisonId !== comparisonId) return;
        onMessage?.(m);
        if (m.type === 'metrics') {
          messages++;
          for (const b of m.batches) records += b.metrics.length + b.histograms.length;
        } else if (m.type === 'runEnded') {
          summaries[m.runId] = m;
        } else if (m.type === 'comparisonEnded') {
          this.handlers.delete(handler);
          if (!m.ok) return reject(new Error(m.error));
          resolve({
            runs: runIds.map((id) => summaries[id]),
            messages,
            records,
            wallMs: performance.now() - t0,
          });
        }
      };
      this.handlers.add(handler);
      this.pending = reject;
      this.child.send({ type: 'start', comparisonId, runIds, comparison, runsDir, watch });
    });
  }

  probe() {
    return new Promise((resolve) => {
      const h = (m) => {
        if (m.type === 'backend') {
          this.handlers.delete(h);
          resolve(m.backend);
        }
      };
      this.handlers.add(h);
      this.child.send({ type: 'probe' });
    });
  }

  async close() {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Time per step that other processes' bursts barely move: steps are split into classes that do
 * different work (every `period`-th step computes norms and a histogram; the last one validates), the
 * median duration of each class is taken (a burst of contention hits some steps, not the median), and
 * the classes are weighted by how many steps they have. On a quiet machine this equals the mean.
 * `ms` is the metrics records' time since the first step began, in step order.
 */
function robustStepMs(ms, period) {
  const classes = new Map();
  ms.forEach((t, i) => {
    const step = i + 1;
    const d = t - (i ? ms[i - 1] : 0);
    const key = step === ms.length ? 'last' : step % period === 0 ? 'periodic' : 'plain';
    if (!classes.has(key)) classes.set(key, []);
    classes.get(key).push(d);
  });
  let total = 0;
  for (const ds of classes.values()) total += median(ds) * ds.length;
  return total / ms.length;
}

function percentile(h, p) {
  return h.percentile(p) / 1e6; // ns -> ms
}

export async function runTrainingBench({ quick = false, log = (s) => process.stderr.write(s + '\n') } = {}) {
  if (!fs.existsSync(TRAINER)) throw new Error(`${TRAINER} is missing: run node scripts/build.mjs first`);
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-bench-'));
  const rounds = quick ? 3 : 5;
  // The trainer gets the thread settings the extension would give it (src/shared/threads.ts), sized by the
  // largest model measured: TensorFlow reads them once, when the process loads it.
  const threadsLib = path.join(root, 'dist', 'lib', 'threads.js');
  const threadEnv = fs.existsSync(threadsLib)
    ? (await import(threadsLib)).default.tfThreadEnv({ kind: 'single', runs: MODELS.map((m) => runSpec(m, OPTIMIZERS[0], MODES[0], 1)) }, os.cpus().length, 'auto')
    : {};
  const trainer = new Trainer(threadEnv);
  const results = { backend: null, cpus: os.cpus().length, loadavg: os.loadavg(), rounds, threads: threadEnv, throughput: [], eventLoop: null };
  try {
    results.backend = await trainer.probe();
    log(`[bench] trainer backend: ${results.backend.name} (tfjs ${results.backend.tfjsVersion}), ${rounds} rounds, load ${os.loadavg()[0].toFixed(2)}`);

    for (const model of MODELS) {
      const steps = quick ? model.quickSteps : model.steps;
      const variants = OPTIMIZERS.flatMap((opt) => MODES.map((mode) => ({ opt, mode, key: `${opt.label}|${mode.name}` })));
      // Warm-up: first kernels, dataset cache, allocator.
      await trainer.run({ kind: 'single', runs: [runSpec(model, OPTIMIZERS[0], MODES[1], Math.ceil(steps / 3))] }, { runsDir });
      const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
      for (let r = 0; r < rounds; r++) {
        for (const v of shuffled(variants, 17 + r)) {
          const ms = [];
          const res = await trainer.run(
            { kind: 'single', runs: [runSpec(model, v.opt, v.mode, steps)] },
            { runsDir, watch: v.mode.watch, onMessage: (m) => m.type === 'metrics' && m.batches.forEach((b) => b.metrics.forEach((x) => ms.push(x.ms))) },
          );
          const s = res.runs[0].summary;
          samples[v.key].push({
            sps: s.samplesPerSecond,
            wallMsPerStep: s.wallMs / s.steps,
            robustMsPerStep: robustStepMs(ms, 10),
            cpuMsPerStep: s.cpuMs / s.steps,
          });
        }
        log(`[bench] ${model.name}: round ${r + 1}/${rounds} done`);
      }
      for (const opt of OPTIMIZERS) {
        const off = samples[`${opt.label}|off`];
        const row = { model: model.name, optimizer: opt.label, steps, modes: {} };
        for (const mode of MODES) {
          const xs = samples[`${opt.label}|${mode.name}`];
          row.modes[mode.name] = {
            samplesPerSecond: Math.round(median(xs.map((x) => x.sps))),
            msPerStep: median(xs.map((x) => x.wallMsPerStep)),
            robustMsPerStep: median(xs.map((x) => x.robustMsPerStep)),
            cpuMsPerStep: median(xs.map((x) => x.cpuMsPerStep)),
            // paired within rounds: (time on / time off) - 1
            overheadWall: mode.name === 'off' ? 0 : median(xs.map((x, i) => x.wallMsPerStep / off[i].wallMsPerStep - 1)),
            overheadRobust: mode.name === 'off' ? 0 : median(xs.map((x, i) => x.robustMsPerStep / off[i].robustMsPerStep - 1)),
            overheadCpu: mode.name === 'off' ? 0 : median(xs.map((x, i) => x.cpuMsPerStep / off[i].cpuMsPerStep - 1)),
          };
        }
        results.throughput.push(row);
      }
    }

    // Event-loop delay of the parent while a 3-run comparison streams (histograms per layer: the
    // heaviest messages), with a handler that keeps every record, as the dashboard's store does.
    const model = MODELS[1];
    const comparison = {
      kind: 'compare-adam',
      runs: [
        runSpec(model, OPTIMIZERS[0], { metrics: { ...METRICS_ON, perLayerHistograms: true, validationEvery: 50 } }, quick ? 100 : 300),
        runSpec(model, OPTIMIZERS[1], { metrics: { ...METRICS_ON, perLayerHistograms: true, validationEvery: 50 } }, quick ? 100 : 300),
        {
          ...runSpec(model, OPTIMIZERS[1], { metrics: { ...METRICS_ON, perLayerHistograms: true, validationEvery: 50 } }, quick ? 100 : 300),
          label: 'Adam, warmup 100',
          optimizer: { name: 'adam', learningRate: 1e-3, schedule: { kind: 'linear-warmup', warmupSteps: 100 } },
        },
      ],
    };
    const kept = [];
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const res = await trainer.run(comparison, {
      runsDir,
      onMessage: (m) => {
        if (m.type === 'metrics') for (const b of m.batches) kept.push(...b.metrics, ...b.histograms);
      },
    });
    h.disable();
    results.eventLoop = {
      runs: comparison.runs.length,
      steps: comparison.runs[0].steps,
      messages: res.messages,
      records: res.records,
      messagesPerSecond: res.messages / (res.wallMs / 1000),
      p50: percentile(h, 50),
      p99: percentile(h, 99),
      max: h.max / 1e6,
    };
  } finally {
    await trainer.close();
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
  return results;
}

const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

export function markdown(results) {
  const lines = [];
  const threads = Object.entries(results.threads ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || 'TensorFlow defaults';
  lines.push(`Training throughput (trainer process, backend ${results.backend?.name}, ${results.cpus} CPUs, ${threads}, load ${results.loadavg.map((x) => x.toFixed(2)).join(' ')}, medians of ${results.rounds} interleaved rounds)`);
  lines.push('');
  lines.push('Columns: samples/s over the run (wall) and robust ms/step (median per step class); overhead of watching, paired per round: robust / wall / CPU.');
  lines.push('');
  lines.push('| model | optimizer | watch off | watch on (defaults) | overhead | norms every step | overhead |');
  lines.push('|---|---|---|---|---|---|---|');
  const cell = (m) => `${m.samplesPerSecond} samples/s, ${m.robustMsPerStep.toFixed(2)} ms`;
  const over = (m) => `${pct(m.overheadRobust)} / ${pct(m.overheadWall)} / ${pct(m.overheadCpu)}`;
  for (const r of results.throughput) {
    const off = r.modes.off;
    const on = r.modes.on;
    const every = r.modes['on, norms every step'];
    lines.push(`| ${r.model} | ${r.optimizer} | ${cell(off)} | ${cell(on)} | ${over(on)} | ${cell(every)} | ${over(every)} |`);
  }
  const e = results.eventLoop;
  if (e) {
    lines.push('');
    lines.push(
      `Parent (extension host stand-in) event-loop delay while a ${e.runs}-run comparison streamed ${e.records} records in ` +
        `${e.messages} messages (${e.messagesPerSecond.toFixed(1)}/s): p50 ${e.p50.toFixed(2)} ms, p99 ${e.p99.toFixed(2)} ms, max ${e.max.toFixed(2)} ms`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const jsonAt = process.argv.indexOf('--json');
  const results = await runTrainingBench({ quick });
  process.stdout.write(markdown(results) + '\n');
  if (jsonAt > 0 && process.argv[jsonAt + 1]) fs.writeFileSync(process.argv[jsonAt + 1], JSON.stringify(results, null, 2) + '\n');
}
