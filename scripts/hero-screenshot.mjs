#!/usr/bin/env node
// README's hero screenshot (media/screenshot-dashboard.png): the preset "Paper: Transformer without
// warmup" run to the end in the real VS Code (the e2e harness's VS Code server in headless Chromium,
// 1400 x 900), the dashboard's one-screen layout with the gradient histograms as ridgelines, un-warmed
// Adam's collapse (its mass at e^-20 for the first ~200 steps) beside RAdam's.
// The preset is 3 runs x 600 steps: ~2-4 minutes on 2 cores, longer when the machine is busy.
//
//   npm run build && node scripts/hero-screenshot.mjs [--target current|oldest] [--out FILE]
//        [--view ridgeline|heatmap]  the histogram view (default ridgeline: the paper's Figure 2)
//        [--also-themes DIR]     also save one-screen-light.png and one-screen-dark.png (with the explorer
//                                open, as the one-screen e2e test) into DIR
//        [--workspace DIR]       train in DIR and keep it; when DIR already holds the preset's finished runs,
//                                show those instead of training again (to retake the picture quickly)
//
// Without --workspace it trains in a fresh temporary workspace and removes it at the end. The picture
// shows RAdam and un-warmed Adam (the warmed-up run is hidden: two histogram cards get the room).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startServer, launchBrowser, openWorkbench, closePage, runCommand, webviewFrame, targetById } from '../test/harness/vscodeServer.mjs';
import { poll } from '../test/harness/e2eApi.mjs';
import { ROOT, EXTENSION_PATH } from '../test/harness/common.mjs';

const PRESET_COMMAND = 'RAdam: Paper: Transformer without warmup';
const STEPS = 600; // src/runSpec/presets.ts
const HISTOGRAM_EVERY = 5;
const RUNS = 3;

const argv = process.argv.slice(2);
const flag = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const target = targetById(flag('--target'));
const out = resolve(flag('--out') ?? join(ROOT, 'media', 'screenshot-dashboard.png'));
const themesDir = flag('--also-themes');
const log = (...a) => console.log('[hero]', ...a);

const view = flag('--view') ?? 'ridgeline';
const kept = flag('--workspace');
const workspace = kept ? resolve(kept) : mkdtempSync(join(tmpdir(), 'radam-hero-'));
const runsDir = join(workspace, '.radam', 'runs');
const finishedBefore = existsSync(runsDir)
  ? readdirSync(runsDir).filter((id) => {
      try {
        return JSON.parse(readFileSync(join(runsDir, id, 'run.json'), 'utf8')).status === 'finished';
      } catch {
        return false;
      }
    }).length
  : 0;
const settingsFile = join(workspace, '.vscode', 'settings.json');
const writeSettings = (theme) =>
  writeFileSync(settingsFile, JSON.stringify({ 'workbench.colorTheme': theme, 'git.enabled': false, 'git.openRepositoryInParentFolders': 'never' }, null, 2));
mkdirSync(dirname(settingsFile), { recursive: true });
writeSettings('Default Light Modern');
writeFileSync(join(workspace, 'README.md'), '# RAdam Lab\n');

