#!/usr/bin/env node
// TensorBoard reader bench (src/tensorboard): how fast a large event file is read, beside the disk.
//   npm run bench -- tensorboard            generates a ~100 MB event file in a temporary folder
//   node bench/tensorboard.bench.mjs [--dir LOGDIR] [--rounds 3] [--mb 100] [--keep]
// The generated file: 1,000,000 scalar points (500,000 events of two tags, as a training loop logging
// loss and lr) and 5,000 histograms of 800 buckets (PyTorch `add_histogram`'s HistogramProto), encoded
// and framed by the reader's own writer code (proto.ts encodeEvent, tfrecord.ts frameRecord), the same
// code the tests build their files with (checked against Python-written fixtures in fixtures.test.ts).
// Per round, both in this one process on the same (page-cached) file:
//   plain read   fs.promises read of the file in 1 MiB pieces: what the disk and page cache give;
//   reader       LogdirReader.poll() until caught up: read, both CRC-32Cs of every record, protobuf
//                decode, value extraction, series; then the dashboard's columns and histogram slices
//                (runColumnsSliced, runHistogramsSliced: what the first chart needs, built in time
//                slices as TensorBoardSource.whole builds them on the extension host);
// the longest event-loop block during the reader and during the first chart's build, apart (a 1 ms
// interval timer: what VS Code's extension host would feel), and the CPU seconds used. The load average is printed: on shared cores time the process
// is not scheduled counts as blocked too.
// Needs `node scripts/build.mjs` first (reads out/src/tensorboard/*.js).
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { LogdirReader } = require('../out/src/tensorboard/logdir.js');
const { runColumnsSliced } = require('../out/src/tensorboard/runColumns.js');
const { runHistogramsSliced } = require('../out/src/tensorboard/histogramSlices.js');
const { encodeEvent } = require('../out/src/tensorboard/proto.js');
const { frameRecord } = require('../out/src/tensorboard/tfrecord.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const rounds = Number(opt('rounds', 3));
const targetMb = Number(opt('mb', 100));
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/** Writes the synthetic event file; returns its folder. Histograms take ~half the bytes. */
function generate(mb) {
  const dir = mkdtempSync(path.join(tmpdir(), 'radam-tb-bench-'));
  const file = path.join(dir, 'events.out.tfevents.1700000000.bench.1.0');
  const fd = openSync(file, 'w');
  const chunks = [];
  let pending = 0;
  const put = (bytes) => {
    chunks.push(bytes);
    pending += bytes.length;
    if (pending > 8 << 20) flush();
  };
  const flush = () => {
    writeSync(fd, Buffer.concat(chunks));
    chunks.length = 0;
    pending = 0;
  };
  const scale = mb / 100;
  const steps = Math.round(500_000 * scale);
  const histEvery = Math.max(1, Math.round(steps / Math.round(5_000 * scale)));
  const buckets = 800;
  const limits = Array.from({ length: buckets }, (_, k) => -4 + (8 * (k + 1)) / buckets);
  put(frameRecord(encodeEvent({ wallTime: 1700000000, fileVersion: 'brain.Event:2' })));
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let s = 1; s <= steps; s++) {
    const wallTime = 1700000000 + s / 100;
    put(
      frameRecord(
        encodeEvent({ wallTime, step: s, summary: { value: [{ tag: 'train/loss', simpleValue: 2 / Math.sqrt(s) + 0.01 * rand() }, { tag: 'lr', simpleValue: 1e-3 }] } }),
      ),
    );
    if (s % histEvery === 0) {
      const counts = limits.map((_, k) => Math.round(1000 * Math.exp(-(((k - buckets / 2) / (buckets / 8)) ** 2)) * (0.5 + rand())));
      put(frameRecord(encodeEvent({ wallTime, step: s, summary: { value: [{ tag: 'gradients/all', histo: { min: -4, max: 4, num: counts.reduce((a, b) => a + b, 0), bucketLimit: limits, bucket: counts } }] } })));
    }
  }
  flush();
  closeSync(fd);
  return dir;
}

const bytesUnder = (d) =>
  readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytesUnder(path.join(d, e.name)) : e.name.includes('tfevents') ? statSync(path.join(d, e.name)).size : 0), 0);
const filesUnder = (d) =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(d, e.name)) : e.name.includes('tfevents') ? [path.join(d, e.name)] : []));

/** Reads every event file with fs.promises in 1 MiB pieces, doing nothing with the bytes. */
async function plainRead(dir) {
  const buf = Buffer.allocUnsafe(1 << 20);
  let total = 0;
  for (const f of filesUnder(dir)) {
    const h = await open(f, 'r');
    try {
      for (;;) {
        const { bytesRead } = await h.read(buf, 0, buf.length, null);
        if (!bytesRead) break;
        total += bytesRead;
      }
    } finally {
      await h.close();
    }
  }
  return total;
}

