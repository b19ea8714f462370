#!/usr/bin/env node
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
//      over 34 ms, render time per frame, and the JS heap after streaming.
// Everything runs on the page's main thread, as in the webview; other work on the machine (2 CPUs
// here) slows every figure, so the load average is printed with them.
//
//   3. run list: 200 runs (50 comparisons of 4, some failed or diverged) in a narrow panel (745 x 800,
//      an editor beside the explorer and the Chat panel); the filter typed key by key and erased:
//      keystroke (input event) -> list filtered and laid out, and -> the next frame (painted), p50/p95/max.
//      `--runlist-only` runs this phase alone.
//
//   node bench/dashboard.bench.mjs [--steps 100000] [--runs 3] [--slices 1000] [--bundle PATH]
//        [--theme dark|light] [--screenshot DIR] [--json FILE] [--gpu]
//        diagnostics: [--profile FILE.cpuprofile] [--profile-load FILE] [--no-hist] [--unshown]
// Needs: `node scripts/build.mjs` first, playwright-core (devDependency), Debian's chromium.
// One file of ~420 lines because phases 1 and 2 share the test page, its feeding and their figures;
// phase 3 is dashboardRunList.mjs.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../test/harness/workbenchPage.mjs';
import { printRunList, runListBench as runListPhase } from './dashboardRunList.mjs';
import { f1, q } from './figures.mjs';

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

