#!/usr/bin/env node
// One file of ~580 lines on purpose: a bench is read top to bottom as one experiment (page setup, the
// phases, the table), and the streaming phase already lives apart (dashboardStreaming.mjs).
// Dashboard bench: the built webview bundle (dist/webview/dashboard.js) in headless Chromium, in a
// test page with a stubbed acquireVsCodeApi, fed the way the extension host feeds it (window
// 'message' events carrying the protocol's messages).
//
//   1. time to render: 3 runs x 100,000 steps + 1,000 histogram slices each, sent whole as the host
//      sends a record read from disk (metricColumns + histograms), until every chart shows the last step;
//   2. streaming: 3 new runs stream to 100,000 steps (a batch per run every 50 ms, as the trainer's
//      ~20 messages/s: 10,000 steps/s per run) with a histogram slice every 100 steps; p95
//      step-to-pixel latency (message posted -> the first animation frame after the render that drew
//      that step, i.e. once it is composited), requestAnimationFrame gaps p50/p95/max and the share
//      over 34 ms, render time per frame, and the JS heap after streaming. Issue 16's targets for it are
//      "with a trainer running on the other core": by default a real trainer (the built CLI) trains
//      meanwhile and its CPU use is printed; `--no-trainer` streams without it (dashboardStreaming.mjs).
// Everything runs on the page's main thread, as in the webview; other work on the machine (2 CPUs
// here) slows every figure, so the load average is printed with them.
//
//   3. run list: 200 runs (50 comparisons of 4, some failed or diverged) in a narrow panel (745 x 800,
//      an editor beside the explorer and the Chat panel); the filter typed key by key and erased:
//      keystroke (input event) -> list filtered and laid out, and -> the next frame (painted), p50/p95/max.
//      `--runlist-only` runs this phase alone.
//
//   0. opening long runs from disk: 3 runs x 1,000,000 steps + 10,000 histogram slices each, written to
//      a temporary folder by the real RunWriter (JSON lines and binary side files), opened the way the
//      dashboard opens them. Two processes, so that the measured host carries nothing but the host's work:
//      - the HOST, a child process (dashboardDiskHost.mjs, forked fresh for each open): what the extension
//        host does when the webview asks for runs (RunData.send per run, in order, through the built
//        RunLoader and its worker thread dist/runLoadWorker.js, which reads and downsamples), each
//        posted message serialized as VS Code's webview.postMessage serializes it (JSON, typed arrays
//        as binary buffers beside it) and written to this process over Node IPC. Its event loop is the
//        figure: the longest block during the open (perf_hooks monitorEventLoopDelay and a 1 ms interval
//        probe), each probe gap split (Linux schedstat of its main thread) into time on the host's
//        thread and time waiting for a CPU the machine's other work held; peak RSS and heap.
//      - THIS process: the page and the bench plumbing (each message rebuilt in the page through
//        Playwright, in order; the host's post resolves when the page has it), not measured.
//      Printed too: time to first chart (request -> the first frame that draws a run), to all runs
//      drawn, and the webview's JS heap. `--disk-only` runs this phase alone; `--no-disk` skips it;
//      `--disk-repeat N` opens N times (a new page and host each) and prints the spread;
//      `--host-prof DIR` writes CPU profiles of the host (main thread and worker); `--host-root DIR` runs
//      the host's code of another build (DIR/out, DIR/dist: a before/after of a host change);
//      `--disk-steps N --disk-runs N --disk-slices N`; `--disk-jsonl` opens the same runs without their
//      binary files (runs written before them); `--keep-runs DIR` keeps (and reuses) the written runs.
//
//   node bench/dashboard.bench.mjs [--steps 100000] [--runs 3] [--slices 1000] [--bundle PATH]
//        [--theme dark|light] [--screenshot DIR] [--json FILE] [--gpu]
//        [--no-trainer] [--streaming-only]
//        diagnostics: [--profile FILE.cpuprofile] [--profile-load FILE] [--trace FILE.json] (a Chromium
//        trace of phase 2) [--flush-probe] (phase 2: forces and times each canvas's rasterisation after
//        every frame) [--no-hist] [--unshown]
// Needs: `node scripts/build.mjs` first, playwright-core (devDependency), Debian's chromium.
// Phases 0 and 1 share the test page and its synthetic runs; phase 0's host is dashboardDiskHost.mjs,
// phase 2 is dashboardStreaming.mjs, phase 3 dashboardRunList.mjs.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { findChromium } from '../test/harness/workbenchPage.mjs';
import { printRunList, runListBench as runListPhase } from './dashboardRunList.mjs';
import { printStreaming, streamingPhase } from './dashboardStreaming.mjs';
import { f1, median } from './figures.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const STEPS = Number(opt('steps', 100_000));
const RUNS = Number(opt('runs', 3));
const SLICES = Number(opt('slices', 1000));
const BATCH_MS = Number(opt('batch-ms', 50));
const BUNDLE = resolve(opt('bundle', join(ROOT, 'dist', 'webview', 'dashboard.js')));
const CSS = join(ROOT, 'media', 'dashboard.css');
const THEME = opt('theme', 'dark');
const SHOTS = opt('screenshot', null);
const JSON_OUT = opt('json', null);
// Diagnostics: --no-hist streams no histograms; --unshown streams to runs the dashboard does not show
// (the messages are validated and dropped: the cost of the channel alone).
const NO_HIST = args.includes('--no-hist');
const UNSHOWN = args.includes('--unshown');
const FLUSH_PROBE = args.includes('--flush-probe');
// Issue 16's streaming targets are with a trainer on the other core: phase 2 runs one (dashboardStreaming.mjs).
const TRAINER = !args.includes('--no-trainer');