let server;
let browser;
let page;
try {
  server = await startServer({ target, dataDir: join(ROOT, '.vscode-test', 'run', 'hero-screenshot') });
  browser = await launchBrowser();
  page = await openWorkbench(browser, server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: EXTENSION_PATH }));
  log(server.description);
  const body = () => webviewFrame(page).locator('body');
  const hook = (fn, arg) => body().evaluate(fn, arg);
  const themed = (cls) =>
    poll(page, `the ${cls} theme`, async () => ({ ok: await page.evaluate((c) => document.querySelector('.monaco-workbench')?.classList.contains(c), cls) }), 20_000);
  await themed('vs');

  // The dashboard alone beside the activity bar: no side bars, so the three histogram cards get the width.
  const visible = (sel) => page.evaluate((s) => {
    const e = document.querySelector(s);
    return !!e && e.getBoundingClientRect().width > 50 && getComputedStyle(e).display !== 'none' && !e.classList.contains('hidden');
  }, sel);
  if (await visible('.part.auxiliarybar')) await runCommand(page, 'View: Toggle Secondary Side Bar Visibility');
  if (await visible('.part.sidebar')) await runCommand(page, 'View: Toggle Primary Side Bar Visibility');

  const t0 = Date.now();
  const reuse = finishedBefore === RUNS;
  if (reuse) {
    await runCommand(page, 'RAdam: Open Dashboard');
    await poll(page, 'the run list', async () => ({ ok: (await hook(() => window.__radamDashboard?.runs().length ?? 0)) === RUNS }));
    if ((await hook(() => window.__radamDashboard.shownRuns().length)) < RUNS) await webviewFrame(page).locator('[data-testid="run-group-toggle"]').first().click();
  } else {
    await runCommand(page, PRESET_COMMAND);
  }
  const done = await poll(
    page,
    `the preset's ${RUNS} runs at step ${STEPS}`,
    async () => {
      const runs = await hook(() => window.__radamDashboard?.runs() ?? []);
      const shown = await hook(() => window.__radamDashboard?.shownRuns() ?? []);
      const finished = runs.filter((r) => shown.includes(r.id) && r.status === 'finished');
      const hist = await hook(() => window.__radamDashboard?.chartData('histograms'));
      const steps = runs.filter((r) => shown.includes(r.id)).map((r) => `${r.label}: ${r.status} ${r.lastStep ?? ''}`);
      return { ok: shown.length === RUNS && finished.length === RUNS && hist?.lastStep === STEPS, steps, slices: hist?.slices };
    },
    30 * 60_000,
    2000,
  );
  log(`preset ${reuse ? 'shown (already trained)' : `finished in ${Math.round((Date.now() - t0) / 1000)} s`}: ${done.steps.join('; ')}`);

  // Hide the warmed-up run: RAdam and un-warmed Adam side by side, the paper's contrast.
  await webviewFrame(page).locator('[data-testid="run-item"]', { hasText: 'warmup' }).locator('[data-testid="run-toggle"]').click();
  await poll(page, 'two runs shown', async () => ({ ok: (await hook(() => window.__radamDashboard.shownRuns().length)) === RUNS - 1 }));

  await webviewFrame(page).locator(`[data-testid="histogram-view-${view}"]`).click();
  // Every shown run's card drawn to the last step from all its slices (histograms arrive in chunks).
  const slicesPerRun = STEPS / HISTOGRAM_EVERY;
  await poll(page, `the ${view} view with every slice`, async () => {
    const hist = await hook(() => window.__radamDashboard.chartData('histograms'));
    const complete = hist.series.length === RUNS - 1 && hist.series.every((x) => x.lastX === STEPS) && hist.slices === (RUNS - 1) * slicesPerRun;
    return { ok: hist.view === view && complete, view: hist.view, slices: hist.slices, lastX: hist.series.map((x) => x.lastX) };
  });
  await page.mouse.move(0, 0); // no hover read-out or tooltip in the picture
  await page.waitForTimeout(1000);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  log(`${out}: ${Math.round(statSync(out).size / 1024)} kB`);

  if (themesDir) {
    // The one-screen e2e test's layout (explorer open) in both themes, for notes and reviews.
    mkdirSync(themesDir, { recursive: true });
    await runCommand(page, 'View: Show Explorer');
    for (const [theme, cls, name] of [['Default Light Modern', 'vs', 'light'], ['Default Dark Modern', 'vs-dark', 'dark']]) {
      writeSettings(theme);
      await themed(cls);
      await page.mouse.move(0, 0);
      await page.waitForTimeout(1500);
      const file = join(themesDir, `one-screen-${name}.png`);
      await page.screenshot({ path: file });
      log(file);
    }
  }
} finally {
  await closePage(page);
  await browser?.close().catch(() => {});
  await server?.stop();
  if (!kept) rmSync(workspace, { recursive: true, force: true });
}
