// Phase 3 of the dashboard bench (dashboard.bench.mjs, which documents it): the run list at 200 runs,
// filter keystroke -> repaint, in the built webview bundle in headless Chromium.
import { join } from 'node:path';
import { f1, q } from './figures.mjs';

/** Phase 3: 200 runs in the run list; each filter keystroke -> list laid out -> next frame painted. */
export async function runListBench(openPage, { theme, shots }, N = 200) {
  const page = await openPage({ width: 745, height: 800 });
  const r = await page.evaluate(async (N) => {
    const opts = ['radam', 'adam', 'adam', 'adam'];
    const labels = ['RAdam', 'Adam', 'Adam, untuned warmup (2000 steps)', 'Adam, warmup 500'];
    const runs = Array.from({ length: N }, (_, i) => {
      const c = Math.floor(i / 4);
      const k = i % 4;
      const status = i % 23 === 5 ? 'diverged' : i % 31 === 7 ? 'failed' : 'finished';
      return {
        id: `20250101-${String(100000 + c).slice(1)}-000-rl${String(i).padStart(3, '0')}-${opts[k]}`,
        label: `${labels[k]} lr=${[0.1, 0.03, 0.01, 0.003, 0.001][c % 5]}`,
        status, live: false, optimizer: opts[k], dataset: ['spiral', 'moons', 'digits'][c % 3], model: 'mlp',
        steps: 1000, lastStep: status === 'finished' ? 1000 : 40 + i, divergedAt: status === 'diverged' ? 40 + i : null,
        error: status === 'diverged' ? 'loss became NaN' : status === 'failed' ? 'trainer exited with code 134' : undefined,
        comparisonId: `cmp-${c}`, startedAt: new Date(Date.UTC(2025, 0, 1) + c * 60000).toISOString(), learningRate: 0.001,
      };
    });
    window.postMessage({ type: 'runList', runs }, '*');
    window.postMessage({ type: 'showRuns', runIds: runs.slice(0, 4).map((x) => x.id), replace: true }, '*');
    const items = () => document.querySelectorAll('[data-testid="run-item"]');
    const t0 = performance.now();
    while (items().length < N && performance.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 20));
    const buildMs = performance.now() - t0;
    const input = document.querySelector('[data-testid="run-filter"]');
    const list = document.querySelector('[data-testid="run-list"]');
    const frame = () => new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
    await frame();
    const keys = [];
    const type = async (value) => {
      const t = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      void list.offsetHeight; // style and layout of the filtered list
      const laidOut = performance.now() - t;
      await frame();
      const painted = performance.now() - t;
      const visible = [...items()].filter((li) => li.offsetParent !== null).length;
      keys.push({ value, laidOut, painted, visible });
    };
    for (const q of ['adam warm', 'diverged', 'lr=0.01']) {
      for (let i = 1; i <= q.length; i++) await type(q.slice(0, i));
      for (let i = q.length - 1; i >= 0; i--) await type(q.slice(0, i));
    }
    return { buildMs, keys, rows: items().length };
  }, N);
  if (shots) {
    await page.evaluate(() => document.querySelector('[data-testid="run-list"]').scrollIntoView());
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(shots, `runlist-${theme}.png`), fullPage: false });
  }
  await page.close();
  const sorted = (k) => r.keys.map((x) => x[k]).sort((a, b) => a - b);
  const lo = sorted('laidOut');
  const pa = sorted('painted');
  return {
    rows: r.rows,
    buildMs: r.buildMs,
    keystrokes: r.keys.length,
    filterLayoutP50: q(lo, 0.5), filterLayoutP95: q(lo, 0.95), filterLayoutMax: lo[lo.length - 1],
    filterPaintP50: q(pa, 0.5), filterPaintP95: q(pa, 0.95), filterPaintMax: pa[pa.length - 1],
    visibleFor: Object.fromEntries(r.keys.filter((k) => ['adam warm', 'diverged', 'lr=0.01', ''].includes(k.value)).map((k) => [k.value || '(empty)', k.visible])),
  };
}

export function printRunList(rl) {
  console.log(
    `[bench:dashboard] run list, ${rl.rows} runs in a 745 x 800 panel: built in ${f1(rl.buildMs)} ms; filter keystroke -> filtered and laid out p50 ${f1(rl.filterLayoutP50)} / p95 ${f1(rl.filterLayoutP95)} / max ${f1(rl.filterLayoutMax)} ms, -> next frame painted p50 ${f1(rl.filterPaintP50)} / p95 ${f1(rl.filterPaintP95)} / max ${f1(rl.filterPaintMax)} ms (${rl.keystrokes} keystrokes; rows left: ${JSON.stringify(rl.visibleFor)})`,
  );
}