if (!existsSync(BUNDLE)) {
  console.error(`[bench:dashboard] ${BUNDLE} is missing: run \`node scripts/build.mjs\` first`);
  process.exit(2);
}

// A few VS Code theme variables, so colours resolve as in the real panel.
const THEMES = {
  dark: {
    cls: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1e1e1e',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': 'monospace',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-list-inactiveSelectionBackground': '#37373d',
    },
  },
  light: {
    cls: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': 'monospace',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
    },
  },
};
const theme = THEMES[THEME] ?? THEMES.dark;
const style = Object.entries(theme.vars)
  .map(([k, v]) => `${k}: ${v}`)
  .join('; ');
const HTML = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>RAdam Dashboard bench</title></head>
<body class="${theme.cls}" style="${style}"><div id="app">Loading…</div></body></html>`;

// Runs in the page: synthetic runs shaped like RAdam / Adam / Adam+warmup on beta2 = 0.999.
function pageLib() {
  const beta2 = 0.999;
  const rhoInf = 2 / (1 - beta2) - 1;
  const kinds = ['radam', 'adam', 'adam-warmup'];
  function rowsFor(kind, seed, from, to, out) {
    let s = seed * 9301 + from * 49297;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = from; t <= to; t++) {
      const b2t = Math.pow(beta2, t);
      const rho = rhoInf - (2 * t * b2t) / (1 - b2t);
      const rectified = kind === 'radam' ? rho > 5 : null;
      const rT = rectified ? Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho)) : null;
      const lr = kind === 'adam-warmup' ? 1e-3 * Math.min(1, t / 2000) : 1e-3;
      const base = 2.3 * Math.exp(-t / (kind === 'adam' ? 30000 : 20000)) + 0.05;
      const row = {
        step: t,
        loss: base * (1 + 0.25 * (rand() - 0.5)) + (kind === 'adam' && t < 300 ? 0.6 * Math.sin(t / 20) ** 2 : 0),
        lr,
        rhoT: kind === 'radam' ? rho : null,
        rT,
        rectified,
        effectiveStepSize: kind === 'radam' ? (rectified ? lr * rT : 0) : lr,
        gradNorm: 1 / Math.sqrt(t) + rand() * 0.1,
        updateRatio: 1e-3 * (1 + rand()),
      };
      if (t % 500 === 0) {
        row.valLoss = base * 1.1;
        row.valAccuracy = 1 - base / 2.5;
      }
      out.push(row);
    }
    return out;
  }
  const edges = Array.from({ length: 61 }, (_, i) => -20 + i / 3);
  function sliceFor(kind, step) {
    // A log-normal-ish bump whose center drifts, with a spike of tiny gradients for Adam early on.
    const center = -9 + 4 * Math.exp(-step / 20000) + (kind === 'adam' ? -2 : 0);
    const counts = new Array(60).fill(0);
    let total = 0;
    for (let b = 0; b < 60; b++) {
      const x = -20 + (b + 0.5) / 3;
      const c = Math.round(50000 * Math.exp(-((x - center) ** 2) / 4) + (kind === 'adam' && step < 5000 && b < 6 ? 20000 : 0));
      counts[b] = c;
      total += c;
    }
    return { step, edges, counts, zeros: 10, total: total + 10 };
  }
  // The host's bulk format (src/protocol/webview.ts toMetricColumns).
  const keys = ['loss', 'lr', 'rhoT', 'rT', 'effectiveStepSize', 'gradNorm', 'updateRatio', 'valLoss', 'valAccuracy'];
  function columns(rows) {
    const n = rows.length;
    const c = { steps: new Float64Array(n), rectified: new Int8Array(n) };
    for (const k of keys) c[k] = k === 'loss' ? new Float64Array(n) : new Float32Array(n);
    rows.forEach((r, i) => {
      c.steps[i] = r.step;
      for (const k of keys) c[k][i] = typeof r[k] === 'number' ? r[k] : NaN;
      c.rectified[i] = r.rectified == null ? -1 : r.rectified ? 1 : 0;
    });
    return c;
  }
  return { kinds, rowsFor, sliceFor, columns };
}

const runListBench = (browser) => runListPhase((viewport) => dashboardPage(browser, viewport), { theme: THEME, shots: SHOTS });

// ---------- 0. opening long runs from disk ----------
const DISK_STEPS = Number(opt('disk-steps', 1_000_000));
const DISK_RUNS = Number(opt('disk-runs', 3));
const DISK_SLICES = Number(opt('disk-slices', 10_000));
const KEEP_RUNS = opt('keep-runs', null);
// The host's code (out/src/panel/*.js and dist/runLoadWorker.js) from another build's folder: A/B of host changes.
const HOST_ROOT = resolve(opt('host-root', ROOT));

/** Writes the runs with the real RunWriter (compiled into out/ by the build), batches as the trainer's. */
function writeDiskRuns(runsDir) {
  const require = createRequire(import.meta.url);
  const runs = require(join(ROOT, 'out', 'src', 'runs', 'index.js'));
  const kinds = ['radam', 'adam', 'adam-warmup'];
  const comparison = runs.newComparisonId(new Date(Date.UTC(2025, 0, 1)), 'disk');
  const every = Math.max(1, Math.floor(DISK_STEPS / DISK_SLICES));
  const beta2 = 0.999;
  const rhoInf = 2 / (1 - beta2) - 1;
  const ids = [];
  const t0 = performance.now();
  for (let r = 0; r < DISK_RUNS; r++) {
    const kind = kinds[r % 3];
    const id = runs.runIdFor(comparison, r, kind);
    ids.push(id);
    const spec = { label: kind, steps: DISK_STEPS, batchSize: 64, optimizer: { name: kind === 'radam' ? 'radam' : 'adam', learningRate: 1e-3, beta2 } };
    const w = runs.RunWriter.create(runsDir, {
      format: 1, id, comparisonId: comparison, comparisonKind: 'optimizers', index: r, label: kind, spec, status: 'running',
      startedAt: new Date().toISOString(), endedAt: null, backend: { name: 'tensorflow', native: true }, pid: process.pid, parameters: 1000,
      dataset: { task: 'classification', inputShape: [2], outputSize: 3, trainExamples: 1000, validationExamples: 200 }, summary: null,
    });
    let s = 7 + r;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const BATCH = 500; // ~50 ms of steps at 10,000 steps/s
    for (let from = 1; from <= DISK_STEPS; from += BATCH) {
      const rows = [];
      const hists = [];
      for (let t = from; t < from + BATCH && t <= DISK_STEPS; t++) {
        const b2t = Math.pow(beta2, t);
        const rho = rhoInf - (2 * t * b2t) / (1 - b2t);
        const rectified = kind === 'radam' ? rho > 5 : null;
        const rT = rectified ? Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho)) : null;
        const lr = kind === 'adam-warmup' ? 1e-3 * Math.min(1, t / 2000) : 1e-3;
        const base = 2.3 * Math.exp(-t / (DISK_STEPS / 5)) + 0.05;
        const row = { step: t, loss: base * (1 + 0.25 * (rand() - 0.5)), lr, rhoT: kind === 'radam' ? rho : null, rT, rectified, effectiveStepSize: kind === 'radam' ? (rectified ? lr * rT : 0) : lr, gradNorm: 1 / Math.sqrt(t) + rand() * 0.1, updateRatio: 1e-3 * (1 + rand()), ms: t * 0.1 };
        if (t % 1000 === 0) Object.assign(row, { valLoss: base * 1.1, valAccuracy: 1 - base / 2.5 });
        rows.push(row);
        if (t % every === 0) {
          const center = -9 + 4 * Math.exp(-t / (DISK_STEPS / 5));
          const counts = Array.from({ length: 60 }, (_, b) => Math.round(50000 * Math.exp(-((-20 + (b + 0.5) / 3 - center) ** 2) / 4)));
          hists.push({ step: t, lo: -20, hi: 0, bins: 60, edges: runs.histogramEdges(-20, 0, 60), counts, zeros: 10, total: counts.reduce((a, c) => a + c, 10) });
        }
      }
      w.appendMetrics(rows);
      if (hists.length) w.appendHistograms(hists);
    }
    w.finish({ status: 'finished', summary: { steps: DISK_STEPS, finalLoss: null, minLoss: null, finalValLoss: null, finalValAccuracy: null, wallMs: 0, samplesPerSecond: 0 } });
  }
  return { ids, writeMs: performance.now() - t0 };
}

/** The runs of phase 0: written once (or found in --keep-runs DIR), moved aside to JSON lines only with --disk-jsonl. */
function prepareDiskRuns() {
  const keep = KEEP_RUNS ? resolve(KEEP_RUNS) : null;
  const runsDir = keep ?? mkdtempSync(join(tmpdir(), 'radam-bench-disk-'));
  const want = `${DISK_RUNS}x${DISK_STEPS}x${DISK_SLICES}`;
  const marker = join(runsDir, `.bench-${want}`);
  let ids;
  let writeMs = null;
  if (keep && existsSync(marker)) ids = readdirSync(runsDir).filter((n) => !n.startsWith('.')).sort();
  else {
    if (keep) rmSync(runsDir, { recursive: true, force: true });
    mkdirSync(runsDir, { recursive: true });
    ({ ids, writeMs } = writeDiskRuns(runsDir));
    writeFileSync(marker, '');
  }
  const sizeOf = (f) => (existsSync(f) ? statSync(f).size : 0);
  const bytes = (name) => ids.reduce((a, id) => a + sizeOf(join(runsDir, id, name)), 0) / DISK_RUNS / 1048576;
  const sizes = { metricsJsonlMB: bytes('metrics.jsonl'), histogramsJsonlMB: bytes('histograms.jsonl'), metricsBinMB: bytes('metrics.f64'), histogramsBinMB: bytes('histograms.f64') };
  // --disk-jsonl: the same runs as an older version left them (no binary files: they are moved aside).
  const aside = [];
  if (args.includes('--disk-jsonl')) {
    for (const id of ids) {
      for (const f of ['metrics.f64', 'histograms.f64']) {
        const p = join(runsDir, id, f);
        if (existsSync(p)) {
          renameSync(p, `${p}.aside`);
          aside.push(p);
        }
      }
    }
  }
  const done = () => {
    for (const p of aside) renameSync(`${p}.aside`, p);
    if (!keep) rmSync(runsDir, { recursive: true, force: true });
  };
  return { runsDir, ids, writeMs, sizes, done };
}

/** Forks the host (dashboardDiskHost.mjs) and waits until it has loaded; --host-prof DIR: a CPU profile of it. */
function forkHost() {
  const prof = opt('host-prof', null);
  const execArgv = ['--expose-gc', ...(prof ? ['--cpu-prof', '--cpu-prof-dir', resolve(prof)] : [])];
  const child = fork(join(ROOT, 'bench', 'dashboardDiskHost.mjs'), [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((res, rej) => {
    child.once('error', rej);
    child.once('exit', (code) => rej(new Error(`the bench's host process ended (exit code ${code})`)));
    child.once('message', (m) => (m?.type === 'ready' ? res(child) : rej(new Error(`unexpected first message ${m?.type}`))));
  });
}

