#!/usr/bin/env node
// VSIX layer: what a user installs, installed as a user does, trained with as a user does.
//   1. `npm run package` (scripts/package.mjs): the platform VSIX; its size is printed and must be
//      <= 256 MB (Open VSX's upload limit). RADAM_VSIX=FILE tests an existing file instead.
//   2. For each VS Code target (RADAM_VSCODE_TARGETS): a fresh profile and a fresh workspace under the
//      system temp folder (no checkout on any path the extension can see: Node's module resolution from
//      the installed extension never reaches this repository), `server-main.js --install-extension`.
//   3. The server without any extensionDevelopmentPath, the workbench in Chromium, "RAdam: Start
//      Training" from the command palette; the run must finish on disk (on the native backend when
//      RADAM_REQUIRE_NATIVE=1), trained by the installed copy.
// Writes test-results/vsix-summary.json for run-all.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync, statSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, installVsix } from './vscodeServer.mjs';
import { launchBrowser, openWorkbench, closePage, runCommand } from './workbenchPage.mjs';
import { selectedTargets } from './targets.mjs';
import { ROOT, RESULTS_DIR, LOGS_DIR, writeSummary, printResult, fmtMs, sleep, requireNative } from './common.mjs';

const LIMIT = 256 * 1024 * 1024;
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;

function check(cond, message) {
  if (!cond) throw new Error(message);
}

function buildVsix() {
  if (process.env.RADAM_VSIX) return { file: process.env.RADAM_VSIX, ms: 0 };
  const file = join(ROOT, '.vscode-test', 'vsix', 'radam-lab.vsix');
  mkdirSync(join(ROOT, '.vscode-test', 'vsix'), { recursive: true });
  rmSync(file, { force: true });
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  // vsce lists every file; keep its summary lines only.
  for (const line of (r.stdout || '').split('\n')) if (/^\[package\]|DONE|WARNING|ERROR/.test(line)) console.log(`  ${line.trim()}`);
  check(r.status === 0, `npm run package failed (exit ${r.status})`);
  return { file, ms: Date.now() - t0 };
}

