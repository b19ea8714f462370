#!/usr/bin/env node
// Node layer: the trainer must run on every Node that can fork it — the extension host of any VS Code
// from engines.vscode up to today's (Node 20 .. 24) and a user's shell for the CLI. For each Node major
// in RADAM_NODE_MAJORS (default 20,22,24; distributions from the npm registry, ./targets.mjs):
//   1. `node dist/cli.js train --steps 50 --out <tmp>` finishes: exit 0, run.json says finished after
//      50 steps, on the native `tensorflow` backend when RADAM_REQUIRE_NATIVE=1, with a finite loss;
//   2. `dist/lib/optim.js` loads and takes RAdam steps (rho_t, r_t and the parameters move).
// Writes test-results/nodes-summary.json for run-all.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureNode } from './targets.mjs';
import { ROOT, writeSummary, printResult, fmtMs, requireNative } from './common.mjs';

const MAJORS = (process.env.RADAM_NODE_MAJORS || '20,22,24').split(',').map(Number);

function check(cond, message) {
  if (!cond) throw new Error(message);
}

function trainWithCli(node) {
  const out = mkdtempSync(join(tmpdir(), 'radam-nodes-'));
  try {
    const env = { ...process.env, ...(requireNative() ? { RADAM_REQUIRE_NATIVE: '1' } : {}) };
    const r = spawnSync(node.bin, [join(ROOT, 'dist', 'cli.js'), 'train', '--steps', '50', '--out', out], { encoding: 'utf8', env, timeout: 180_000 });
    check(r.status === 0, `cli exited with ${r.status ?? r.signal}:\n${(r.stderr || '').slice(-2000)}`);
    const runs = readdirSync(out).filter((d) => existsSync(join(out, d, 'run.json')));
    check(runs.length === 1, `expected one run in ${out}, found ${runs.length}`);
    const run = JSON.parse(readFileSync(join(out, runs[0], 'run.json'), 'utf8'));
    check(run.status === 'finished', `run.json status is ${run.status}${run.error ? ` (${run.error})` : ''}`);
    const lines = readFileSync(join(out, runs[0], 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const last = lines[lines.length - 1];
    check(last.step === 50, `last metrics line is step ${last.step}, expected 50`);
    check(Number.isFinite(last.loss), `last loss is ${last.loss}`);
    const backend = run.backend?.name ?? run.backend;
    if (requireNative()) check(backend === 'tensorflow', `backend is ${JSON.stringify(run.backend)}, expected tensorflow`);
    return `${run.status}, 50 steps, loss ${last.loss.toFixed(3)}, backend ${backend}`;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// Runs in the Node under test: the optimizer library on its own, two RAdam steps on a tiny variable.
const OPTIM_PROBE = `
const lib = require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'optim.js'))});
const tf = lib.tf;
const w = tf.variable(tf.tensor1d([1, -2, 3]));
const opt = lib.createOptimizer({ name: 'radam', learningRate: 0.1 });
for (let i = 0; i < 8; i++) opt.applyGradients({ [w.name]: tf.tensor1d([0.5, -0.5, 1]) });
const values = Array.from(w.dataSync());
const r = lib.rectification(8, 0.999);
process.stdout.write(JSON.stringify({ values, backend: tf.getBackend(), rho: r.rhoT, node: process.version }));
`;

function optimLibrary(node) {
  const r = spawnSync(node.bin, ['-e', OPTIM_PROBE], { encoding: 'utf8', env: process.env, timeout: 120_000 });
  check(r.status === 0, `optim probe exited with ${r.status ?? r.signal}:\n${(r.stderr || '').slice(-2000)}`);
  const got = JSON.parse(r.stdout);
  check(got.values.every((v, i) => Number.isFinite(v) && v !== [1, -2, 3][i]), `parameters did not move: ${got.values}`);
  check(got.rho > 0 && got.rho < 8, `rho_t(8) = ${got.rho}`);
  if (requireNative()) check(got.backend === 'tensorflow', `optim library backend is ${got.backend}`);
  return `backend ${got.backend}, w = [${got.values.map((v) => v.toFixed(4)).join(', ')}]`;
}

export async function runNodes() {
  const t0 = Date.now();
  const summary = { layer: 'nodes', host: '', passed: 0, failed: 0, pending: 0, durationMs: 0 };
  const versions = [];
  for (const major of MAJORS) {
    let node;
    try {
      node = ensureNode(major);
      versions.push(node.version);
    } catch (err) {
      summary.failed++;
      printResult({ state: 'failed', fullTitle: `Node ${major}: install`, error: err.message });
      continue;
    }
    for (const [name, fn] of [
      ['`radam-lab train --steps 50` finishes', trainWithCli],
      ['dist/lib/optim.js loads and steps', optimLibrary],
    ]) {
      const s = Date.now();
      try {
        const detail = fn(node);
        summary.passed++;
        printResult({ state: 'passed', fullTitle: `Node ${node.version}: ${name} — ${detail}`, durationMs: Date.now() - s });
      } catch (err) {
        summary.failed++;
        printResult({ state: 'failed', fullTitle: `Node ${node.version}: ${name}`, durationMs: Date.now() - s, error: err.message });
      }
    }
  }
  summary.host = `Node ${versions.join(', ')} (CLI and optimizer library)`;
  summary.durationMs = Date.now() - t0;
  writeSummary(summary);
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await runNodes();
  console.log(`[nodes] ${s.passed} passed, ${s.failed} failed in ${fmtMs(s.durationMs)}`);
  process.exit(s.failed > 0 || s.passed === 0 ? 1 : 0);
}