const runListBench = (browser) => runListPhase(browser, { html: HTML, css: CSS, bundle: BUNDLE, theme: THEME, shots: SHOTS });

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
  const page = await browser.newPage({ viewport: { width: 1500, height: 1250 }, colorScheme: THEME === 'light' ? 'light' : 'dark' });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error('[page console]', m.text());
  });
  await page.setContent(HTML);
  // The stubbed VS Code API: posted messages are recorded, state is kept in the page.
  await page.addScriptTag({
    content: `window.__posted = []; window.__state = null;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => (window.__state = s) });`,
  });
  await page.addStyleTag({ path: CSS });
  await page.addScriptTag({ path: BUNDLE });
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready') && window.__radamDashboard);
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
  const PROFILE = opt('profile', null);
  let cdp;
  if (PROFILE) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const stream = await page.evaluate(
    async ({ RUNS, STEPS, SLICES, BATCH_MS, NO_HIST, UNSHOWN }) => {
      const lib = window.__lib;
      const hook = window.__radamDashboard;
      const ids = Array.from({ length: RUNS }, (_, i) => `20250101-000001-000-strm-${i}-${lib.kinds[i % 3]}`);
      const runs = ids.map((id, i) => ({ id, label: ['RAdam', 'Adam', 'Adam, warmup 2000'][i % 3] + ' (live)', status: 'running', live: true, steps: STEPS, beta2: 0.999, rectificationThreshold: 5 }));
      window.postMessage({ type: 'runList', runs }, '*');
      window.postMessage({ type: 'showRuns', runIds: UNSHOWN ? [] : ids, replace: true }, '*');
      await new Promise((r) => setTimeout(r, 300));
      // Prepare every batch first (the host's messages arrive already built).
      const ticks = Math.ceil((STEPS * BATCH_MS) / 10_000); // 10,000 steps/s per run
      const per = Math.ceil(STEPS / ticks);
      const every = Math.max(1, Math.floor(STEPS / SLICES));
      const batches = [];
      for (let k = 0; k < ticks; k++) {
        const from = k * per + 1;
        const to = Math.min(STEPS, (k + 1) * per);
        if (from > to) break;
        batches.push(
          ids.map((id, i) => {
            const rows = lib.rowsFor(lib.kinds[i % 3], i + 7, from, to, []);
            const slices = [];
            for (let s = Math.ceil(from / every) * every; s <= to; s += every) slices.push(lib.sliceFor(lib.kinds[i % 3], s));
            // Live batches go as columns too (DashboardPanel.pushMetrics).
            return { id, columns: lib.columns(rows), slices, last: to };
          }),
        );
      }
      window.gc?.();
      const pending = []; // { id, step, t }
      const latencies = [];
      const renderMs = [];
      // A batch counts as on screen at the first animation frame after the render that drew its last
      // step (the canvas is composited between the two).
      const drawn = [];
      const off = hook.onFrame((info) => {
        renderMs.push(info.renderMs);
        for (let j = pending.length - 1; j >= 0; j--) {
          const p = pending[j];
          if ((info.lastSteps[p.id] ?? 0) >= p.step) {
            drawn.push(p);
            pending.splice(j, 1);
          }
        }
      });
      const gaps = [];
      let last = 0;
      let streaming = true;
      let measuring = true;
      const raf = (t) => {
        if (streaming && last) gaps.push(t - last);
        last = t;
        const now = performance.now();
        for (const p of drawn.splice(0)) latencies.push(now - p.t);
        if (measuring) requestAnimationFrame(raf);
      };
      requestAnimationFrame(raf);
      const t0 = performance.now();
      await new Promise((resolve) => {
        let k = 0;
        const tick = () => {
          if (k >= batches.length) return resolve();
          for (const b of batches[k]) {
            const t = performance.now();
            window.postMessage({ type: 'metricColumns', runId: b.id, columns: b.columns }, '*');
            if (b.slices.length && !NO_HIST) window.postMessage({ type: 'histograms', runId: b.id, rows: b.slices }, '*');
            pending.push({ id: b.id, step: b.last, t });
          }
          k++;
          // Next batch BATCH_MS after this one was due (the trainer's clock does not wait for us).
          setTimeout(tick, Math.max(0, t0 + k * BATCH_MS - performance.now()));
        };
        tick();
      });
      // Wait for the last step to reach the screen.
      streaming = false;
      const tEnd = performance.now();
      while ((pending.length || drawn.length) && performance.now() - tEnd < 5000) await new Promise((r) => setTimeout(r, 20));
      const streamMs = performance.now() - t0;
      measuring = false;
      off();
      const batchCount = batches.length;
      batches.length = 0; // the bench's own copy of the stream, not the dashboard's memory
      await new Promise((r) => setTimeout(r, 600));
      window.gc?.();
      const heapMB = performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null;
      const points = Object.fromEntries(['loss', 'rho-r', 'lr', 'histograms'].map((n) => [n, hook.chartData(n)?.points]));
      return { latencies, gaps, renderMs, streamMs, undelivered: pending.length, heapMB, batches: batchCount, points };
    },
    { RUNS, STEPS, SLICES, BATCH_MS, NO_HIST, UNSHOWN },
  );
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(PROFILE, JSON.stringify(profile));
  }
  const lat = [...stream.latencies].sort((a, b) => a - b);
  const gaps = [...stream.gaps].sort((a, b) => a - b);
  const rms = [...stream.renderMs].sort((a, b) => a - b);
  Object.assign(results, {
    streamMs: stream.streamMs,
    batches: stream.batches,
    latencyP50: q(lat, 0.5),
    latencyP95: q(lat, 0.95),
    latencyMax: lat[lat.length - 1],
    undelivered: stream.undelivered,
    gapP50: q(gaps, 0.5),
    gapP95: q(gaps, 0.95),
    gapMax: gaps[gaps.length - 1],
    gapsOver34Pct: (100 * gaps.filter((g) => g > 34).length) / Math.max(1, gaps.length),
    frames: gaps.length,
    renderP50: q(rms, 0.5),
    renderP95: q(rms, 0.95),
    renderMax: rms[rms.length - 1],
    heapMB: stream.heapMB,
    streamPoints: stream.points,
  });
  console.log(
    `[bench:dashboard] streaming ${RUNS} x ${STEPS.toLocaleString('en-US')} steps in ${stream.batches} batches of ${BATCH_MS} ms: ${f1(stream.streamMs)} ms until the last step was on screen`,
  );
  console.log(
    `[bench:dashboard] step-to-pixel latency p50 ${f1(results.latencyP50)} ms, p95 ${f1(results.latencyP95)} ms, max ${f1(results.latencyMax)} ms (${lat.length} batches${stream.undelivered ? `, ${stream.undelivered} never drawn` : ''})`,
  );
  console.log(
    `[bench:dashboard] frame gaps (requestAnimationFrame) p50 ${f1(results.gapP50)} / p95 ${f1(results.gapP95)} / max ${f1(results.gapMax)} ms, ${results.gapsOver34Pct.toFixed(2)}% over 34 ms (${gaps.length} frames)`,
  );
  console.log(`[bench:dashboard] render per frame p50 ${f1(results.renderP50)} / p95 ${f1(results.renderP95)} / max ${f1(results.renderMax)} ms; JS heap after streaming ${f1(results.heapMB)} MB`);
  if (SHOTS) {
    await page.screenshot({ path: join(SHOTS, `dashboard-${THEME}-streamed.png`), fullPage: true });
    console.log(`[bench:dashboard] screenshots in ${SHOTS}`);
  }
  await page.close();
  results.runList = await runListBench(browser);
  printRunList(results.runList);
} finally {
  await browser.close();
}
results.loadAfter = loadavg()[0];
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
console.log(JSON.stringify({ bench: 'dashboard', ...results }));
