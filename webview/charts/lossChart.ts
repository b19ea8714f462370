// Loss against step: per run the raw training loss (faint), its debiased EMA (computed on every
// point before downsampling, see ../data/smoothing.ts), and the validation loss when recorded.
// Linear or logarithmic y.
import type { ChartOptions } from 'chart.js';
import { rgba } from '../data/colors';
import { checkbox } from '../components/toolkit';
import { slider } from '../components/native';
import { stepAxis, valueAxis } from './chartjs';
import { RunLinesChart } from './runLines';
import type { ViewContext } from './view';

export class LossChart extends RunLinesChart {
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
    } as ChartOptions<'line'>['scales'];
  }
}
