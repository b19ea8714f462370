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
