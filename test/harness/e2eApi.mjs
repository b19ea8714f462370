// What an e2e file imports: `test(name, fn, options)` registers a test for test/harness/e2e.mjs.
// (A module of its own: the runner's top-level await would deadlock an import cycle.)
//
//   import { test } from '../harness/e2eApi.mjs';
//   test('name', async ({ page, runCommand, webview, screenshot, requireNative, server, log }) => { ... },
//        { timeoutMs: 180_000, workspace: '/abs/folder' });
export const registry = [];
export const state = { currentFile: null };

export function test(name, fn, { timeoutMs = 180_000, workspace } = {}) {
  registry.push({ name, fn, timeoutMs, workspace, file: state.currentFile });
}

/**
 * Calls `probe` until it returns an object with `ok` truthy (errors count as not yet), every `intervalMs`;
 * throws after `timeoutMs` with what it saw last.
 */
export async function poll(page, what, probe, timeoutMs = 120_000, intervalMs = 400) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe().catch((e) => ({ error: String(e) }));
    if (last && last.ok) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)?.slice(0, 800)}`);
    await page.waitForTimeout(intervalMs);
  }
}

/**
 * Writes `settings` over the workspace's settings.json (`original` is its text) and waits until the workbench
 * has read the file: VS Code applies settings.json when its file watcher reports the write, and in CI runs it
 * missed writes for 20 s and more (VS Code 1.100.3: a theme; 1.139.1: radam.training.steps, so a command
 * started with the old value). A `window.title` sentinel in the same write shows at the end of document.title once that
 * write is applied (the extension host gets the configuration with it); the write is repeated until it does.
 * The title then stays the sentinel until the caller puts `original` back.
 */
export async function applySettings(page, settingsFile, original, settings, timeoutMs = 60_000) {
  const { writeFileSync } = await import('node:fs');
  const sentinel = `radam-e2e-settings-${Date.now()}`;
  // The development host prefixes the title ("[Extension Development Host] ...").
  const applied = async () => (await page.title()).endsWith(sentinel);
  const text = JSON.stringify({ ...JSON.parse(original), ...settings, 'window.title': sentinel }, null, 2);
  await poll(
    page,
    `settings.json applied (${Object.keys(settings).join(', ')})`,
    async () => {
      if (await applied()) return { ok: true };
      writeFileSync(settingsFile, text);
      for (let i = 0; i < 10; i++) {
        await page.waitForTimeout(400);
        if (await applied()) return { ok: true };
      }
      return { ok: false, title: await page.title() };
    },
    timeoutMs,
    0,
  );
  // The configuration reaches the extension host in the same change event; a moment for its listeners.
  await page.waitForTimeout(300);
}
