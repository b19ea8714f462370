/* global window, document, requestAnimationFrame -- functions handed to the page run in the browser */
// Phase 2 of the dashboard bench (dashboard.bench.mjs, which documents it): live runs streamed into the
// built webview bundle, with (by default) a real trainer on the other core, as issue 16's targets say.
//
// The trainer: the built CLI (dist/cli.js train) training RAdam and Adam in lockstep on digits (MLP
// 256-256, batch 64, one TensorFlow intra-op thread as the host's thread rule gives that model) for as
// long as the phase streams, writing its run files to a temporary folder. It is the same work a trainer
// forked by the extension does, minus the IPC to the host; its CPU use during the phase is printed
// (from /proc/PID/stat), so a reader can see that it did take a core.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f1, q } from './figures.mjs';

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds used so far by this process's descendants (Chromium's processes; the trainer's pid is
 * left out), by kind: 'renderer' (the page), 'gpu-process' (compositing), 'browser', other types.
 * A figure of work done, less sensitive to other load on the machine than the frame figures.
 */
function chromiumCpu(exclude) {
  const procs = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      procs.push({ pid: Number(name), ppid });
    } catch {
      // gone meanwhile
    }
  }
  const children = new Map();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out = {};
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      if (c === exclude) continue;
      let type = 'browser';
      try {
        const m = /--type=([a-z-]+)/.exec(readFileSync(`/proc/${c}/cmdline`, 'utf8'));
        if (m) type = m[1] === 'utility' ? 'utility' : m[1];
      } catch {
        continue;
      }
      const s = cpuSeconds(c);
      if (Number.isFinite(s)) out[type] = (out[type] ?? 0) + s;
      walk(c);
    }
  };
  walk(process.pid);
  return out;
}

