#!/usr/bin/env node
// `npm test` (after the build): the test layers in order, each in a process of its own.
//   static            test/harness/static.mjs: tsc --noEmit, then eslint (one test each)
//   unit              mocha (.mocharc.json) on out/test/unit/**, no VS Code, under this Node
//   unit-node24       the same suite under Node 24 (today's VS Code extension host's Node)
//   faults            mocha on out/test/faults/**: write errors, full disks, kills, bad files and specs
//   processes         mocha on out/test/processes/**: the CLI and the trainer as child processes (dist/)
//   nodes             test/harness/nodes.mjs: the CLI trains and dist/lib/optim.js steps on Node 20, 22, 24
//   integration-<t>   test/harness/integration.mjs: mocha inside a real VS Code extension host
//   e2e-<t>           test/harness/e2e.mjs: Playwright drives that VS Code in Chromium
//   vsix              test/harness/vsix.mjs: package the VSIX, install it as a user does, train
// <t> is each VS Code target of test/harness/targets.mjs (RADAM_VSCODE_TARGETS, default current,oldest):
// `current` is today's VS Code on Node 24, `oldest` the oldest VS Code engines.vscode claims.
// `node test/harness/run-all.mjs unit e2e` runs only the layers named (a name also selects its
// variants: `e2e` is e2e-current and e2e-oldest).
//
// RADAM_REQUIRE_NATIVE=1 is set for every layer when CI is set or RADAM_REQUIRE_NATIVE already is
// (tests then insist on the native tfjs-node `tensorflow` backend; a silent fallback fails).
//
// Each layer writes test-results/<layer>-summary.json; this prints a table of them and ends its
// output with one line:  SUMMARY: 42 passed, 0 failed (unit 30, integration-current 8, ...)
// (per layer: tests passed; `failed` also counts one per layer that broke without reporting a
// test failure). Exit code 1 if anything failed or a layer ran no test.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, RESULTS_DIR, summaryPath, readSummary, writeSummary, fmtMs } from './common.mjs';
import { selectedTargets, ensureNode, VSCODE_TARGETS, packageJson } from './targets.mjs';

const targets = selectedTargets();
const LAYERS = [
  { name: 'static', run: () => childLayer('static', ['static.mjs']) },
  { name: 'unit', run: () => unitLayer('unit') },
  { name: 'unit-node24', run: () => unitLayer('unit-node24', 24) },
  // The fault-injection suites: real files, real processes, the real CLI and tfjs-node; ENOSPC needs
  // mount(8) of a tmpfs and EACCES setpriv (root), else those tests report pending with the reason.
  { name: 'faults', run: () => mochaLayer('faults', ['--no-config', '--timeout', '180000', 'out/test/faults/**/*.test.js']) },
  // Tests that start processes (the built CLI, the forked trainer): slower than unit tests and needing
  // dist/, so they are a layer of their own, not part of `unit`.
  { name: 'processes', run: () => mochaLayer('processes', ['--no-config', '--timeout', '120000', 'out/test/processes/**/*.test.js']) },
  { name: 'nodes', run: () => childLayer('nodes', ['nodes.mjs']) },
  ...targets.map((t) => ({ name: `integration-${t.id}`, run: () => childLayer(`integration-${t.id}`, ['integration.mjs', '--target', t.id]) })),
  ...targets.map((t) => ({ name: `e2e-${t.id}`, run: () => childLayer(`e2e-${t.id}`, ['e2e.mjs', '--target', t.id]) })),
  { name: 'vsix', run: () => childLayer('vsix', ['vsix.mjs']) },
];
const wanted = process.argv.slice(2);
const layers = wanted.length ? LAYERS.filter((l) => wanted.some((w) => l.name === w || l.name.startsWith(`${w}-`))) : LAYERS;
if (!layers.length) {
  console.error(`run-all: no layer matches ${wanted.join(' ')} (layers: ${LAYERS.map((l) => l.name).join(', ')})`);
  process.exit(2);
}

