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
