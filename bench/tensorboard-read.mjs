// Read throughput of the TensorBoard event-file reader (src/tensorboard), on a real event file.
//   node scripts/build.mjs && node bench/tensorboard-read.mjs <log dir or event file's folder> [rounds]
// Reports, per round: MB/s and records/s of LogdirReader.poll() over the whole folder (read, CRC-32C of
// every record, protobuf decode, value extraction, series), and the longest time the event loop was
// blocked (measured by a 1 ms interval timer), which is what VS Code's extension host would feel.
// The machine's load matters: on shared cores, time the process is not scheduled counts as blocked too;
// the CPU seconds the process used are printed beside the wall-clock figures.
// Make a large file with e.g. torch.utils.tensorboard (see the report in the issue-15 commit log).
import { statSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { LogdirReader } = require('../out/src/tensorboard/logdir.js');
const { runColumns, runHistograms } = require('../out/src/tensorboard/dashboard.js');

const dir = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
if (!dir) {
  console.error('usage: node bench/tensorboard-read.mjs <log dir> [rounds]');
  process.exit(2);
}
const bytesUnder = (d) =>
  readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytesUnder(path.join(d, e.name)) : e.name.includes('tfevents') ? statSync(path.join(d, e.name)).size : 0), 0);
const bytes = bytesUnder(dir);
const results = [];
for (let r = 0; r < rounds; r++) {
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const reader = new LogdirReader(dir);
  let rep;
  do rep = await reader.poll();
  while (rep.behind);
  const t1 = performance.now();
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  clearInterval(timer);
  const runs = reader.runs();
  const records = runs.reduce((n, x) => n + x.stats.records, 0);
  const t2 = performance.now();
  let rows = 0;
  let slices = 0;
  for (const run of runs) {
    rows += runColumns(run).steps.length;
    slices += runHistograms(run).length;
  }
  const t3 = performance.now();
  const s = (t1 - t0) / 1000;
  results.push(bytes / 1e6 / s);
  console.log(
    `round ${r + 1}: ${(bytes / 1e6).toFixed(1)} MB, ${records} records in ${s.toFixed(2)} s = ${(bytes / 1e6 / s).toFixed(1)} MB/s, ` +
      `${Math.round(records / s)} records/s; CPU ${cpuS.toFixed(2)} s (${(bytes / 1e6 / cpuS).toFixed(1)} MB per CPU-second); longest event-loop block ${maxGap.toFixed(1)} ms; ` +
      `dashboard columns (${rows} rows) + histogram slices (${slices}) in ${(t3 - t2).toFixed(0)} ms`,
  );
}
results.sort((a, b) => a - b);
console.log(`median ${results[Math.floor(results.length / 2)].toFixed(1)} MB/s`);
