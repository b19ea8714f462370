// Loss against step: per run the raw training loss (faint), its debiased EMA (computed on every
// point before downsampling, see ../data/smoothing.ts), and the validation loss when recorded.
// Linear or logarithmic y.
import type { Chart as ChartT, ChartOptions, Plugin } from 'chart.js';
import { rgba } from '../data/colors';
import { checkbox } from '../components/toolkit';
import { slider } from '../components/native';
import { stepAxis, valueAxis } from './chartjs';
import { RunLinesChart } from './runLines';
import type { ViewContext } from './view';

interface Divergence {
  step: number;
  color: string;
}

export class LossChart extends RunLinesChart {
  private divergences: Divergence[] = [];
  private divergenceSig = '';

  constructor(ctx: ViewContext) {
    const logY = () => ctx.state().lossScale === 'log';
    super('loss', 'Loss', ctx, [
      {
        key: 'smoothed',
        series: 'smoothed',
        label: (r) => r.label,
        positiveOnly: logY,
        style: () => ({ borderWidth: 2, order: 0 }),
      },
      {
        key: 'raw',
        series: 'loss',
        label: (r) => `${r.label} (raw)`,
        legend: false,
        positiveOnly: logY,
        style: (r) => ({ borderColor: rgba(r.color, 0.28), borderWidth: 1, order: 2 }),
      },
      {
        key: 'val',
        series: 'valLoss',
        label: (r) => `${r.label} (validation)`,
        positiveOnly: logY,
        style: (r) => ({ borderDash: [5, 4], borderWidth: 1.5, pointRadius: 2, pointBackgroundColor: rgba(r.color), order: 1 }),
      },
    ]);
    const controls = this.card.controls;
    controls.append(
      slider(
        { min: 0, max: 0.99, step: 0.01, value: ctx.state().smoothing, label: 'Smoothing', testId: 'loss-smoothing', format: (v) => v.toFixed(2) },
        (v) => ctx.update({ smoothing: v }),
      ),
      checkbox('Log scale', logY(), (on) => ctx.update({ lossScale: on ? 'log' : 'linear' }), { testId: 'loss-log-scale' }),
    );
  }

  /** Where a run diverged (NaN or infinite loss): a dashed line in the run's colour. */
  protected override plugins(): Plugin<'line'>[] {
    return [
      {
        id: 'radamDivergence',
        afterDatasetsDraw: (chart: ChartT) => {
          const area = chart.chartArea;
          const x = chart.scales.x;
          if (!area || !x || !this.divergences?.length) return;
          const g = chart.ctx;
          const theme = this.ctx.theme();
          g.save();
          g.setLineDash([4, 3]);
          g.lineWidth = 1.5;
          g.font = `${Math.max(10, theme.fontSize - 1)}px ${theme.fontFamily}`;
          for (const d of this.divergences) {
            const px = x.getPixelForValue(d.step);
            if (px < area.left || px > area.right) continue;
            g.strokeStyle = d.color;
            g.fillStyle = d.color;
            g.beginPath();
            g.moveTo(px, area.top);
            g.lineTo(px, area.bottom);
            g.stroke();
            g.fillText(`✕ diverged at ${d.step}`, Math.min(px + 4, area.right - 110), area.top + 12);
          }
          g.restore();
        },
      },
    ];
  }

  protected override refreshExtras(): boolean {
    const list: Divergence[] = [];
    for (const r of this.ctx.runs()) {
      const step = r.data?.divergedAt ?? r.info?.divergedAt ?? null;
      if (step !== null && step !== undefined) list.push({ step, color: rgba(r.color) });
    }
    const sig = list.map((d) => `${d.step}/${d.color}`).join(',');
    this.divergences = list;
    // The step that diverged has no loss point: stretch the axis to show its mark.
    const x = this.chart.options.scales?.x as { suggestedMax?: number } | undefined;
    if (x) x.suggestedMax = list.length ? Math.max(...list.map((d) => d.step)) : undefined;
    if (sig === this.divergenceSig) return false;
    this.divergenceSig = sig;
    return true;
  }

  protected override legendKey(): string {
    return 'solid: smoothed · faint: raw · dashed: validation';
  }

  protected override optionSignature(): string {
    return this.ctx.state().lossScale;
  }

  protected scales(): ChartOptions<'line'>['scales'] {
    const theme = this.ctx.theme();
    return {
      x: stepAxis(theme, 'linear'),
      y: valueAxis(theme, this.ctx.state().lossScale, 'loss'),
    };
  }
}