/**
 * One open of the runs, as a fresh dashboard: a new page lists and shows them, a new host process (its
 * RunLoader starts its worker on the first request) reads and posts them; this process forwards each
 * posted message to the page in order and tells the host when the page has it.
 */
async function diskOpenOnce(browser, disk) {
  const { runsDir, ids } = disk;
  const page = await dashboardPage(browser, { width: 1500, height: 1250 });
  const runInfos = ids.map((id, i) => ({ id, label: ['RAdam', 'Adam', 'Adam, warmup 2000'][i % 3], status: 'finished', live: false, steps: DISK_STEPS, lastStep: DISK_STEPS, beta2: 0.999, rectificationThreshold: 5, startedAt: '2025-01-01T00:00:00Z' }));
  // The webview's side: list and show the runs, then note the first frame that draws a run and the
  // first that draws all of them to their last step.
  await page.evaluate(({ runInfos, ids, STEPS }) => {
    const hook = window.__radamDashboard;
    window.__disk = { first: null, all: null };
    const off = hook.onFrame((info) => {
      const steps = ids.map((id) => info.lastSteps[id] ?? 0);
      if (window.__disk.first === null && steps.some((s) => s > 0)) window.__disk.first = performance.timeOrigin + info.t;
      if (steps.every((s) => s >= STEPS)) {
        window.__disk.all = performance.timeOrigin + info.t;
        off();
      }
    });
    window.postMessage({ type: 'runList', runs: runInfos }, '*');
    window.postMessage({ type: 'showRuns', runIds: ids, replace: true }, '*');
  }, { runInfos, ids, STEPS: DISK_STEPS });
  await page.waitForTimeout(300);
  const host = await forkHost();
  // Forwarding (bench plumbing, not measured): JSON and buffers (as base64) into the page, rebuilt there
  // as the webview receives a message (typed arrays as typed arrays), one after the other.
  let forwarding = Promise.resolve();
  let forwardError = null;
  const opened = new Promise((res, rej) => {
    host.on('message', (m) => {
      if (m?.type === 'post') {
        const b64 = m.buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'));
        forwarding = forwarding
          .then(() =>
            page.evaluate(({ json, b64 }) => {
              const bufs = b64.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer);
              const msg = JSON.parse(json, (_k, v) => (v && typeof v === 'object' && typeof v.$typed === 'string' ? new globalThis[v.$typed](bufs[v.index]) : v));
              window.postMessage(msg, '*');
            }, { json: m.json, b64 }),
          )
          .then(
            () => host.connected && host.send({ type: 'posted', seq: m.seq }),
            (e) => (forwardError ??= e),
          );
      } else if (m?.type === 'opened') (m.error ? rej(new Error(m.error)) : res(m.figures));
    });
    host.once('exit', (code) => rej(new Error(`the bench's host process ended (exit code ${code})`)));
  });
  const t0 = performance.timeOrigin + performance.now();
  host.send({ type: 'open', runsDir, runInfos, workerFile: join(HOST_ROOT, 'dist', 'runLoadWorker.js'), root: HOST_ROOT });
  const figures = await opened;
  await forwarding;
  if (forwardError) throw forwardError;
  const exited = new Promise((r) => host.once('exit', r));
  host.disconnect();
  await exited; // its CPU profile (--host-prof) is written on exit
  await page.waitForFunction(() => window.__disk.all !== null, null, { timeout: 120_000 });
  const marks = await page.evaluate(() => window.__disk);
  await page.waitForTimeout(500);
  const webviewHeapMB = await page.evaluate(() => {
    window.gc?.();
    return performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null;
  });
  await page.close();
  if (figures.failed.length) throw new Error(`runs not sent: ${JSON.stringify(figures.failed)}`);
  return { ...figures, firstChartMs: marks.first - t0, allDrawnMs: marks.all - t0, webviewHeapMB, loadAvg: loadavg()[0] };
}

