// Heatmap hover (issue 16): after "RAdam: Compare with Adam", hovering one run's gradient heatmap reads
// out, under every shown run's heatmap, the step, the bin's ln|g| range and that run's count there with
// its share of the run's gradient entries -- each equal to the run's histograms.jsonl.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applySettings, test, poll } from '../harness/e2eApi.mjs';
import { WORKSPACE } from '../harness/common.mjs';

const STEPS = 200; // a histogram every 10 steps (radam.metrics.histogramEvery's default): 20 per run

/** The run's histogram lines (edges from lo, hi and bins, as docs/run-format.md says). */
function histograms(runId) {
  return readFileSync(join(WORKSPACE, '.radam', 'runs', runId, 'histograms.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .map((h) => ({ ...h, edges: Array.from({ length: h.bins + 1 }, (_, i) => h.lo + (i * (h.hi - h.lo)) / h.bins) }));
}

test('hovering the gradient heatmap reads out step, ln|g| bin, count and share for every shown run', async ({ page, runCommand, webview, screenshot, log }) => {
  const settingsFile = join(WORKSPACE, '.vscode', 'settings.json');
  const original = readFileSync(settingsFile, 'utf8');
  try {
    await applySettings(page, settingsFile, original, { 'radam.training.steps': STEPS });
    await runCommand('RAdam: Compare with Adam');
    const body = () => webview().locator('body');
    const hook = (fn, arg) => body().evaluate(fn, arg);
    const chart = (name) => hook((_b, n) => window.__radamDashboard?.chartData(n), name);

    // The three runs trained to the end, their histograms on the dashboard.
    const done = await poll(page, 'three finished runs with histograms', async () => {
      const shown = await hook(() => window.__radamDashboard?.shownRuns() ?? []);
      const runs = await hook(() => window.__radamDashboard?.runs() ?? []);
      const h = await chart('histograms');
      const finished = shown.filter((id) => runs.find((r) => r.id === id)?.status === 'finished');
      return { ok: shown.length === 3 && finished.length === 3 && h?.series.every((s) => s.lastX === STEPS), shown, h: h?.series };
    }, 240_000);
    const runIds = done.shown;
    await webview().locator('[data-testid="histogram-view-heatmap"]').click();
    const heat = await poll(page, 'the heatmap view', async () => {
      const h = await chart('histograms');
      return { ok: h.view === 'heatmap' && h.axes.length === 3 && h.axes.every((a) => a.area), axes: h.axes, series: h.series };
    }, 20_000);
    log(`heatmaps: ${JSON.stringify(heat.series)}`);

    // Hover the first run's heatmap at a middle slice, in its fullest bin.
    const first = runIds[0];
    const file = histograms(first);
    const target = file[Math.floor(file.length / 2)];
    const peak = target.counts.indexOf(Math.max(...target.counts));
    const lng = (target.edges[peak] + target.edges[peak + 1]) / 2;
    const axis = heat.axes.find((a) => a.runId === first);
    const box = await webview().locator(`[data-testid="chart-histograms"] [data-run-id="${first}"] canvas`).boundingBox();
    const { left, right, top, bottom } = axis.area;
    const x = box.x + left + ((target.step - axis.min) / (axis.max - axis.min)) * (right - left);
    const y = box.y + bottom - ((lng - axis.yMin) / (axis.yMax - axis.yMin)) * (bottom - top);
    await page.mouse.move(x, y, { steps: 3 });
    const hovered = await poll(page, 'the read-out under every heatmap', async () => {
      const h = await chart('histograms');
      return { ok: h.cells?.rows.length === 3, cells: h.cells };
    }, 10_000);
    log(`hovered step ${hovered.cells.step.toFixed(1)}, ln|g| ${hovered.cells.lng.toFixed(2)}: ${JSON.stringify(hovered.cells.rows)}`);

    // The pointer is over the aimed cell (within a pixel's rounding: the neighbouring bin at most).
    const { step: atStep, lng: atLng } = hovered.cells;
    assert.ok(Math.abs(atStep - target.step) < 5, `hovered step ${atStep}, aimed at ${target.step}`);
    assert.ok(Math.abs(atLng - lng) < target.edges[1] - target.edges[0], `hovered ln|g| ${atLng}, aimed at ${lng}`);
    // Each run's cell: the slice nearest the hovered step and the bin holding the hovered ln|g|, with the
    // count and share its histograms.jsonl has there.
    for (const id of runIds) {
      const cell = hovered.cells.rows.find((r) => r.runId === id);
      assert.ok(cell, `${id} has a read-out`);
      const lines = histograms(id);
      const nearest = lines.reduce((a, h) => (Math.abs(h.step - atStep) < Math.abs(a.step - atStep) ? h : a));
      assert.equal(cell.step, nearest.step, `${id}: the recorded step nearest ${atStep}`);
      const rec = nearest;
      const b = rec.edges.findIndex((e, i) => i < rec.bins && atLng >= e && atLng < rec.edges[i + 1]);
      assert.ok(Math.abs(cell.lo - rec.edges[b]) < 1e-9 && Math.abs(cell.hi - rec.edges[b + 1]) < 1e-9, `${id}: the bin [${cell.lo}, ${cell.hi}) holds ln|g| ${atLng}`);
      assert.equal(cell.count, rec.counts[b], `${id}: count at step ${cell.step}, bin ${b}`);
      assert.equal(cell.total, rec.total);
      assert.ok(Math.abs(cell.fraction - rec.counts[b] / rec.total) < 1e-12, `${id}: share ${cell.fraction}`);
      const text = await webview().locator(`[data-testid="chart-histograms"] [data-run-id="${id}"] .chart-footer`).innerText();
      assert.match(text, new RegExp(`step ${cell.step} · ln\\|g\\| in \\[.*\\) · [0-9.e+-]+% of the values \\(${rec.counts[b].toLocaleString('en-US')} of ${rec.total.toLocaleString('en-US')}\\)`), `${id}: ${text}`);
    }
    await screenshot('heatmap-hover.png');

    // Leaving the heatmap clears every read-out.
    await page.mouse.move(box.x + box.width / 2, box.y - 40);
    await poll(page, 'the read-outs cleared', async () => ({ ok: (await chart('histograms')).cells === null }), 10_000);
  } finally {
    writeFileSync(settingsFile, original);
  }
}, { timeoutMs: 420_000 });
