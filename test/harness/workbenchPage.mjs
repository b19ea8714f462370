// The browser side of a real VS Code server (./vscodeServer.mjs starts the server): Debian's chromium
// driven by Playwright, the workbench page, its command palette and its webviews.
//
//   launchBrowser()               -> playwright Browser (headless chromium)
//   openWorkbench(browser, url)   -> Page with the workbench loaded
//   runCommand(page, title)       command palette, robustly
//   webviewFrame(page)            the active webview's content frame
//   closePage(page)               page.close({ runBeforeUnload: true })
import { existsSync } from 'node:fs';

/** The real chromium binary (/usr/bin/chromium is a wrapper shell script). */
export function findChromium() {
  const candidates = [
    process.env.RADAM_CHROMIUM,
    process.env.CHROMIUM_PATH,
    '/usr/lib/chromium/chromium',
    '/usr/lib/chromium-browser/chromium-browser',
    '/usr/lib64/chromium-browser/chromium-browser',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/usr/bin/chromium-browser',
    '/usr/bin/chromium',
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('No chromium found: install the Debian package `chromium` (.ci/run does), or set RADAM_CHROMIUM to a Chrome/Chromium binary.');
  return found;
}

export async function launchBrowser({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: findChromium(),
    headless,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Open the workbench at url in a fresh page and wait until it is interactive. */
export async function openWorkbench(browser, url, { timeoutMs = 60_000, viewport = { width: 1400, height: 900 }, onConsole } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (onConsole) page.on('console', onConsole);
  // Leave when asked to (closePage runs beforeunload); refuse any other dialog.
  page.on('dialog', (d) => (d.type() === 'beforeunload' ? d.accept() : d.dismiss()).catch(() => {}));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  // The status bar is one of the last parts restored.
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
  return page;
}

/** Close a page so the server drops its extension host at once (not hours later). */
export async function closePage(page) {
  if (!page || page.isClosed()) return;
  const context = page.context();
  try {
    await page.close({ runBeforeUnload: true });
    // runBeforeUnload returns before the page is gone; wait for it (bounded).
    for (let i = 0; i < 50 && !page.isClosed(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!page.isClosed()) await page.close();
  } catch { /* browser already gone */ }
  try { await context.close(); } catch { /* ignore */ }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Run a command by its palette title (e.g. "RAdam: Open Dashboard"): F1, wait for the quick-input
 * box to have focus, type, check that the first row is that command (it says "No matching
 * commands" until the extension's contributions are registered), Enter; on a mismatch Escape and
 * retry until timeoutMs.
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const want = title.trim().toLowerCase();
  let attempt = 0;
  let lastSeen = '';
  while (Date.now() < deadline) {
    attempt++;
    await page.keyboard.press('Escape').catch(() => {});
    await page.keyboard.press('F1');
    const focused = await page
      .waitForFunction(() => {
        const a = document.activeElement;
        return !!a && a.tagName === 'INPUT' && !!a.closest('.quick-input-widget');
      }, null, { timeout: 5000 })
      .then(() => true, () => false);
    if (!focused) {
      await sleep(500);
      continue;
    }
    await page.keyboard.type(title, { delay: 10 });
    // Let the list filter settle, then look at the first row.
    let first = '';
    const settleUntil = Date.now() + 3000;
    while (Date.now() < settleUntil) {
      await sleep(200);
      const state = await page.evaluate(() => {
        const w = document.querySelector('.quick-input-widget');
        const input = w?.querySelector('input');
        const row = w?.querySelector('.quick-input-list .monaco-list-row[data-index="0"]');
        const label = row?.querySelector('.label-name')?.textContent ?? row?.getAttribute('aria-label') ?? '';
        return { value: input?.value ?? '', label, focused: document.activeElement === input };
      });
      first = state.label.trim();
      if (!state.focused) break;
      if (first.toLowerCase() === want || first.toLowerCase().startsWith(want)) break;
    }
    lastSeen = first;
    if (first.toLowerCase() === want || first.toLowerCase().startsWith(want)) {
      await page.keyboard.press('Enter');
      await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 5000 }).catch(() => {});
      return { attempts: attempt };
    }
    await page.keyboard.press('Escape');
    await sleep(1000);
  }
  throw new Error(`command palette: "${title}" not found as first row after ${attempt} attempt(s) (last first row: "${lastSeen || 'none'}")`);
}

/** Locator root of the active webview's content document. */
export function webviewFrame(page, { ready = true } = {}) {
  return page.frameLocator(ready ? 'iframe.webview.ready' : 'iframe.webview').frameLocator('#active-frame');
}
