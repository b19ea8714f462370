// RAdam's applyGradients against tf.train.adam's, on the same backend, in the same run.
//
//   node bench/optim.bench.mjs [--sizes 100000,1000000,10000000] [--steps 100] [--warmup 20]
//
// Needs dist/lib/optim.js (npm run build). Each model is 4 dense layers (n x n kernel + n bias) of about
// the given parameter count. Both optimizers get fixed gradients; after a warm-up (RAdam past its SGD
// phase), steps are timed one by one in interleaved rounds (Adam then RAdam, then RAdam then Adam, ...),
// and the median of >= `steps` steps is reported for each.
//
// Effective bandwidth = bytes an Adam-type step must read and write at minimum (gradient read; param,
// m, v each read and written: 7 float32 = 28 bytes per parameter) / time per step. "copy" is a plain
// Float32Array.set moving the same number of bytes (14 bytes per parameter read + 14 written).
//
// glibc's allocator settings change these timings a lot on this machine (fresh pages are slow to touch);
// they must be set before the process starts, so the script re-executes itself with them when missing.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: '33554432',
  MALLOC_TRIM_THRESHOLD_: '1073741824',
  MALLOC_TOP_PAD_: '268435456',
};
if (!process.env.MALLOC_MMAP_THRESHOLD_ && !process.env.RADAM_BENCH_CHILD) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_ENV, RADAM_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}

const require = createRequire(import.meta.url);
const { RAdamOptimizer, tf, backendInfo } = require('../dist/lib/optim.js');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const sizes = arg('sizes', '100000,1000000,10000000').split(',').map(Number);
const minSteps = Math.max(100, Number(arg('steps', 100)));
const warmup = Number(arg('warmup', 20));
const ROUND = 10;

function layout(params) {
  const n = Math.round(Math.sqrt(params / 4));
  return Array.from({ length: 4 }, () => [[n, n], [n]]).flat();
}

function makeSet(shapes, tag) {
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 0.05, 'float32', 1 + i), true, `${tag}/${i}`)));
  const grads = vars.map((v, i) => tf.randomNormal(v.shape, 0, 0.01, 'float32', 100 + i));
  const named = vars.map((v, i) => ({ name: v.name, tensor: grads[i] }));
  return { vars, grads, named };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timeSteps(opt, named, n, out) {
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    opt.applyGradients(named);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}

function copyBench(bytesMoved) {
  // a copy reads and writes: copy bytesMoved / 2 bytes
  const n = Math.max(1, Math.round(bytesMoved / 2 / 4));
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  const times = [];
  for (let i = 0; i < 5; i++) dst.set(src);
  for (let i = 0; i < 30; i++) {
    src[i] = i;
    const t0 = process.hrtime.bigint();
    dst.set(src);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/** Kernels one applyGradients dispatches (from tf.profile, outside the timed runs). */
async function kernelsPerStep(opt, named) {
  const info = await tf.profile(() => opt.applyGradients(named));
  return info.kernels.length;
}

console.log(
  `optim bench: backend ${backendInfo.name}${backendInfo.native ? '' : ' (NOT native: ' + backendInfo.warning + ')'}, ` +
    `node ${process.version}, TF_NUM_INTRAOP_THREADS=${process.env.TF_NUM_INTRAOP_THREADS ?? 'default'}, ` +
    `MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_ ?? 'unset'}`,
);
console.log(`median of >= ${minSteps} timed steps each after ${warmup} warm-up steps, interleaved rounds of ${ROUND}\n`);

const rows = [];
for (const target of sizes) {
  const shapes = layout(target);
  const params = shapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
  const A = makeSet(shapes, `adam${target}`);
  const R = makeSet(shapes, `radam${target}`);
  const adam = tf.train.adam(1e-3);
  const radam = new RAdamOptimizer({ learningRate: 1e-3 });
  for (let i = 0; i < warmup; i++) {
    adam.applyGradients(A.named);
    radam.applyGradients(R.named);
  }
  const kAdam = await kernelsPerStep(adam, A.named);
  const kRadam = await kernelsPerStep(radam, R.named);
  if (!radam.lastStep.rectified) throw new Error('RAdam still in its SGD phase after warm-up');
  const ta = [];
  const tr = [];
  for (let round = 0; ta.length < minSteps || tr.length < minSteps; round++) {
    if (round % 2 === 0) {
      timeSteps(adam, A.named, ROUND, ta);
      timeSteps(radam, R.named, ROUND, tr);
    } else {
      timeSteps(radam, R.named, ROUND, tr);
      timeSteps(adam, A.named, ROUND, ta);
    }
  }
  const bytes = 28 * params;
  const adamMs = median(ta);
  const radamMs = median(tr);
  const copyMs = copyBench(bytes);
  rows.push({ params, vars: shapes.length, steps: ta.length, adamMs, radamMs, kAdam, kRadam, bytes, copyMs });
  for (const s of [A, R]) tf.dispose([...s.vars, ...s.grads]);
  adam.dispose();
  radam.dispose();
}

const gbs = (bytes, ms) => (bytes / (ms / 1e3) / 1e9).toFixed(1);
const pad = (s, n) => String(s).padStart(n);
console.log(
  [pad('params', 11), pad('vars', 4), pad('steps', 5), pad('adam ms', 9), pad('radam ms', 9), pad('ratio', 6), pad('adam GB/s', 9), pad('radam GB/s', 10), pad('copy ms', 8), pad('copy GB/s', 9), pad('kernels a/r', 11)].join(' '),
);
for (const r of rows) {
  console.log(
    [
      pad(r.params.toLocaleString('en-US'), 11),
      pad(r.vars, 4),
      pad(r.steps, 5),
      pad(r.adamMs.toFixed(3), 9),
      pad(r.radamMs.toFixed(3), 9),
      pad((r.radamMs / r.adamMs).toFixed(2), 6),
      pad(gbs(r.bytes, r.adamMs), 9),
      pad(gbs(r.bytes, r.radamMs), 10),
      pad(r.copyMs.toFixed(3), 8),
      pad(gbs(r.bytes, r.copyMs), 9),
      pad(`${r.kAdam}/${r.kRadam}`, 11),
    ].join(' '),
  );
}
console.log('\nratio = radam ms / adam ms (target <= 0.85 at 1M and 10M); GB/s = 28 bytes/param / time; copy = Float32Array.set of the same bytes');
