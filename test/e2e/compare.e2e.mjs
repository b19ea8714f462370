// "RAdam: Compare with Adam" through the palette: the dashboard overlays three runs, one colour each,
// every one filled to the last step of the workspace's short runs (radam.training.steps = 30).
import assert from 'node:assert/strict';
import { test } from '../harness/e2eApi.mjs';

const STEPS = 30;

test('"RAdam: Compare with Adam" overlays RAdam, Adam and Adam with warmup on the dashboard', async ({ page, runCommand, webview, screenshot, log }) => {
  await runCommand('RAdam: Compare with Adam');
  const body = webview().locator('body');
  await body.waitFor({ state: 'attached', timeout: 60_000 });
  // Read what the loss chart was given through the dashboard's test hook (inside the webview's frame).
  const lossData = () => body.evaluate(() => window.__radamDashboard?.chartData('loss') ?? null);
  let data;
  const deadline = Date.now() + 120_000;
  for (;;) {
    data = await lossData().catch(() => null);
    const runs = new Map();
    for (const s of data?.series ?? []) if (s.points > 0) runs.set(s.runId, Math.max(runs.get(s.runId) ?? 0, s.lastX ?? 0));
    if (runs.size >= 3 && [...runs.values()].every((last) => last === STEPS)) break;
    if (Date.now() > deadline) throw new Error(`the loss chart did not fill with three runs: ${JSON.stringify(data)}`);
    await page.waitForTimeout(500);
  }
  const labels = [...new Set(data.series.filter((s) => s.points > 0).map((s) => s.label.replace(/ \(.*smoothed.*\)$/i, '')))];
  log(`loss chart series: ${labels.join(' | ')}`);
  const runIds = new Set(data.series.map((s) => s.runId));
  assert.equal(runIds.size, 3, 'three runs overlaid');
  const shown = await body.evaluate(() => window.__radamDashboard.shownRuns());
  assert.equal(shown.length, 3, `the dashboard shows the comparison's three runs: ${shown.join(', ')}`);
  // rho_t / r_t and the histograms filled from the same runs.
  const rho = await body.evaluate(() => window.__radamDashboard.chartData('rho-r'));
  assert.ok(rho && rho.points > 0 && rho.lastStep === STEPS, `rho/r chart: ${JSON.stringify(rho)}`);
  await screenshot('compare-with-adam.png');
});
