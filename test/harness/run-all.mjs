#!/usr/bin/env node
// `npm test` (after the build): the three test layers in order, each in a process of its own.
//   1. unit         mocha (.mocharc.json) on out/test/unit/**, no VS Code
//   2. integration  test/harness/integration.mjs: mocha inside a real VS Code extension host
//   3. e2e          test/harness/e2e.mjs: Playwright drives that VS Code in Chromium
// `node test/harness/run-all.mjs unit e2e` runs only the layers named.
//
// RADAM_REQUIRE_NATIVE=1 is set for every layer when CI is set or RADAM_REQUIRE_NATIVE already is
// (tests then insist on the native tfjs-node `tensorflow` backend; a silent fallback fails).
//
// Each layer writes test-results/<layer>-summary.json; this prints a table of them and ends its
// output with one line:  SUMMARY: 42 passed, 0 failed (unit 30, integration 8, e2e 4)
// (per layer: tests passed; `failed` also counts one per layer that broke without reporting a
// test failure). Exit code 1 if anything failed or a layer ran no test.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, RESULTS_DIR, summaryPath, readSummary, writeSummary, fmtMs } from './common.mjs';

const LAYERS = ['unit', 'faults', 'integration', 'e2e'];
const wanted = process.argv.slice(2).filter((a) => LAYERS.includes(a));
const layers = wanted.length ? LAYERS.filter((l) => wanted.includes(l)) : LAYERS;

const flag = process.env.RADAM_REQUIRE_NATIVE;
if (process.env.CI || (flag && flag !== '0' && flag !== 'false')) process.env.RADAM_REQUIRE_NATIVE = '1';
else delete process.env.RADAM_REQUIRE_NATIVE;

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
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

async function unitLayer() {
  const t0 = Date.now();
  const out = join(RESULTS_DIR, 'unit-results.json');
  rmSync(out, { force: true });
  const mocha = join(ROOT, 'node_modules', '.bin', 'mocha');
  const code = await run([mocha, '--config', '.mocharc.json', '--reporter', join(ROOT, 'test/harness/mochaReporter.cjs'), '--reporter-option', `output=${out}`]);
  const summary = { layer: 'unit', host: `Node ${process.version} (mocha)`, passed: 0, failed: 0, pending: 0, durationMs: Date.now() - t0 };
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

// faults: the fault-injection suites (test/faults/*.test.ts, issue 13): real files, real processes, the
// real CLI and tfjs-node; ENOSPC needs mount(8) of a tmpfs and EACCES setpriv (root), else those tests
// report pending with the reason.
async function faultsLayer() {
  const t0 = Date.now();
  const out = join(RESULTS_DIR, 'faults-results.json');
  rmSync(out, { force: true });
  const mocha = join(ROOT, 'node_modules', '.bin', 'mocha');
  const code = await run([mocha, '--no-config', '--timeout', '180000', '--reporter', join(ROOT, 'test/harness/mochaReporter.cjs'), '--reporter-option', `output=${out}`, 'out/test/faults/**/*.test.js']);
  const summary = { layer: 'faults', host: `Node ${process.version} (mocha)`, passed: 0, failed: 0, pending: 0, durationMs: Date.now() - t0 };
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

async function childLayer(layer, script) {
  const t0 = Date.now();
  rmSync(summaryPath(layer), { force: true });
  const code = await run([join(ROOT, 'test', 'harness', script)]);
  const summary = readSummary(layer) ?? { layer, host: '?', passed: 0, failed: 0, pending: 0, durationMs: Date.now() - t0, error: `exited with ${code}, no summary` };
  if (code !== 0 && !summary.failed && !summary.error) summary.error = `exited with ${code}`;
  return summary;
}

mkdirSync(RESULTS_DIR, { recursive: true });
console.log(`[run-all] layers: ${layers.join(', ')}; native tfjs backend required: ${process.env.RADAM_REQUIRE_NATIVE === '1' ? 'yes' : 'no'}`);
const results = [];
for (const layer of layers) {
  banner(`${layer} tests`);
  const s =
    layer === 'unit' ? await unitLayer() : layer === 'faults' ? await faultsLayer() : layer === 'integration' ? await childLayer('integration', 'integration.mjs') : await childLayer('e2e', 'e2e.mjs');
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
