// Small shared pieces of the test layers (unit, integration, e2e) and their runner.
// Each layer's CLI writes test-results/<layer>-summary.json:
//   { layer, host, passed, failed, pending, durationMs, error? }
// which run-all.mjs reads to print its table and SUMMARY line.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './vscodeServer.mjs';

export { ROOT };
export const RESULTS_DIR = join(ROOT, 'test-results');
export const LOGS_DIR = join(RESULTS_DIR, 'logs');
export const WORKSPACE = join(ROOT, 'test', 'fixtures', 'workspace');
/** The extension under development: this repository (RADAM_EXTENSION_PATH overrides, to test the harness itself). */
export const EXTENSION_PATH = process.env.RADAM_EXTENSION_PATH ? resolve(process.env.RADAM_EXTENSION_PATH) : ROOT;

export const requireNative = () => process.env.RADAM_REQUIRE_NATIVE === '1' || process.env.RADAM_REQUIRE_NATIVE === 'true';

export function summaryPath(layer) {
  return join(RESULTS_DIR, `${layer}-summary.json`);
}

export function writeSummary(summary) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(summaryPath(summary.layer), JSON.stringify(summary, null, 2) + '\n');
}

export function readSummary(layer) {
  const p = summaryPath(layer);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return null;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Print one test result in mocha's spec style. */
export function printResult({ state, fullTitle, durationMs, error }) {
  const mark = state === 'passed' ? '  ✔' : state === 'failed' ? '  ✘' : '  -';
  const dur = durationMs != null ? ` (${fmtMs(durationMs)})` : '';
  console.log(`${mark} ${fullTitle}${state === 'pending' ? ' (pending)' : dur}`);
  if (state === 'failed' && error) console.log(String(error).split('\n').map((l) => '      ' + l).join('\n'));
}
