// The learning rate after the schedule (dashed) and the effective step size (solid) on the same step
// axis as the rho/r chart (linear or logarithmic together), with the same pre-rectification shading,
// so a warmup schedule and RAdam's rectification can be compared by eye. The effective step size is
// lr * r_t (0 before rectification; lr for optimizers without rectification), or, on request, the
// scalar the optimizer actually applied, bias corrections included (metrics.jsonl effectiveStepSize).
import type { ChartOptions, Plugin } from 'chart.js';
import { dropdown } from '../components/toolkit';
import { AXIS_LEFT, fixWidth, stepAxis, valueAxis } from './chartjs';
import { bandsOf, MarksHolder, rectificationPlugin } from './rectificationMarks';
import { RunLinesChart } from './runLines';
import type { ViewContext } from './view';

export class LearningRateChart extends RunLinesChart {
  private readonly marks = new MarksHolder();

  constructor(ctx: ViewContext) {
    const applied = () => ctx.state().stepSize === 'applied';
    super('lr', 'Learning rate and effective step size', ctx, [
      { key: 'effective', series: 'lrTimesRT', label: (r) => `${r.label} lr·rₜ`, style: () => ({ borderWidth: 2 }), when: () => !applied() },
      { key: 'applied', series: 'effectiveStepSize', label: (r) => `${r.label} applied step`, style: () => ({ borderWidth: 2 }), when: applied },
      { key: 'lr', series: 'lr', label: (r) => `${r.label} lr`, style: () => ({ borderWidth: 1.5, borderDash: [6, 4] }) },
    ]);
    this.card.controls.append(
      dropdown(
        [
          { value: 'lrRt', label: 'lr · rₜ' },
          { value: 'applied', label: 'applied scalar (with bias correction)' },
        ],
        ctx.state().stepSize,
        (v) => ctx.update({ stepSize: v === 'applied' ? 'applied' : 'lrRt' }),
        { testId: 'step-size-mode', title: 'Which effective step size to draw' },
      ),
    );
  }

  protected override plugins(): Plugin<'line'>[] {
    return [rectificationPlugin(() => this.marks?.marks)];
  }

  /** On a logarithmic step axis the first steps take half the width: keep them all. */
  protected override denseHead(): number {
    return this.ctx.state().stepScale === 'log' ? 400 : 0;
  }

  protected override legendKey(): string {
    return this.ctx.state().stepSize === 'applied' ? 'solid: applied step scalar · dashed: lr' : 'solid: lr·rₜ · dashed: lr after the schedule';
  }

  protected override optionSignature(): string {
    return this.ctx.state().stepScale + this.ctx.state().stepSize;
  }

  protected override refreshExtras(): boolean {
    return this.marks.refresh({ bands: bandsOf(this.ctx.runs()), thresholds: [], theme: this.ctx.theme() });
  }

  protected scales(): ChartOptions<'line'>['scales'] {
    const theme = this.ctx.theme();
    return {
      x: stepAxis(theme, this.ctx.state().stepScale),
      // As wide as the rho/r chart's value axes, so both step axes line up.
      y: valueAxis(theme, 'linear', 'step size', { min: 0, afterFit: fixWidth(AXIS_LEFT) }),
    };
  }
}