/** Phase 0: the runs opened --disk-repeat times (default 1), each open printed; with more, the spread. */
async function diskOpenBench(browser) {
  const disk = prepareDiskRuns();
  const repeat = Math.max(1, Number(opt('disk-repeat', 1)));
  const opens = [];
  try {
    for (let i = 0; i < repeat; i++) {
      const o = await diskOpenOnce(browser, disk);
      opens.push(o);
      if (repeat > 1) printDiskOpen(o, `open ${i + 1}/${repeat}: `); // a single open is printed with the phase
    }
  } finally {
    disk.done();
  }
  const blocks = opens.map((o) => o.hostMaxBlockMs);
  return {
    runs: DISK_RUNS,
    steps: DISK_STEPS,
    slices: DISK_SLICES,
    source: args.includes('--disk-jsonl') ? 'jsonl' : 'binary',
    writeMs: disk.writeMs,
    sizes: disk.sizes,
    ...opens[0],
    opens,
    hostMaxBlocksMs: blocks,
    hostMaxBlockMedianMs: median(blocks),
    hostMaxBlockWorstMs: Math.max(...blocks),
    opensOver50: blocks.filter((b) => b > 50).length,
  };
}

function printDiskOpen(d, prefix) {
  console.log(
    `[bench:dashboard]   ${prefix}time to first chart ${f1(d.firstChartMs)} ms, all runs drawn ${f1(d.allDrawnMs)} ms (host had posted each run at ${d.hostMessagesMs.map(f1).join(' / ')} ms; load average ${d.loadAvg.toFixed(2)})`,
  );
  console.log(
    `[bench:dashboard]   ${prefix}host event loop: longest block ${f1(d.hostMaxBlockMs)} ms at ${f1(d.hostProbeMaxGapAtMs)} ms (1 ms probe ${f1(d.hostProbeMaxGapMs)} ms${d.hostProbeMaxGapOnCpuMs === null ? '' : `: ${f1(d.hostProbeMaxGapOnCpuMs)} ms on the host's thread, ${f1(d.hostProbeMaxGapWaitingMs)} ms waiting for a CPU, ${f1(d.hostProbeMaxGapMs - d.hostProbeMaxGapOnCpuMs - d.hostProbeMaxGapWaitingMs)} ms neither`}; monitorEventLoopDelay max ${f1(d.hostEldMaxMs)} / p99 ${f1(d.hostEldP99Ms)} ms; ${d.hostProbeGapsOver20Ms.length ? `the most any gap over 20 ms spent on the host's thread ${f1(d.hostLongestOnCpuGapMs)} ms` : 'no gap over 20 ms'}); host peak RSS ${f1(d.hostPeakRssMB)} MB (+${f1(d.hostRssGrowthMB)} MB during the open, worker included), peak heap ${f1(d.hostPeakHeapMB)} MB; webview JS heap ${f1(d.webviewHeapMB)} MB`,
  );
}

