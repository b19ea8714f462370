#!/usr/bin/env node
// The `static` test layer (first in `npm test`): checks that need no build output and run no code.
//   typecheck  tsc -p . --noEmit           (npm run typecheck)
//   lint       eslint . --max-warnings 0   (npm run lint; rules in eslint.config.mjs)
// Each check counts as one test: passed or failed. Writes test-results/static-summary.json like the other
// layers; exits 1 if a check failed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, fmtMs, writeSummary } from './common.mjs';

const CHECKS = [
  { name: 'typecheck (tsc --noEmit)', args: [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--noEmit'] },
  { name: 'lint (eslint --max-warnings 0)', args: [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.', '--max-warnings', '0'] },
];

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
    child.on('error', (err) => {
      console.error(`[static] ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const t0 = Date.now();
const summary = { layer: 'static', host: `Node ${process.version} (tsc, eslint)`, passed: 0, failed: 0, pending: 0, durationMs: 0 };
for (const check of CHECKS) {
  const started = Date.now();
  const code = await run(check.args);
  const ok = code === 0;
  if (ok) summary.passed++;
  else summary.failed++;
  console.log(`${ok ? '  ✔' : '  ✘'} ${check.name} (${fmtMs(Date.now() - started)})${ok ? '' : `: exit code ${code}`}`);
}
summary.durationMs = Date.now() - t0;
writeSummary(summary);
process.exitCode = summary.failed ? 1 : 0;
