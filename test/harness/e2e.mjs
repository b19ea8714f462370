#!/usr/bin/env node
// End-to-end layer: Playwright drives the real VS Code (the VS Code server from code-server,
// in headless Chromium) with the extension under development loaded on the sample workspace.
//
// A tiny runner. An e2e file (test/e2e/*.e2e.mjs) registers tests:
//
//   import { test } from '../harness/e2eApi.mjs';
//   test('name', async ({ page, runCommand, webview, screenshot, requireNative, server }) => { ... },
//        { timeoutMs: 120_000 });
//
// Every test gets a fresh browser page with a freshly loaded workbench (one server for the whole
// run). A test passes when its function resolves. Results: console, and
// test-results/e2e-summary.json for run-all.mjs.
//   node test/harness/e2e.mjs [file-or-name-filter ...]     RADAM_E2E_GREP=regex filters test names
import { readdirSync, mkdirSync, createWriteStream } from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, targetById } from './vscodeServer.mjs';
import { launchBrowser, openWorkbench, closePage, runCommand, webviewFrame } from './workbenchPage.mjs';
import { registry, state } from './e2eApi.mjs';
import { ROOT, RESULTS_DIR, LOGS_DIR, WORKSPACE, EXTENSION_PATH, writeSummary, printResult, fmtMs, requireNative } from './common.mjs';

const E2E_DIR = join(ROOT, 'test', 'e2e');

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} timed out after ${fmtMs(ms)}`)), ms))),
  ]);
}

export async function runE2E(filters = [], target = targetById()) {
  const t0 = Date.now();
  const layer = `e2e-${target.id}`;
  const summary = { layer, host: `VS Code ${target.vscode} (code-server ${target.codeServer}) in Chromium`, passed: 0, failed: 0, pending: 0, durationMs: 0 };
  const log = (...a) => console.log('[e2e]', ...a);
  let server;
  let browser;
  try {
    const files = readdirSync(E2E_DIR)
      .filter((f) => f.endsWith('.e2e.mjs'))
      .sort()
      .map((f) => join(E2E_DIR, f))
      .filter((f) => !filters.some((x) => x.endsWith('.mjs')) || filters.some((x) => resolve(x) === f));
    for (const f of files) {
      state.currentFile = relative(ROOT, f);
      await import(pathToFileURL(f).href);
    }
    state.currentFile = null;
    const grep = process.env.RADAM_E2E_GREP ? new RegExp(process.env.RADAM_E2E_GREP) : null;
    const nameFilters = filters.filter((x) => !x.endsWith('.mjs'));
    const tests = registry.filter((t) => (!grep || grep.test(t.name)) && (!nameFilters.length || nameFilters.some((n) => t.name.includes(n))));
    log(`${tests.length} test(s) in ${files.length} file(s)`);
    if (!tests.length) throw new Error('no e2e tests found');

    mkdirSync(LOGS_DIR, { recursive: true });
    const env = requireNative() ? { RADAM_REQUIRE_NATIVE: '1' } : {};
    server = await startServer({ target, dataDir: join(ROOT, '.vscode-test', 'run', layer), logFile: join(LOGS_DIR, `${layer}-server.log`), env });
    browser = await launchBrowser();
    summary.host = `${server.description}, Chromium ${browser.version()}`;
    log(`${server.description}; browser: Chromium ${browser.version()}`);
    const consoleLog = createWriteStream(join(LOGS_DIR, `${layer}-browser.log`));
    console.log('');
    for (const t of tests) {
      const started = Date.now();
      let page;
      try {
        await withTimeout(
          (async () => {
            const url = server.workbenchUrl({ folder: t.workspace ?? WORKSPACE, extensionDevelopmentPath: EXTENSION_PATH });
            page = await openWorkbench(browser, url, { onConsole: (m) => consoleLog.write(`[${t.name}] [${m.type()}] ${m.text()}\n`) });
            const ctx = {
              page,
              server,
              browser,
              requireNative: requireNative(),
              runCommand: (title, opts) => runCommand(page, title, opts),
              webview: (opts) => webviewFrame(page, opts),
              screenshot: async (name) => {
                mkdirSync(RESULTS_DIR, { recursive: true });
                const p = join(RESULTS_DIR, `${target.id}-${name}`);
                await page.screenshot({ path: p });
                return p;
              },
              log: (...a) => console.log(`      ${a.join(' ')}`),
            };
            await t.fn(ctx);
          })(),
          t.timeoutMs,
          `"${t.name}"`,
        );
        summary.passed++;
        printResult({ state: 'passed', fullTitle: t.name, durationMs: Date.now() - started });
      } catch (err) {
        summary.failed++;
        let extra = '';
        if (page && !page.isClosed()) {
          // What the user would have seen: notifications (errors from the extension land there) and a screenshot.
          const notes = await page
            .$$eval('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message', (els) => els.map((e) => e.textContent?.trim()).filter(Boolean))
            .catch(() => []);
          if (notes.length) extra += `\nnotifications shown:\n${notes.map((n) => '  - ' + n).join('\n')}`;
          const shot = join(RESULTS_DIR, `${layer}-failure-${summary.failed}.png`);
          await page.screenshot({ path: shot }).then(() => (extra += `\nscreenshot: ${relative(ROOT, shot)}`), () => {});
        }
        printResult({ state: 'failed', fullTitle: t.name, durationMs: Date.now() - started, error: (err.stack ?? err.message) + extra });
      } finally {
        await closePage(page);
      }
    }
    console.log('');
    consoleLog.end();
  } catch (err) {
    summary.error = err.message;
    log(`ERROR: ${err.stack ?? err.message}`);
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
  }
  summary.durationMs = Date.now() - t0;
  writeSummary(summary);
  log(`${summary.passed} passed, ${summary.failed} failed in ${fmtMs(summary.durationMs)}`);
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  // node test/harness/e2e.mjs [--target current|oldest] [filters...]
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--target');
  const target = targetById(at >= 0 ? argv.splice(at, 2)[1] : undefined);
  const s = await runE2E(argv, target);
  process.exit(s.failed > 0 || s.passed === 0 || s.error ? 1 : 0);
}
