#!/usr/bin/env node
// Integration layer: runs out/test/integration/index.js (mocha, the extensionTestsPath run()
// contract) inside a real VS Code extension host, on the sample workspace.
//
// Which VS Code:
//   1. RADAM_VSCODE_EXECUTABLE (or VSCODE_EXECUTABLE) names an installed VS Code desktop
//      -> @vscode/test-electron runTests with it;
//   2. otherwise, if VS Code desktop can be downloaded (update.code.visualstudio.com answers
//      within a few seconds) and there is a display (DISPLAY set, or not Linux)
//      -> @vscode/test-electron downloads it into .vscode-test/ and runs the suite;
//   3. otherwise (this machine: no route to the VS Code CDN, no display)
//      -> the VS Code server from the code-server npm package (.vscode-test/code-server/),
//         opened in headless Chromium with the `payload` URL parameter naming
//         extensionDevelopmentPath and extensionTestsPath.
//   RADAM_TEST_HOST=electron|code-server forces one.
//
// Results: the suite writes test-results/integration-results.json (see test/integration/index.ts),
// tagged with the runId this script writes to test-results/integration-run.json before it starts
// the host. This script waits for that file (RADAM_INTEGRATION_TIMEOUT_MS, default 5 min), prints
// every test, writes test-results/integration-summary.json, and exits 1 on any failure or if no
// test ran.
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startServer, targetById } from './vscodeServer.mjs';
import { launchBrowser, openWorkbench, closePage } from './workbenchPage.mjs';
import { ROOT, RESULTS_DIR, LOGS_DIR, WORKSPACE, EXTENSION_PATH, writeSummary, printResult, fmtMs, sleep, requireNative } from './common.mjs';

const SUITE = join(ROOT, 'out', 'test', 'integration', 'index'); // module path without .js
// Which VS Code target (./targets.mjs): --target <id>, else RADAM_VSCODE_TARGET, else `current`.
const argTarget = process.argv.indexOf('--target');
const TARGET = targetById(argTarget > 0 ? process.argv[argTarget + 1] : undefined);
const LAYER = `integration-${TARGET.id}`;
const RESULTS = join(RESULTS_DIR, `${LAYER}-results.json`);
const RUN_FILE = join(RESULTS_DIR, `${LAYER}-run.json`);
const TIMEOUT_MS = Number(process.env.RADAM_INTEGRATION_TIMEOUT_MS || 300_000);
const log = (...a) => console.log('[integration]', ...a);