function printDisk(d) {
  console.log(
    `[bench:dashboard] open from disk: ${d.runs} runs x ${d.steps.toLocaleString('en-US')} steps + ${d.slices.toLocaleString('en-US')} histogram slices each (read from ${d.source}; per run ${f1(d.sizes.metricsJsonlMB)} MB metrics.jsonl, ${f1(d.sizes.histogramsJsonlMB)} MB histograms.jsonl, ${f1(d.sizes.metricsBinMB)} MB metrics.f64, ${f1(d.sizes.histogramsBinMB)} MB histograms.f64${d.writeMs ? `; written in ${f1(d.writeMs / 1000)} s` : ''}); the host is a child process (dashboardDiskHost.mjs)`,
  );
  if (d.opens.length === 1) printDiskOpen(d, '');
  else {
    console.log(
      `[bench:dashboard]   ${d.opens.length} opens: host's longest block median ${f1(d.hostMaxBlockMedianMs)} ms, worst ${f1(d.hostMaxBlockWorstMs)} ms, ${d.opensOver50} over 50 ms (${d.hostMaxBlocksMs.map(f1).join(', ')}); time to first chart median ${f1(median(d.opens.map((o) => o.firstChartMs)))} ms, worst ${f1(Math.max(...d.opens.map((o) => o.firstChartMs)))} ms`,
    );
  }
}

