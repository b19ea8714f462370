// A run from the palette to the charts and back after a reload (issue 6): "RAdam: Start Training"
// fills the loss, rho_t/r_t and histogram charts with the run's own data (read through the dashboard's
// test hook, not "a canvas exists"); the histogram view switches; CSV export writes the run's steps;
// after "Developer: Reload Window" the serializer brings the dashboard back with the finished run.
// Screenshots in the dark (default) and light themes go to test-results/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test, poll } from '../harness/e2eApi.mjs';
import { RESULTS_DIR, WORKSPACE } from '../harness/common.mjs';

const STEPS = 30; // test/fixtures/workspace/.vscode/settings.json
const EXPORTS = join(RESULTS_DIR, 'exports');

test('"RAdam: Start Training" fills the charts, switches histogram views, exports CSV, and survives a window reload', async ({ page, runCommand, webview, screenshot, log }) => {
  rmSync(EXPORTS, { recursive: true, force: true });
  await runCommand('RAdam: Start Training');
  const body = () => webview().locator('body');
  const hook = (fn, arg) => body().evaluate(fn, arg);

  // The charts fill with this run, to its last step.
  const filled = await poll(page, 'charts filled with the run', async () => {
    const shown = await hook(() => window.__radamDashboard?.shownRuns() ?? []);
    const loss = await hook(() => window.__radamDashboard?.chartData('loss'));
    const rho = await hook(() => window.__radamDashboard?.chartData('rho-r'));
    const hist = await hook(() => window.__radamDashboard?.chartData('histograms'));
    const ok = shown.length === 1 && loss?.lastStep === STEPS && rho?.lastStep === STEPS && hist?.slices > 0;
    return { ok, shown, loss, rho, hist };
  });
  const runId = filled.shown[0];
  log(`run ${runId}: loss ${filled.loss.points} points, rho/r ${filled.rho.points} points, ${filled.hist.slices} histogram slices`);
  assert.ok(filled.loss.series.some((s) => s.runId === runId && s.points > 0));
  await screenshot('run-dark.png');

  // Histogram view: ridgeline -> heatmap, seen by the chart and on the DOM.
  const view = () => webview().locator('[data-testid="chart-histograms"]').getAttribute('data-view');
  const before = await hook(() => window.__radamDashboard.state().histogramView);
  const target = before === 'heatmap' ? 'ridgeline' : 'heatmap';
  await webview().locator(`[data-testid="histogram-view-${target}"]`).click();
  await poll(page, `histogram view ${target}`, async () => {
    const state = await hook(() => window.__radamDashboard.state().histogramView);
    const hist = await hook(() => window.__radamDashboard.chartData('histograms'));
    return { ok: state === target && hist.points > 0, state, points: hist.points, dom: await view().catch(() => null) };
  });
  log(`histogram view switched ${before} -> ${target}`);

  // Export the shown run's metrics as CSV, answering VS Code's save dialog as a user does: the web
  // workbench's dialog is a quick input holding the suggested path; the test types a path in
  // test-results/exports (same file name) and presses Enter.
  mkdirSync(EXPORTS, { recursive: true });
  await webview().locator('[data-testid="export-metrics-csv"]').click();
  const pathInput = page.locator('.quick-input-widget input.input');
  const suggested = await poll(page, 'the save dialog with the suggested file', async () => {
    const value = await pathInput.inputValue({ timeout: 1000 }).catch(() => '');
    return { ok: value.endsWith('-metrics.csv'), value };
  });
  log(`save dialog suggested ${suggested.value}`);
  const exportPath = join(EXPORTS, basename(suggested.value));
  const csv = await poll(
    page,
    'the CSV export',
    async () => {
      const files = existsSync(EXPORTS) ? readdirSync(EXPORTS).filter((f) => f.endsWith('.csv')) : [];
      if (files.length === 1) return { ok: true, files };
      // The dialog is still open: (again) type the path and press Enter. A loaded machine can leave the
      // quick input busy re-listing the folder typed, and an Enter pressed then is dropped; every Playwright
      // action here has its own timeout, so a dialog that re-renders cannot hang the test.
      if (await pathInput.isVisible().catch(() => false)) {
        await pathInput.fill(exportPath, { timeout: 5000 }).catch(() => {});
        await page.waitForTimeout(500);
        await pathInput.press('Enter', { timeout: 5000 }).catch(() => {});
      }
      return { ok: false, files, dialogValue: await pathInput.inputValue({ timeout: 1000 }).catch(() => null) };
    },
    120_000,
    2000,
  );
  const lines = readFileSync(join(EXPORTS, csv.files[0]), 'utf8').trim().split('\n');
  assert.match(lines[0], /step/);
  assert.equal(lines.length, STEPS + 1, 'a header and one row per step');

  // Reload the window: the dashboard comes back (WebviewPanelSerializer) with the finished run from disk.
  await runCommand('Developer: Reload Window');
  await page.waitForTimeout(3000);
  // Every slice the run wrote (histograms.jsonl), not the count seen while streaming: the loss can reach
  // the last step on screen before the last slice has been drawn.
  const slicesOnDisk = readFileSync(join(WORKSPACE, '.radam', 'runs', runId, 'histograms.jsonl'), 'utf8').trim().split('\n').length;
  const back = await poll(page, 'the dashboard after reload', async () => {
    const runs = await hook(() => window.__radamDashboard?.runs() ?? []);
    const loss = await hook(() => window.__radamDashboard?.chartData('loss'));
    // The histograms come back from disk too (the worker's packed table, posted in slices by RunData).
    const hist = await hook(() => window.__radamDashboard?.chartData('histograms'));
    const run = runs.find((r) => r.id === runId);
    return { ok: run?.status === 'finished' && loss?.lastStep === STEPS && hist?.slices === slicesOnDisk, status: run?.status, lastStep: loss?.lastStep, slices: hist?.slices, slicesOnDisk };
  });
  log(`after reload: run ${back.status}, loss chart to step ${back.lastStep}, ${back.slices} histogram slices`);

  // The same dashboard in the light theme: set through the workspace settings (VS Code applies a theme
  // change live), then the fixture's settings file is put back as it was.
  const settingsFile = join(WORKSPACE, '.vscode', 'settings.json');
  const original = readFileSync(settingsFile, 'utf8');
  try {
    writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(original), 'workbench.colorTheme': 'Default Light Modern' }, null, 2));
    await poll(page, 'the light theme', async () => {
      const light = await page.evaluate(() => document.body.classList.contains('vs') || document.querySelector('.monaco-workbench')?.classList.contains('vs'));
      return { ok: light };
    }, 20_000);
    await page.waitForTimeout(1000);
    await screenshot('run-light.png');
  } finally {
    writeFileSync(settingsFile, original);
  }
});