/** CPU ms of this process's main thread (Linux /proc, 10 ms resolution); elsewhere the whole process's. */
function mainThreadCpuMs() {
  try {
    const s = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/**
 * Runs `fn` while a 1 ms timer records the longest gap between its ticks (wall time), and the most CPU
 * time the main thread used within one gap: on a loaded machine a gap also holds time the process waited
 * for a core; the main thread's CPU is what the code (and GC pauses on it) held the event loop for.
 */
async function withLoopWatch(fn) {
  let maxGap = 0;
  let maxGapCpu = 0;
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    maxGap = Math.max(maxGap, now - last);
    maxGapCpu = Math.max(maxGapCpu, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
  }, 1);
  try {
    const value = await fn();
    return { value, maxGap, maxGapCpu };
  } finally {
    clearInterval(timer);
  }
}

const given = opt('dir', undefined);
let dir = given;
if (!dir) {
  const t0 = performance.now();
  dir = generate(targetMb);
  console.log(`generated ${(bytesUnder(dir) / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
}
const bytes = bytesUnder(dir);
const mb = bytes / 1e6;
console.log(`load average ${load()}; Node ${process.version}`);
const rows = [];
try {
  for (let r = 1; r <= rounds; r++) {
    const p0 = performance.now();
    const { maxGap: plainGap } = await withLoopWatch(() => plainRead(dir));
    const plainS = (performance.now() - p0) / 1000;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { value: reader, maxGap } = await withLoopWatch(async () => {
      const reader = new LogdirReader(dir);
      let rep;
      do rep = await reader.poll();
      while (rep.behind);
      return reader;
    });
    const readS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    let points = 0;
    let slices = 0;
    const { maxGap: shapeGap, maxGapCpu: shapeGapCpu } = await withLoopWatch(async () => {
      for (const run of reader.runs()) {
        const [columns, histograms] = await Promise.all([runColumnsSliced(run), runHistogramsSliced(run)]);
        points += columns.steps.length;
        slices += histograms.length;
      }
    });
    const firstChartS = readS + (performance.now() - t1) / 1000;
    const shapeCpu = process.cpuUsage(c1);
    const shapeCpuS = (shapeCpu.user + shapeCpu.system) / 1e6;
    const readCpuS = (cpu.user + cpu.system) / 1e6;
    const records = reader.runs().reduce((n, x) => n + x.stats.records, 0);
    rows.push({ plain: mb / plainS, reader: mb / readS, perCpu: mb / readCpuS, firstChartS, firstChartCpuS: readCpuS + shapeCpuS, maxGap, shapeS: firstChartS - readS, shapeCpuS, shapeGap, shapeGapCpu });
    console.log(
      `round ${r}: plain read ${(mb / plainS).toFixed(0)} MB/s (longest block ${plainGap.toFixed(1)} ms) | reader ${(mb / readS).toFixed(1)} MB/s, ${records} records in ${readS.toFixed(2)} s, ` +
        `CPU ${readCpuS.toFixed(2)} s (${(mb / readCpuS).toFixed(1)} MB per CPU-second), longest event-loop block ${maxGap.toFixed(1)} ms | to first chart ${firstChartS.toFixed(2)} s, CPU ${(readCpuS + shapeCpuS).toFixed(2)} s (${points} rows, ${slices} slices; of it the chart data ${(firstChartS - readS).toFixed(2)} s, CPU ${shapeCpuS.toFixed(2)} s, longest event-loop block ${shapeGap.toFixed(1)} ms, main-thread CPU in it ${shapeGapCpu.toFixed(0)} ms) | load ${load()}`,
    );
  }
} finally {
  if (!given && !args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
const med = (k) => rows.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
console.log('\n| file | plain fs read | reader (wall) | reader per CPU-second | reader / plain | to first chart (wall, CPU) | longest event-loop block: reader | chart data (wall, CPU) | longest event-loop block: chart data (wall, main-thread CPU in it) |');
console.log('|---|---|---|---|---|---|---|---|---|');
console.log(
  `| ${mb.toFixed(1)} MB | ${med('plain').toFixed(0)} MB/s | ${med('reader').toFixed(1)} MB/s | ${med('perCpu').toFixed(1)} MB/s | ${((100 * med('reader')) / med('plain')).toFixed(1)} % | ${med('firstChartS').toFixed(2)} s, ${med('firstChartCpuS').toFixed(2)} s | ${med('maxGap').toFixed(1)} ms | ${med('shapeS').toFixed(2)} s, ${med('shapeCpuS').toFixed(2)} s | ${med('shapeGap').toFixed(1)} ms, ${med('shapeGapCpu').toFixed(1)} ms |`,
);
console.log(`(medians of ${rounds} rounds; load average ${load()})`);