/** A page with the dashboard bundle and a stubbed VS Code API (posted messages recorded, state kept). */
async function dashboardPage(browser, viewport) {
  const page = await browser.newPage({ viewport, colorScheme: THEME === 'light' ? 'light' : 'dark' });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error('[page console]', m.text());
  });
  await page.setContent(HTML);
  await page.addScriptTag({
    content: `window.__posted = []; window.__state = null;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => (window.__state = s) });`,
  });
  await page.addStyleTag({ path: CSS });
  await page.addScriptTag({ path: BUNDLE });
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready') && window.__radamDashboard);
  return page;
}


const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: findChromium(),
  headless: true,
  args: ['--no-sandbox', ...(args.includes('--gpu') ? [] : ['--disable-gpu']), '--disable-background-networking', '--no-first-run', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});
const results = { steps: STEPS, runs: RUNS, slices: SLICES, chromium: browser.version(), cpus: cpus().length, loadBefore: loadavg()[0] };
if (args.includes('--runlist-only')) {
  try {
    results.runList = await runListBench(browser);
    printRunList(results.runList);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify({ bench: 'dashboard', ...results }));
  process.exit(0);
}
try {
  if (!args.includes('--no-disk') && !args.includes('--streaming-only')) {
    results.disk = await diskOpenBench(browser);
    results.disk.loadAvg = loadavg()[0];
    printDisk(results.disk);
    if (args.includes('--disk-only')) {
      results.loadAfter = loadavg()[0];
      console.log(JSON.stringify({ bench: 'dashboard', ...results }));
      await browser.close();
      process.exit(0);
    }
  }
  const page = await dashboardPage(browser, { width: 1500, height: 1250 });
  await page.evaluate(`window.__lib = (${pageLib.toString()})()`);

  // ---------- 1. time to render whole runs ----------
  const PROFILE_LOAD = opt('profile-load', null);
  let cdpLoad;
  if (PROFILE_LOAD) {
    cdpLoad = await page.context().newCDPSession(page);
    await cdpLoad.send('Profiler.enable');
    await cdpLoad.send('Profiler.start');
  }
  const load = await page.evaluate(
    async ({ RUNS, STEPS, SLICES }) => {
      const lib = window.__lib;
      const ids = Array.from({ length: RUNS }, (_, i) => `20250101-000000-000-bnch-${i}-${lib.kinds[i % 3]}`);
      const runs = ids.map((id, i) => ({ id, label: ['RAdam', 'Adam', 'Adam, warmup 2000'][i % 3], status: 'finished', live: false, optimizer: lib.kinds[i % 3].startsWith('adam') ? 'adam' : 'radam', steps: STEPS, lastStep: STEPS, beta2: 0.999, rectificationThreshold: lib.kinds[i % 3] === 'radam' ? 5 : undefined, startedAt: '2025-01-01T00:00:00Z' }));
      const every = Math.max(1, Math.floor(STEPS / SLICES));
      const data = ids.map((id, i) => {
        const rows = lib.rowsFor(lib.kinds[i % 3], i + 1, 1, STEPS, []);
        const slices = [];
        for (let s = every; s <= STEPS; s += every) slices.push(lib.sliceFor(lib.kinds[i % 3], s));
        return { id, columns: lib.columns(rows), slices };
      });
      const hook = window.__radamDashboard;
      const done = new Promise((res) => {
        const off = hook.onFrame((info) => {
          const steps = ids.map((id) => info.lastSteps[id] ?? 0);
          const h = hook.chartData('histograms');
          if (steps.every((s) => s >= STEPS) && h && h.slices >= RUNS * Math.min(SLICES, 2000) * 0.99) {
            off();
            res(info.t);
          }
        });
      });
      const t0 = performance.now();
      window.postMessage({ type: 'runList', runs }, '*');
      window.postMessage({ type: 'showRuns', runIds: ids, replace: true }, '*');
      for (const d of data) {
        // As the host sends a record read from disk: columns of typed arrays.
        window.postMessage({ type: 'metricColumns', runId: d.id, columns: d.columns, reset: true }, '*');
        window.postMessage({ type: 'histograms', runId: d.id, rows: d.slices, reset: true }, '*');
      }
      const t1 = await Promise.race([done, new Promise((r) => setTimeout(() => r(NaN), 60_000))]);
      if (Number.isNaN(t1)) console.error("load phase did not finish: " + JSON.stringify({ h: hook.chartData("histograms")?.slices, loss: hook.chartData("loss")?.lastStep, stats: hook.stats(), logs: window.__posted.filter((m) => m.type === "log") }));
      const charts = Object.fromEntries(['loss', 'rho-r', 'lr', 'histograms'].map((n) => [n, hook.chartData(n)?.points]));
      return { ms: t1 - t0, charts, stats: hook.stats() };
    },
    { RUNS, STEPS, SLICES },
  );
  if (cdpLoad) writeFileSync(PROFILE_LOAD, JSON.stringify((await cdpLoad.send('Profiler.stop')).profile));
  results.loadMs = load.ms;
  results.loadPoints = load.charts;
  console.log(
    `[bench:dashboard] Chromium ${results.chromium}; ${RUNS} runs x ${STEPS.toLocaleString('en-US')} steps, ${SLICES} histogram slices each; ${results.cpus} CPUs, load average ${results.loadBefore.toFixed(2)} at start (other work on the machine slows every figure)`,
  );
  console.log(`[bench:dashboard] time to render (whole runs, as read from disk): ${f1(load.ms)} ms  (points drawn: ${JSON.stringify(load.charts)})`);
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `dashboard-${THEME}-ridgeline.png`), fullPage: true });
    await page.evaluate(() => document.querySelector('[data-testid="histogram-view-heatmap"]').click());
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, `dashboard-${THEME}-heatmap.png`), fullPage: true });
    await page.evaluate(() => document.querySelector('[data-testid="histogram-view-ridgeline"]').click());
    await page.evaluate(() => document.querySelector('[data-testid="step-log-scale"]').click());
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, `dashboard-${THEME}-log-steps.png`), fullPage: true });
    await page.evaluate(() => document.querySelector('[data-testid="step-log-scale"]').click());
  }

  // ---------- 2. streaming ----------
  results.stream = await streamingPhase(page, { RUNS, STEPS, SLICES, BATCH_MS, NO_HIST, UNSHOWN, FLUSH_PROBE, TRAINER, PROFILE: opt('profile', null), TRACE: opt('trace', null), root: ROOT });
  printStreaming(results.stream);
  if (SHOTS) {
    await page.screenshot({ path: join(SHOTS, `dashboard-${THEME}-streamed.png`), fullPage: true });
    console.log(`[bench:dashboard] screenshots in ${SHOTS}`);
  }
  await page.close();
  if (!args.includes('--streaming-only')) {
    results.runList = await runListBench(browser);
    printRunList(results.runList);
  }
} finally {
  await browser.close();
}
results.loadAfter = loadavg()[0];
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
console.log(JSON.stringify({ bench: 'dashboard', ...results }));
