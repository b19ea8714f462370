// The run list at scale (issue 16), driven in the real workbench: "RAdam: Compare with Adam" makes one
// comparison of three runs, listed under one group header; one click on the header's checkbox hides
// the whole comparison on the charts and a second shows it again; the filter box narrows the rows as
// you type; two rows selected (click, Ctrl-click) are deleted after ONE confirmation, which VS Code's
// modal dialog asks (the host's, as for one run), and their folders are gone from disk.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, poll } from '../harness/e2eApi.mjs';
import { WORKSPACE } from '../harness/common.mjs';

const RUNS_DIR = join(WORKSPACE, '.radam', 'runs');

test('run list: a comparison is one group (header shows/hides it), the filter narrows as typed, two runs deleted after one confirmation', async ({ page, runCommand, webview, screenshot, log }) => {
  await runCommand('RAdam: Compare with Adam');
  const wv = () => webview();
  const hook = (fn, arg) => wv().locator('body').evaluate(fn, arg);
  const done = await poll(page, 'the comparison to finish', async () => {
    const shown = await hook(() => window.__radamDashboard?.shownRuns() ?? []);
    const runs = await hook(() => window.__radamDashboard?.runs() ?? []);
    const mine = runs.filter((r) => shown.includes(r.id));
    return { ok: shown.length === 3 && mine.length === 3 && mine.every((r) => r.status === 'finished' && !r.live), shown, statuses: mine.map((r) => r.status) };
  });
  const ids = done.shown;
  const runs = await hook(() => window.__radamDashboard.runs());
  const cmp = runs.find((r) => r.id === ids[0]).comparisonId;
  assert.ok(cmp && ids.every((id) => runs.find((r) => r.id === id).comparisonId === cmp), 'the three runs share a comparison id');

  // One group for the comparison, its three runs in it, one line each.
  const group = wv().locator(`[data-testid="run-group"][data-group="cmp:${cmp}"]`);
  await group.waitFor({ state: 'visible', timeout: 10_000 });
  const rowIds = await group.locator('[data-testid="run-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
  assert.deepEqual([...rowIds].sort(), [...ids].sort(), 'the group holds the comparison\'s runs');
  const heights = await group.locator('[data-testid="run-item"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  assert.ok(heights.every((h) => h > 0 && h <= 30), `one compact line per run: ${heights.join(', ')} px`);

  // One click on the header's checkbox hides the whole comparison; another shows it again.
  await group.locator('[data-testid="run-group-toggle"]').click();
  await poll(page, 'the comparison hidden', async () => {
    const shown = await hook(() => window.__radamDashboard.shownRuns());
    return { ok: ids.every((id) => !shown.includes(id)), shown };
  }, 10_000);
  await group.locator('[data-testid="run-group-toggle"]').click();
  await poll(page, 'the comparison shown again', async () => {
    const shown = await hook(() => window.__radamDashboard.shownRuns());
    const loss = await hook(() => window.__radamDashboard.chartData('loss'));
    const onChart = new Set(loss.series.filter((s) => s.points > 0).map((s) => s.runId));
    return { ok: ids.every((id) => shown.includes(id) && onChart.has(id)), shown, onChart: [...onChart] };
  }, 30_000);
  log('group header: hid and showed the 3 runs');

  // The filter narrows as typed (no Enter): "untuned" leaves only the warmup run of each comparison.
  const filter = wv().locator('[data-testid="run-filter"]');
  await filter.click();
  await filter.pressSequentially('untuned', { delay: 20 });
  const visible = () =>
    wv()
      .locator('[data-testid="run-item"]')
      .evaluateAll((els) => els.filter((e) => e.offsetParent !== null).map((e) => ({ id: e.getAttribute('data-run-id'), label: e.querySelector('.run-label')?.textContent })));
  const filtered = await poll(page, 'the filtered list', async () => {
    const v = await visible();
    return { ok: v.length > 0 && v.every((r) => /untuned/i.test(r.label)), v };
  }, 5_000);
  const total = await wv().locator('[data-testid="run-item"]').count();
  assert.ok(filtered.v.length < total, `the filter hid rows: ${filtered.v.length} of ${total} left`);
  assert.ok(filtered.v.some((r) => ids.includes(r.id)), 'this comparison\'s warmup run matches');
  await filter.fill('');
  await poll(page, 'the whole list back', async () => ({ ok: (await visible()).length === total }), 5_000);

  // Select two runs of the comparison (click, Ctrl-click) and delete them: one confirmation.
  const [a, b, keep] = rowIds;
  await group.locator(`[data-run-id="${a}"] .run-label`).click();
  await group.locator(`[data-run-id="${b}"] .run-label`).click({ modifiers: ['Control'] });
  const del = wv().locator('[data-testid="runs-delete-selected"]');
  await poll(page, 'two runs selected', async () => ({ ok: (await del.textContent())?.trim() === 'Delete 2', text: await del.textContent() }), 5_000);
  await screenshot('run-list-selected.png');
  await del.click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  const message = (await dialog.textContent()) ?? '';
  log(`confirmation: ${message.replace(/\s+/g, ' ').slice(0, 160)}`);
  assert.match(message, /Delete 2 runs\?/, 'one confirmation names both runs');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  await poll(page, 'the two runs gone from disk and list', async () => {
    const listed = (await hook(() => window.__radamDashboard.runs())).map((r) => r.id);
    const onDisk = [a, b, keep].map((id) => existsSync(join(RUNS_DIR, id)));
    return { ok: !listed.includes(a) && !listed.includes(b) && listed.includes(keep) && !onDisk[0] && !onDisk[1] && onDisk[2], onDisk };
  }, 15_000);
  // No second confirmation followed.
  await page.waitForTimeout(1000);
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'exactly one confirmation');
});
