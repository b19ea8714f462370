// Learning-rate sweep: final loss (or accuracy) against learning rate, one line per optimizer: the
// RAdam paper's robustness result on the user's own data. Shown when the host sends a sweep.
import type { ChartDataset } from 'chart.js';
import { rgba } from '../data/colors';
import { fmt } from '../data/summary';
import { canvasPng, chartCard, setDataAttrs, type Card } from './card';
import { baseOptions, createChart, type Chart, type XY } from './chartjs';
import { runColor } from './theme';
import type { ChartTestData, ChartView, ViewContext } from './view';

export class SweepChart implements ChartView {
  readonly name = 'sweep';
  readonly element: HTMLElement;
  readonly minIntervalMs = 0;
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
    const optimizers = [...new Set(sweep.points.map((p) => p.optimizer))];
    this.chart.data.datasets = optimizers.map((opt, i): ChartDataset<'line', XY[]> => {
      const pts = sweep.points
        .filter((p) => p.optimizer === opt && p.value !== null && Number.isFinite(p.value) && !p.diverged)
        .sort((a, b) => a.lr - b.lr)
        .map((p) => ({ x: p.lr, y: p.value as number }));
      const c = rgba(runColor(theme, i));
      return { label: opt, data: pts, borderColor: c, backgroundColor: c, pointRadius: 4, pointHoverRadius: 6, borderWidth: 2 };
    });
    const o = baseOptions(theme);
    o.interaction = { mode: 'nearest', intersect: true };
    const metric = sweep.metric === 'accuracy' ? 'final accuracy' : 'final loss';
    o.scales = {
      x: {
        type: 'logarithmic',
        title: { display: true, text: 'learning rate', color: theme.muted },
        grid: { color: theme.grid },
        // Only 1, 2 and 5 times a power of ten: a log axis labels every tick otherwise.
        ticks: {
          color: theme.muted,
          callback: (v: number | string) => {
            const n = Number(v);
            const m = n / Math.pow(10, Math.floor(Math.log10(n)));
            return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) ? fmt(n) : '';
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
    this.card.footer.textContent =
      (sweep.title ? sweep.title + '. ' : '') +
      (diverged.length ? `Diverged (not plotted): ${diverged.map((p) => `${p.optimizer} at lr ${fmt(p.lr)}`).join(', ')}.` : '');
    setDataAttrs(this.element, { points: this.testData().points });
  }

  themeChanged(): void {
    this.key = '';
    this.render();
  }

  testData(): ChartTestData {
    const series = this.chart.data.datasets.map((d) => {
      const pts = d.data as XY[];
      return { label: String(d.label), runId: '', kind: 'sweep', points: pts.length, firstX: pts[0]?.x ?? null, lastX: pts[pts.length - 1]?.x ?? null };
    });
    return { name: this.name, points: series.reduce((a, s) => a + s.points, 0), lastStep: null, series, sweep: this.ctx.state().sweep };
  }
}
