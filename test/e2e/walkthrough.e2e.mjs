// First run: `npm start` (scripts/start.mjs) starts VS Code with RADAM_OPEN_WALKTHROUGH=1 and no welcome
// page; the workbench must open on RAdam Lab's own Getting Started walkthrough, not VS Code's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from '../harness/e2eApi.mjs';
import { startServer } from '../harness/vscodeServer.mjs';
import { openWorkbench, closePage } from '../harness/workbenchPage.mjs';
import { ROOT, WORKSPACE, EXTENSION_PATH, LOGS_DIR } from '../harness/common.mjs';

test('npm start opens on RAdam Lab\'s Getting Started walkthrough', async ({ server: shared, browser, log }) => {
  // A server of its own: the variable is read from the server's environment, as start.mjs sets it.
  const server = await startServer({
    target: shared.target,
    dataDir: join(ROOT, '.vscode-test', 'run', `walkthrough-${shared.target.id}`),
    logFile: join(LOGS_DIR, `walkthrough-${shared.target.id}-server.log`),
    env: { RADAM_OPEN_WALKTHROUGH: '1' },
  });
  let page;
  try {
    page = await openWorkbench(browser, server.workbenchUrl({ folder: WORKSPACE, extensionDevelopmentPath: EXTENSION_PATH, skipWelcome: true }));
    // The walkthrough editor's title and one of its steps, as the user sees them.
    const title = page.locator('.gettingStartedContainer .getting-started-category .category-title, .gettingStartedContainer h2').filter({ hasText: 'Get Started with RAdam Lab' });
    await title.first().waitFor({ state: 'visible', timeout: 60_000 });
    const step = page.locator('.gettingStartedContainer').getByText('What RAdam is', { exact: false });
    await step.first().waitFor({ state: 'visible', timeout: 10_000 });
    const tab = (await page.locator('.tabs-container .tab.active').first().textContent())?.trim();
    log(`active editor tab: ${tab}`);
    assert.ok(!(await page.locator('.gettingStartedContainer').getByText('Setup VS Code Web').first().isVisible().catch(() => false)), 'VS Code\'s own walkthrough is not in front');
  } finally {
    await closePage(page);
    await server.stop();
  }
}, { timeoutMs: 150_000 });