const flag = process.env.RADAM_REQUIRE_NATIVE;
if (process.env.CI || (flag && flag !== '0' && flag !== 'false')) process.env.RADAM_REQUIRE_NATIVE = '1';
else delete process.env.RADAM_REQUIRE_NATIVE;

function run(args, node = process.execPath) {
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

function banner(text) {
  console.log(`\n${'='.repeat(78)}\n== ${text}\n${'='.repeat(78)}`);
}

/** A mocha run in a process of its own, under this Node or the given major, results via our reporter. */
async function mochaLayer(layer, mochaArgs, nodeMajor) {
  const t0 = Date.now();
  const out = join(RESULTS_DIR, `${layer}-results.json`);
  rmSync(out, { force: true });
  const mocha = join(ROOT, 'node_modules', '.bin', 'mocha');
  const node = nodeMajor ? ensureNode(nodeMajor) : { bin: process.execPath, version: process.version };
  const code = await run([mocha, ...mochaArgs, '--reporter', join(ROOT, 'test/harness/mochaReporter.cjs'), '--reporter-option', `output=${out}`], node.bin);
  const summary = { layer, host: `Node ${node.version} (mocha)`, passed: 0, failed: 0, pending: 0, durationMs: Date.now() - t0 };
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    Object.assign(summary, { passed: r.passes, failed: r.failures, pending: r.pending });
    if (code !== 0 && r.failures === 0) summary.error = `mocha exited with ${code}`;
  } else {
    summary.error = `mocha exited with ${code} and reported nothing`;
  }
  writeSummary(summary);
  return summary;
}

const unitLayer = (layer, nodeMajor) => mochaLayer(layer, ['--config', '.mocharc.json'], nodeMajor);

async function childLayer(layer, [script, ...args]) {
  const t0 = Date.now();
  rmSync(summaryPath(layer), { force: true });
  const code = await run([join(ROOT, 'test', 'harness', script), ...args]);
  const summary = readSummary(layer) ?? { layer, host: '?', passed: 0, failed: 0, pending: 0, durationMs: Date.now() - t0, error: `exited with ${code}, no summary` };
  if (code !== 0 && !summary.failed && !summary.error) summary.error = `exited with ${code}`;
  return summary;
}

// The oldest target must be the oldest VS Code the manifest claims: otherwise we test a version no
// user is promised, or promise one we never test.
const engines = packageJson().engines.vscode;
const oldest = VSCODE_TARGETS.oldest.vscode.split('.').slice(0, 2).join('.');
if (engines !== `^${oldest}.0`) {
  console.error(`run-all: package.json engines.vscode is "${engines}" but the oldest tested VS Code is ${VSCODE_TARGETS.oldest.vscode} (test/harness/targets.mjs): make them agree.`);
  process.exit(2);
}

mkdirSync(RESULTS_DIR, { recursive: true });
console.log(`[run-all] layers: ${layers.map((l) => l.name).join(', ')}; native tfjs backend required: ${process.env.RADAM_REQUIRE_NATIVE === '1' ? 'yes' : 'no'}`);
const results = [];
for (const layer of layers) {
  banner(`${layer.name} tests`);
  const s = await layer.run();
  if (!s.error && s.passed + s.failed === 0) s.error = 'ran no tests';
  results.push(s);
}

// The table.
const rows = [['layer', 'host', 'passed', 'failed', 'duration'], ...results.map((s) => [s.layer, s.host, String(s.passed), String(s.failed), fmtMs(s.durationMs)])];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
banner('results');
console.log(line(rows[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows.slice(1)) console.log(line(r));
for (const s of results) if (s.error) console.log(`! ${s.layer}: ${s.error}`);
for (const s of results) if (s.pending) console.log(`- ${s.layer}: ${s.pending} pending`);

const passed = results.reduce((a, s) => a + s.passed, 0);
const failed = results.reduce((a, s) => a + s.failed + (s.error && !s.failed ? 1 : 0), 0);
const ok = failed === 0 && results.every((s) => s.passed > 0 && !s.error);
console.log(`SUMMARY: ${passed} passed, ${failed} failed (${results.map((s) => `${s.layer} ${s.passed}`).join(', ')})`);
process.exitCode = ok ? 0 : 1;
