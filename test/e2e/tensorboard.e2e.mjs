// TensorBoard logs in the dashboard, through the real workbench: a workspace whose radam.logDirectories
// names the Python-written fixtures and a log folder this test writes to while VS Code runs. The runs
// appear in the run list; ticking them fills the loss, rho/r and histogram charts; records appended to
// an event file appear on the loss chart without any action.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '../harness/e2eApi.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { encodeEvent } = require(join(ROOT, 'out/src/tensorboard/proto.js'));
const { frameRecord } = require(join(ROOT, 'out/src/tensorboard/tfrecord.js'));

const FIXTURES = join(ROOT, 'test/fixtures/tensorboard/logs');
const workspace = mkdtempSync(join(tmpdir(), 'radam-tb-e2e-'));
mkdirSync(join(workspace, '.vscode'));
writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'radam.logDirectories': ['tblogs', FIXTURES], 'git.enabled': false }));
const liveDir = join(workspace, 'tblogs', 'live');
mkdirSync(liveDir, { recursive: true });
const liveFile = join(liveDir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.e2e.1.0`);
const event = (step) =>
  frameRecord(encodeEvent({ wallTime: Date.now() / 1000, step, summary: { value: [{ tag: 'train/loss', simpleValue: 1 / step }] } }));
// Written when the test starts, not when this file is imported: the runner imports every e2e file first,
// and a run whose last event is older than the live window (120 s) is rightly shown as ended.
const startLiveRun = () => {
  writeFileSync(liveFile, frameRecord(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: 'brain.Event:2' })));
  for (let s = 1; s <= 10; s++) appendFileSync(liveFile, event(s));
};

/** Opens the dashboard: a test-hook reader (null while the webview reloads), a poller. */
async function openDashboard(page, runCommand, webview, intervalMs) {
  await runCommand('RAdam: Open Dashboard');
  const body = webview().locator('body');
  await body.waitFor({ state: 'attached', timeout: 60_000 });
  const hook = (fn, arg) => body.evaluate(fn, arg).catch(() => null);
  const until = async (what, probe, ms = 60_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(intervalMs);
    }
  };
  return { hook, until };
}

test(
  'TensorBoard logs from radam.logDirectories: run list, loss, rho/r and histograms, and live appends',
  async ({ page, runCommand, webview, screenshot, log }) => {
    startLiveRun();
    const { hook, until } = await openDashboard(page, runCommand, webview, 500);
    const runs = await until('the TensorBoard runs in the run list', async () => {
      const list = (await hook(() => window.__radamDashboard?.runs() ?? null)) ?? [];
      const radam = list.find((r) => r.label === 'TensorBoard: logs/pytorch_radam');
      const live = list.find((r) => r.label === 'TensorBoard: tblogs/live');
      return radam && live ? { radam, live, all: list } : null;
    });
    log(`TensorBoard runs listed: ${runs.all.filter((r) => r.optimizer === 'tensorboard').map((r) => r.label).join(' | ')}`);
    assert.equal(runs.live.live, true, 'a run written seconds ago is live');
    assert.equal(runs.radam.lastStep, 30);

    for (const r of [runs.radam, runs.live]) {
      await webview().locator(`li[data-run-id="${r.id}"] [data-testid="run-toggle"]`).click();
    }
    const lossOf = async (id) => {
      const d = await hook(() => window.__radamDashboard?.chartData('loss') ?? null);
      return d?.series?.find((s) => s.runId === id && s.points > 0) ?? null;
    };
    const radamLoss = await until('the PyTorch run on the loss chart', async () => {
      const s = await lossOf(runs.radam.id);
      return s && s.lastX === 30 ? s : null;
    });
    log(`loss chart: ${JSON.stringify(radamLoss)}`);
    const rho = await until('rho/r from the optimizer/rho_t and optimizer/r_t tags', async () => {
      const d = await hook(() => window.__radamDashboard?.chartData('rho-r') ?? null);
      return d && d.points > 0 && d.lastStep === 30 ? d : null;
    });
    log(`rho/r chart: points ${rho.points}, last step ${rho.lastStep}`);
    const hist = await until('the gradients/all histograms', async () => {
      const d = await hook(() => window.__radamDashboard?.chartData('histograms') ?? null);
      return d && d.slices > 0 ? d : null;
    });
    log(`histograms: ${hist.slices} slices, last step ${hist.lastStep}`);
    assert.equal(hist.lastStep, 30);
    await webview().locator('.hist-card').first().scrollIntoViewIfNeeded().catch(() => {});
    await screenshot('tensorboard-histograms.png');

    await until('the live run on the loss chart', async () => (await lossOf(runs.live.id))?.lastX === 10);
    for (let s = 11; s <= 20; s++) appendFileSync(liveFile, event(s));
    const grown = await until('records appended while VS Code runs', async () => {
      const s = await lossOf(runs.live.id);
      return s?.lastX === 20 ? s : null;
    }, 30_000);
    log(`live run after appending: ${JSON.stringify(grown)}`);
    const listed = await until('the run list to show the live run at step 20', async () => {
      const list = (await hook(() => window.__radamDashboard?.runs() ?? null)) ?? [];
      const r = list.find((x) => x.id === runs.live.id);
      return r?.lastStep === 20 ? r : null;
    }, 30_000);
    assert.equal(listed.status, 'running');
    await screenshot('tensorboard.png');
  },
  { workspace, timeoutMs: 240_000 },
);

test('"RAdam: Open TensorBoard Logs…" in the palette opens a folder picker; cancelling it changes nothing', async ({ page, runCommand, log }) => {
  await runCommand('RAdam: Open TensorBoard Logs');
  // VS Code's own folder dialog (the "simple" dialog of remote and web windows) is a quick input.
  const title = await page
    .waitForFunction(() => {
      const w = document.querySelector('.quick-input-widget');
      const t = w && getComputedStyle(w).display !== 'none' ? w.querySelector('.quick-input-title')?.textContent : null;
      return t && t.includes('Open TensorBoard Logs') ? t : null;
    }, null, { timeout: 15_000 })
    .then((h) => h.jsonValue());
  log(`folder picker: ${title}`);
  const button = await page.locator('.quick-input-widget .monaco-button').first().textContent();
  assert.equal(button?.trim(), 'Open Logs');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 5000 });
});

// A run that logs its loss under an unusual tag, an accuracy, and neither rho_t nor beta2: the user picks
// the loss tag, charts another tag (which keeps growing live), and gives beta2 to get rho_t and r_t.
const choiceWorkspace = mkdtempSync(join(tmpdir(), 'radam-tb-choice-e2e-'));
mkdirSync(join(choiceWorkspace, '.vscode'));
writeFileSync(join(choiceWorkspace, '.vscode', 'settings.json'), JSON.stringify({ 'radam.logDirectories': ['logs'], 'git.enabled': false }));
const choiceDir = join(choiceWorkspace, 'logs', 'mine');
mkdirSync(choiceDir, { recursive: true });
const choiceFile = join(choiceDir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.e2e.2.0`);
const choiceEvent = (step) =>
  frameRecord(
    encodeEvent({
      wallTime: Date.now() / 1000,
      step,
      summary: {
        value: [
          { tag: 'train/loss', simpleValue: 1 / step },
          { tag: 'objective/total', simpleValue: 100 + step },
          { tag: 'metrics/accuracy', simpleValue: step / 100 },
        ],
      },
    }),
  );

