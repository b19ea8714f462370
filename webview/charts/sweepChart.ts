// Learning-rate sweep: final loss (or accuracy) against learning rate, one line per optimizer: the
// RAdam paper's robustness result (its Figure 3) on the user's own data. Shown when the host sends a
// sweep. With several seeds per (optimizer, lr) the line joins the means and a vertical bar spans the
// seeds' min..max (../data/sweepStats.ts); the footer says how much each optimizer's mean varies across lr.
import type { ChartDataset } from 'chart.js';
import { rgba } from '../data/colors';
import { fmt } from '../data/summary';
import { seedsPerCell, spreadAcrossRates, sweepCells } from '../data/sweepStats';
import { canvasPng, chartCard, setDataAttrs, type Card } from './card';
import { baseOptions, createChart, type Chart, type XY } from './chartjs';
import { runColor } from './theme';
import type { ChartTestData, ChartView, ViewContext } from './view';

export class SweepChart implements ChartView {
  readonly name = 'sweep';
  readonly element: HTMLElement;
  readonly minIntervalMs = 0;
  readonly heavy = true;
  private readonly card: Card;
  private readonly chart: Chart<'line'>;
  private key = '';

  constructor(private readonly ctx: ViewContext) {
    this.card = chartCard('sweep', 'Learning-rate sweep', () => ctx.exportPng('sweep', canvasPng(this.chart.canvas, ctx.theme())));
    this.element = this.card.root;
    this.chart = createChart(this.card.canvas, { type: 'line', data: { datasets: [] }, options: {} });
  }

  render(): void {
    const sweep = this.ctx.state().sweep;
    const theme = this.ctx.theme();
    this.element.hidden = !sweep;
    const key = JSON.stringify(sweep) + theme.background.join();
    if (!sweep || key === this.key) return;
    this.key = key;
    const cells = sweepCells(sweep.points);
    const optimizers = [...new Set(cells.map((c) => c.optimizer))];
    const seeds = seedsPerCell(cells);
    const several = cells.some((c) => c.values.length > 1);
    this.chart.data.datasets = optimizers.flatMap((opt, i): Array<ChartDataset<'line', XY[]>> => {
      const mine = cells.filter((c) => c.optimizer === opt && c.mean !== null);
      const c = rgba(runColor(theme, i));
      const means: ChartDataset<'line', XY[]> = {
        label: opt,
        data: mine.map((m) => ({ x: m.lr, y: m.mean as number })),
        borderColor: c,
        backgroundColor: c,
        pointRadius: 4,
        pointHoverRadius: 6,
        borderWidth: 2,
      };
      if (!several) return [means];
      // min..max over seeds: one vertical segment per rate, separated by gaps (NaN breaks a line).
      const bars: ChartDataset<'line', XY[]> = {
        label: `${opt} (min..max over seeds)`,
        data: mine.flatMap((m) => [
          { x: m.lr, y: m.min as number },
          { x: m.lr, y: m.max as number },
          { x: m.lr, y: NaN },
        ]),
        borderColor: rgba(runColor(theme, i), 0.55),
        backgroundColor: rgba(runColor(theme, i), 0.55),
        pointRadius: 0,
        pointStyle: 'line',
        borderWidth: 6,
        spanGaps: false,
      };
      return [means, bars];
    });
    const o = baseOptions(theme);
    o.interaction = { mode: 'nearest', intersect: true };
    // The min..max bars explain themselves next to their line; the legend names the optimizers only.
    if (o.plugins?.legend?.labels) o.plugins.legend.labels.filter = (item) => !item.text.includes('min..max');
    const metric = sweep.metric === 'accuracy' ? 'final accuracy' : 'final loss';
    o.scales = {
      x: {
        type: 'logarithmic',
        title: { display: true, text: 'learning rate', color: theme.muted },
        grid: { color: theme.grid },
        // Only 1, 2 and 5 times a power of ten: a log axis labels every tick otherwise.
        ticks: {
          color: theme.muted,
          // and the swept rates themselves (0.003, 0.03 of the paper's grid).
          callback: (v: number | string) => {
            const n = Number(v);
            const m = n / Math.pow(10, Math.floor(Math.log10(n)));
            const swept = cells.some((c) => Math.abs(c.lr - n) <= 1e-9 * n);
            return swept || [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) ? fmt(n) : '';
          },
        },
      },
      y: {
        type: sweep.metric === 'accuracy' ? 'linear' : 'logarithmic',
        title: { display: true, text: metric, color: theme.muted },
        grid: { color: theme.grid },
        ticks: { color: theme.muted },
      },
    };
    this.chart.options = o;
    this.chart.update('none');
    const diverged = sweep.points.filter((p) => p.diverged || p.value === null);
    const spreads = optimizers.map((opt) => ({ opt, spread: spreadAcrossRates(cells, opt) })).filter((x) => x.spread !== null);
    const unit = sweep.metric === 'accuracy' ? (v: number) => `${fmt(100 * v, 3)} points` : (v: number) => fmt(v);
    this.card.footer.textContent =
      (sweep.title ? sweep.title + '. ' : '') +
      (several ? `Line: mean of ${seeds ?? 'the'} seeds; bar: their min..max. ` : '') +
      (spreads.length ? `Mean varies across lr by ${spreads.map((x) => `${unit(x.spread as number)} (${x.opt})`).join(', ')}. ` : '') +
      (diverged.length ? `Diverged (not plotted): ${diverged.map((p) => `${p.optimizer} at lr ${fmt(p.lr)}${p.seed !== undefined ? ` seed ${p.seed}` : ''}`).join(', ')}.` : '');
    // The footer is this chart's verdict: wrap it rather than cut it off (other cards' footers stay one line).
    this.card.footer.style.whiteSpace = 'normal';
    setDataAttrs(this.element, { points: this.testData().points });
  }

  themeChanged(): void {
    this.key = '';
    this.render();
  }

  testData(): ChartTestData {
    const series = this.chart.data.datasets.map((d) => {
      const pts = (d.data as XY[]).filter((p) => Number.isFinite(p.y));
      return { label: String(d.label), runId: '', kind: 'sweep', points: pts.length, firstX: pts[0]?.x ?? null, lastX: pts[pts.length - 1]?.x ?? null };
    });
    return { name: this.name, points: series.reduce((a, s) => a + s.points, 0), lastStep: null, series, sweep: this.ctx.state().sweep };
  }
}
