// The dashboard, driven through the real workbench: command palette -> webview DOM.
import assert from 'node:assert/strict';
import { test } from '../harness/e2eApi.mjs';

test('"RAdam: Open Dashboard" from the command palette shows the backend in use', async ({ page, runCommand, webview, screenshot, requireNative, log }) => {
  await runCommand('RAdam: Open Dashboard');
  const backend = webview().locator('[data-testid="backend-name"]');
  await backend.waitFor({ state: 'visible', timeout: 60_000 });
  // The panel may show a placeholder until the extension knows the backend.
  let name = '';
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    name = (await backend.textContent())?.trim() ?? '';
    if (/^[a-z][a-z0-9-]*$/.test(name)) break;
    await page.waitForTimeout(250);
  }
  log(`backend: ${name || '(empty)'}`);
  await screenshot('dashboard.png');
  assert.ok(name, 'the dashboard names its backend');
  if (requireNative) assert.equal(name, 'tensorflow', 'RADAM_REQUIRE_NATIVE=1: the native tfjs-node backend must be in use');
});