test(
  'a TensorBoard run: pick another loss tag, chart another scalar tag (live), set beta2 for rho_t and r_t',
  async ({ page, runCommand, webview, screenshot, log }) => {
    writeFileSync(choiceFile, frameRecord(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: 'brain.Event:2' })));
    for (let s = 1; s <= 40; s++) appendFileSync(choiceFile, choiceEvent(s));
    const { hook, until } = await openDashboard(page, runCommand, webview, 400);
    const info = () => hook(() => (window.__radamDashboard?.runs() ?? []).find((r) => r.label === 'TensorBoard: logs/mine') ?? null);
    const run = await until('the run in the run list', info);
    assert.equal(run.imported.autoLossTag, 'train/loss');
    assert.equal(run.imported.rhoOrigin, 'none');
    await webview().locator(`li[data-run-id="${run.id}"] [data-testid="run-toggle"]`).click();
    const row = webview().locator(`[data-testid="imported-run"][data-run-id="${run.id}"]`);
    await row.waitFor({ timeout: 30_000 });
    const finalLoss = () => webview().locator(`[data-testid="summary-table"] tr[data-run-id="${run.id}"] td.num`).nth(1).textContent();
    await until('the auto-detected loss (train/loss, last 1/40) in the summary', async () => (await finalLoss())?.trim() === '0.025');

    // 1. Another loss tag: the loss chart and the summary now show objective/total (last value 140).
    await row.locator('[data-testid="loss-tag"]').selectOption('objective/total');
    await until('objective/total as the loss in the summary', async () => (await finalLoss())?.trim() === '140');
    const chosen = await until('the choice in the run info', async () => ((await info())?.imported.lossTag === 'objective/total' ? await info() : null));
    log(`loss tag chosen: ${chosen.imported.lossTag} (auto: ${chosen.imported.autoLossTag})`);

    // 2. rho_t / r_t: none until beta2 is given; the dashboard says so and how to supply it.
    const origin = row.locator('[data-testid="rho-origin"]');
    assert.match((await origin.textContent()) ?? '', /cannot be derived/);
    const rhoOf = async () => (await hook(() => window.__radamDashboard?.chartData('rho-r') ?? null))?.series?.find((s) => s.runId === run.id && s.kind === 'rho') ?? null;
    assert.equal((await rhoOf())?.points ?? 0, 0);
    await row.locator('[data-testid="beta2-input"]').fill('0.999');
    await row.locator('[data-testid="beta2-set"]').click();
    const rho = await until('rho_t computed from beta2 on the rho/r chart', async () => {
      const s = await rhoOf();
      return s && s.points > 0 && s.lastX === 40 ? s : null;
    });
    log(`rho_t from the beta2 set: ${JSON.stringify(rho)}`);
    await until('the rho origin to read "you set"', async () => ((await row.locator('[data-testid="rho-origin"]').textContent()) ?? '').includes('you set (0.999)'));

    // 3. Another scalar tag on demand, which keeps growing live.
    await webview().locator('[data-testid="scalar-tag-picker"]').selectOption('metrics/accuracy');
    await webview().locator('[data-testid="scalar-tag-add"]').click();
    const tagOf = async () => (await hook(() => window.__radamDashboard?.chartData('metrics/accuracy') ?? null))?.series?.find((s) => s.runId === run.id) ?? null;
    await until('metrics/accuracy charted', async () => (await tagOf())?.lastX === 40);
    for (let s = 41; s <= 50; s++) appendFileSync(choiceFile, choiceEvent(s));
    const grown = await until('appended points on the tag chart', async () => ((await tagOf())?.lastX === 50 ? await tagOf() : null), 30_000);
    log(`metrics/accuracy after appending: ${JSON.stringify(grown)}`);
    await until('the chosen loss tag to follow live too (last 150)', async () => (await finalLoss())?.trim() === '150', 30_000);
    const state = await hook(() => window.__radamDashboard?.state() ?? null);
    assert.deepEqual(state.scalarTags, ['metrics/accuracy']);
    await screenshot('tensorboard-choices.png');
  },
  { workspace: choiceWorkspace, timeoutMs: 240_000 },
);