async function pickHost() {
  const forced = process.env.RADAM_TEST_HOST;
  const exe = process.env.RADAM_VSCODE_EXECUTABLE || process.env.VSCODE_EXECUTABLE;
  if (forced === 'code-server') return { kind: 'code-server', reason: 'RADAM_TEST_HOST=code-server' };
  if (exe) return { kind: 'electron', exe, reason: `VS Code executable ${exe}` };
  if (forced !== 'electron' && process.platform === 'linux' && !process.env.DISPLAY) {
    return { kind: 'code-server', reason: 'no DISPLAY for VS Code desktop (set RADAM_TEST_HOST=electron under xvfb-run to force it)' };
  }
  try {
    const res = await fetch('https://update.code.visualstudio.com/api/releases/stable', { signal: AbortSignal.timeout(8000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    if (forced === 'electron') throw new Error(`RADAM_TEST_HOST=electron but VS Code desktop cannot be downloaded: ${err.cause?.code ?? err.message}`, { cause: err });
    return { kind: 'code-server', reason: `VS Code desktop cannot be downloaded (${err.cause?.code ?? err.message})` };
  }
  try {
    const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
    const version = process.env.RADAM_VSCODE_VERSION || 'stable';
    const exePath = await downloadAndUnzipVSCode({ version, cachePath: join(ROOT, '.vscode-test'), timeout: 30_000 });
    return { kind: 'electron', exe: exePath, reason: `downloaded VS Code ${version}` };
  } catch (err) {
    if (forced === 'electron') throw err;
    return { kind: 'code-server', reason: `VS Code desktop download failed (${err.message})` };
  }
}

function prepareResults(runId) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(LOGS_DIR, { recursive: true });
  rmSync(RESULTS, { force: true });
  writeFileSync(RUN_FILE, JSON.stringify({ runId, startedAt: new Date().toISOString() }) + '\n');
}

function readResults(runId) {
  try {
    const r = JSON.parse(readFileSync(RESULTS, 'utf8'));
    return r.runId === runId ? r : null;
  } catch {
    return null;
  }
}

async function runInElectron(host, runId, env) {
  const { runTests } = await import('@vscode/test-electron');
  const code = await runTests({
    vscodeExecutablePath: host.exe,
    extensionDevelopmentPath: EXTENSION_PATH,
    extensionTestsPath: SUITE,
    launchArgs: [WORKSPACE, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { ...env, RADAM_INTEGRATION_RESULTS: RESULTS, RADAM_INTEGRATION_RUN_ID: runId },
  }).catch((err) => {
    log(`runTests: ${err.message}`);
    return 1;
  });
  return { exitCode: code };
}

async function runInCodeServer(runId, env) {
  const server = await startServer({
    target: TARGET,
    dataDir: join(ROOT, '.vscode-test', 'run', LAYER),
    logFile: join(LOGS_DIR, `${LAYER}-server.log`),
    // The extension host inherits the server's environment.
    env: { ...env, RADAM_INTEGRATION_RESULTS: RESULTS, RADAM_INTEGRATION_RUN_ID: runId },
  });
  let browser;
  let page;
  const consoleLog = createWriteStream(join(LOGS_DIR, `${LAYER}-browser.log`));
  try {
    browser = await launchBrowser();
    const url = server.workbenchUrl({ folder: WORKSPACE, extensionDevelopmentPath: EXTENSION_PATH, extensionTestsPath: SUITE });
    log(`opening ${url}`);
    page = await openWorkbench(browser, url, {
      onConsole: (m) => {
        consoleLog.write(`[${m.type()}] ${m.text()}\n`);
        if (process.env.RADAM_VERBOSE) console.log(`  [browser ${m.type()}] ${m.text()}`);
      },
    });
    let crashed = null;
    page.on('crash', () => (crashed = 'the workbench page crashed'));
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const r = readResults(runId);
      if (r) return { ...r, serverDescription: server.description };
      if (crashed) throw new Error(crashed);
      if (Date.now() > deadline) throw new Error(`no results in ${RESULTS} after ${TIMEOUT_MS / 1000} s (server log: ${server.logFile})`);
      await sleep(250);
    }
  } finally {
    await closePage(page);
    await browser?.close().catch(() => {});
    await server.stop();
    consoleLog.end();
  }
}

export async function runIntegration() {
  const t0 = Date.now();
  const runId = randomUUID();
  const env = {};
  if (requireNative()) env.RADAM_REQUIRE_NATIVE = '1';
  const summary = { layer: LAYER, host: '?', passed: 0, failed: 0, pending: 0, durationMs: 0 };
  try {
    if (!existsSync(SUITE + '.js')) throw new Error(`${SUITE}.js is missing: build first (node scripts/build.mjs)`);
    const host = await pickHost();
    log(`host: ${host.kind} — ${host.reason}`);
    prepareResults(runId);
    let results;
    if (host.kind === 'electron') {
      const { exitCode } = await runInElectron(host, runId, env);
      results = readResults(runId);
      if (!results) throw new Error(`VS Code exited with ${exitCode} and wrote no results`);
    } else {
      results = await runInCodeServer(runId, env);
    }
    summary.host =
      host.kind === 'electron'
        ? `VS Code ${results.vscodeVersion} (desktop, @vscode/test-electron)`
        : `${results.serverDescription} — extension host: VS Code ${results.vscodeVersion}, Node ${results.nodeVersion ?? '?'}`;
    log(`ran inside the extension host of VS Code ${results.vscodeVersion} (${host.kind === 'electron' ? 'desktop' : 'server'}: appName ${results.appName}, appHost ${results.appHost}, uiKind ${results.uiKind})`);
    if (host.kind === 'code-server' && results.vscodeVersion !== TARGET.vscode) {
      throw new Error(`the extension host reports VS Code ${results.vscodeVersion}, the target is ${TARGET.vscode}`);
    }
    if (host.kind === 'code-server' && results.nodeVersion && Number(results.nodeVersion.replace(/^v/, '').split('.')[0]) !== TARGET.nodeMajor) {
      throw new Error(`the extension host runs Node ${results.nodeVersion}, the target is Node ${TARGET.nodeMajor}`);
    }
    console.log('');
    for (const t of results.tests) printResult(t);
    console.log('');
    summary.passed = results.passes;
    summary.failed = results.failures;
    summary.pending = results.pending;
    summary.vscodeVersion = results.vscodeVersion;
    if (results.error) {
      summary.error = results.error.split('\n')[0];
      log(`suite error: ${results.error}`);
    }
  } catch (err) {
    summary.error = err.message;
    log(`ERROR: ${err.stack ?? err.message}`);
  }
  summary.durationMs = Date.now() - t0;
  writeSummary(summary);
  log(`${summary.passed} passed, ${summary.failed} failed${summary.pending ? `, ${summary.pending} pending` : ''} in ${fmtMs(summary.durationMs)}`);
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await runIntegration();
  process.exit(s.failed > 0 || s.passed === 0 || s.error ? 1 : 0);
}