/** Starts the trainer and resolves once it writes metrics (TensorFlow loaded, steps running). */
export async function startTrainer(root) {
  const out = mkdtempSync(join(tmpdir(), 'radam-bench-trainer-'));
  const child = spawn(
    process.execPath,
    [join(root, 'dist', 'cli.js'), 'train', '--dataset', 'digits', '--hidden', '256,256', '--batch-size', '64', '--steps', '1000000', '--compare', 'adam', '--threads', '1', '--out', out, '--quiet'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((res) => child.once('exit', res));
  const t0 = Date.now();
  const metrics = () => {
    for (const d of existsSync(out) ? readdirSync(out) : []) {
      const f = join(out, d, 'metrics.jsonl');
      if (existsSync(f) && statSync(f).size > 0) return true;
    }
    return false;
  };
  while (!metrics()) {
    if (child.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`the bench's trainer did not start: ${stderr.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid,
    cpu: () => cpuSeconds(child.pid),
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/** Phase 2: streams RUNS live runs to STEPS steps; returns the figures. */
export async function streamingPhase(page, { RUNS, STEPS, SLICES, BATCH_MS, NO_HIST, UNSHOWN, FLUSH_PROBE, TRAINER, PROFILE, TRACE, root }) {
  const trainer = TRAINER ? await startTrainer(root) : null;
  const cpu0 = trainer?.cpu();
  const chromium0 = chromiumCpu(trainer?.pid);
  const wall0 = performance.now();
  try {
  let cdp;
  if (PROFILE) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  let tracing;
  if (TRACE) {
    tracing = await page.context().newCDPSession(page);
    await tracing.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'blink.user_timing', 'v8', 'cc', 'viz', 'gpu', 'benchmark', 'input', 'toplevel'] },
    });
  }
  const stream = await page.evaluate(
    async ({ RUNS, STEPS, SLICES, BATCH_MS, NO_HIST, UNSHOWN, FLUSH_PROBE }) => {
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
      const flush = FLUSH_PROBE ? {} : null;
      const off = hook.onFrame((info) => {
        if (flush) {
          // Diagnostic: forces each canvas's recorded drawing to be rasterised now, and times it.
          for (const c of document.querySelectorAll('canvas')) {
            const name = c.closest('[data-chart]')?.dataset.chart + (c.closest('.hist-card') ? '/' + [...c.closest('.hist-grid').children].indexOf(c.closest('.hist-card')) : '');
            const t = performance.now();
            c.getContext('2d').getImageData(0, 0, 1, 1);
            const d = performance.now() - t;
            const f = (flush[name] ??= { n: 0, ms: 0, max: 0, w: c.width, h: c.height });
            if (d > 0.3) { f.n++; f.ms += d; f.max = Math.max(f.max, d); }
          }
        }
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
      return { latencies, gaps, renderMs, streamMs, undelivered: pending.length, heapMB, batches: batchCount, points, flush };
    },
    { RUNS, STEPS, SLICES, BATCH_MS, NO_HIST, UNSHOWN, FLUSH_PROBE },
  );
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(PROFILE, JSON.stringify(profile));
  }
  if (tracing) {
    const complete = new Promise((r) => tracing.once('Tracing.tracingComplete', r));
    await tracing.send('Tracing.end');
    const { stream: handle } = await complete;
    const parts = [];
    for (;;) {
      const { data, eof, base64Encoded } = await tracing.send('IO.read', { handle, size: 1 << 20 });
      parts.push(base64Encoded ? Buffer.from(data, 'base64').toString() : data);
      if (eof) break;
    }
    await tracing.send('IO.close', { handle });
    writeFileSync(TRACE, parts.join(''));
  }

    const seconds = (performance.now() - wall0) / 1000;
    const chromium1 = chromiumCpu(trainer?.pid);
    const chromiumCorePct = Object.fromEntries(Object.keys(chromium1).map((k) => [k, (100 * (chromium1[k] - (chromium0[k] ?? 0))) / seconds]));
    const trainerCpu = trainer ? { pid: trainer.pid, corePct: (100 * (trainer.cpu() - cpu0)) / ((performance.now() - wall0) / 1000) } : null;
  const lat = [...stream.latencies].sort((a, b) => a - b);
  const gaps = [...stream.gaps].sort((a, b) => a - b);
  const rms = [...stream.renderMs].sort((a, b) => a - b);
  const r = {
    runs: RUNS,
    steps: STEPS,
    batchMs: BATCH_MS,
    delivered: lat.length,
    trainer: trainerCpu,
    chromiumCorePct,
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
    flush: stream.flush,
  };
  return r;

  } finally {
    await trainer?.stop();
  }
}

export function printStreaming(r) {
  console.log(
    `[bench:dashboard] streaming ${r.runs} x ${r.steps.toLocaleString('en-US')} steps in ${r.batches} batches of ${r.batchMs} ms (${r.trainer ? `a trainer on the other core: pid ${r.trainer.pid} used ${f1(r.trainer.corePct)}% of a core meanwhile` : 'no trainer running'}): ${f1(r.streamMs)} ms until the last step was on screen`,
  );
  console.log(`[bench:dashboard] step-to-pixel latency p50 ${f1(r.latencyP50)} ms, p95 ${f1(r.latencyP95)} ms, max ${f1(r.latencyMax)} ms (${r.delivered} batches${r.undelivered ? `, ${r.undelivered} never drawn` : ''})`);
  console.log(`[bench:dashboard] frame gaps (requestAnimationFrame) p50 ${f1(r.gapP50)} / p95 ${f1(r.gapP95)} / max ${f1(r.gapMax)} ms, ${r.gapsOver34Pct.toFixed(2)}% over 34 ms (${r.frames} frames)`);
  if (r.flush) console.log('[bench:dashboard] raster on flush per canvas', JSON.stringify(r.flush));
  console.log(`[bench:dashboard] Chromium's CPU while streaming, % of one core: ${Object.entries(r.chromiumCorePct).map(([k, v]) => `${k} ${f1(v)}`).join(', ')}`);
  console.log(`[bench:dashboard] render per frame p50 ${f1(r.renderP50)} / p95 ${f1(r.renderP95)} / max ${f1(r.renderMax)} ms; JS heap after streaming ${f1(r.heapMB)} MB`);
}