/** Every run.json under the workspace's runs folder. */
function runsIn(workspace) {
  const dir = join(workspace, '.radam', 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((id) => join(dir, id, 'run.json'))
    .filter((f) => existsSync(f))
    .map((f) => {
      try {
        return JSON.parse(readFileSync(f, 'utf8'));
      } catch {
        return null; // being written
      }
    })
    .filter(Boolean);
}

/**
 * withoutNative: delete the installed copy's libtensorflow first (a user whose platform library cannot
 * load): training must still finish, on the JavaScript backend, and say so.
 */
async function installAndTrain(target, vsix, { withoutNative = false } = {}) {
  const base = realpathSync(mkdtempSync(join(tmpdir(), `radam-vsix-${target.id}-`)));
  check(relative(ROOT, base).startsWith('..'), `the fresh profile ${base} is inside the checkout`);
  const profile = { extensionsDir: join(base, 'extensions'), userDataDir: join(base, 'user-data'), serverDataDir: join(base, 'server-data') };
  const workspace = join(base, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'radam.training.steps': 40, 'git.enabled': false }, null, 2));
  let server;
  let browser;
  let page;
  try {
    const t0 = Date.now();
    await installVsix(target, vsix, profile);
    const installed = readdirSync(profile.extensionsDir).filter((d) => d.startsWith('radam-lab.radam-lab'));
    check(installed.length === 1, `expected one radam-lab folder in ${profile.extensionsDir}, found: ${readdirSync(profile.extensionsDir).join(', ')}`);
    const extDir = join(profile.extensionsDir, installed[0]);
    check(existsSync(join(extDir, 'dist', 'trainer.js')), 'the installed extension has no dist/trainer.js');
    const installMs = Date.now() - t0;
    const libDir = join(extDir, 'node_modules', '@tensorflow', 'tfjs-node', 'deps', 'lib');
    if (withoutNative) {
      check(existsSync(join(libDir, 'libtensorflow_cc.so.2')) || readdirSync(libDir).length > 0, `no libtensorflow in ${libDir}`);
      rmSync(libDir, { recursive: true, force: true });
    }
    const env = requireNative() && !withoutNative ? { RADAM_REQUIRE_NATIVE: '1' } : { RADAM_REQUIRE_NATIVE: '0' };
    server = await startServer({ target, dataDir: base, fresh: false, ...profile, logFile: join(LOGS_DIR, `vsix-${target.id}-server.log`), env });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.workbenchUrl({ folder: workspace }));
    await runCommand(page, 'RAdam: Start Training', { timeoutMs: 90_000 });
    const deadline = Date.now() + 180_000;
    let runs = [];
    for (;;) {
      runs = runsIn(workspace);
      if (runs.length && runs.every((r) => r.status !== 'running')) break;
      if (Date.now() > deadline) throw new Error(`no finished run in ${workspace}/.radam/runs after 180 s (found: ${runs.map((r) => `${r.id} ${r.status}`).join(', ') || 'none'}; server log ${server.logFile})`);
      await sleep(500);
    }
    check(runs.length === 1, `expected one run, found ${runs.length}`);
    const run = runs[0];
    check(run.status === 'finished', `run ${run.id} ended ${run.status}${run.error ? `: ${run.error}` : ''}`);
    check(run.summary?.steps === 40, `run finished after ${run.summary?.steps} steps, expected 40`);
    if (withoutNative) check(run.backend?.native === false && run.backend?.name === 'cpu', `without libtensorflow the run trained on ${JSON.stringify(run.backend)}, expected the JavaScript cpu backend`);
    else if (requireNative()) check(run.backend?.name === 'tensorflow', `run trained on ${JSON.stringify(run.backend)}, expected the native tensorflow backend`);
    return `installed in ${fmtMs(installMs)} into ${base}; ${server.description}: run ${run.status}, ${run.summary.steps} steps, loss ${run.summary.finalLoss.toFixed(3)}, backend ${run.backend?.name}`;
  } finally {
    await closePage(page);
    await browser?.close().catch(() => {});
    await server?.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

export async function runVsixLayer() {
  const t0 = Date.now();
  const summary = { layer: 'vsix', host: '', passed: 0, failed: 0, pending: 0, durationMs: 0 };
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(LOGS_DIR, { recursive: true });
  const record = (name, fn) =>
    Promise.resolve()
      .then(fn)
      .then(
        (detail) => {
          summary.passed++;
          printResult({ state: 'passed', fullTitle: `${name} — ${detail}` });
          return true;
        },
        (err) => {
          summary.failed++;
          printResult({ state: 'failed', fullTitle: name, error: err.stack ?? err.message });
          return false;
        },
      );
  let vsix;
  const packaged = await record('npm run package makes a platform VSIX of at most 256 MB', () => {
    const built = buildVsix();
    vsix = built.file;
    const size = statSync(vsix).size;
    check(size <= LIMIT, `${vsix} is ${mb(size)}, over ${mb(LIMIT)}`);
    return `${mb(size)}${built.ms ? ` in ${fmtMs(built.ms)}` : ''}`;
  });
  const targets = selectedTargets();
  summary.host = `VSIX installed with --install-extension into ${targets.map((t) => `VS Code ${t.vscode}`).join(' and ')}`;
  if (packaged) {
    for (const t of targets) await record(`VS Code ${t.vscode}: install the VSIX in a fresh profile, "RAdam: Start Training" finishes a run`, () => installAndTrain(t, vsix));
    await record(`VS Code ${targets[0].vscode}: with the installed libtensorflow deleted, training finishes on the JavaScript backend`, () =>
      installAndTrain(targets[0], vsix, { withoutNative: true }),
    );
  } else {
    summary.failed += targets.length + 1;
  }
  summary.durationMs = Date.now() - t0;
  writeSummary(summary);
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await runVsixLayer();
  console.log(`[vsix] ${s.passed} passed, ${s.failed} failed in ${fmtMs(s.durationMs)}`);
  process.exit(s.failed > 0 || s.passed === 0 ? 1 : 0);
}
