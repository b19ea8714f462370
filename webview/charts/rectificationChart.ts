// rho_t (left axis, logarithmic: it runs from 1 at step 1 up to rho_inf = 2/(1-beta2) - 1) and r_t
// (right axis, 0..1; absent before rectification) against step, the rectification threshold marked
// on the rho axis and the un-rectified steps shaded. The step axis can be logarithmic, which is where
// the first few hundred steps (warmup, rectification) become visible; the learning-rate chart follows.
import type { ChartOptions, Plugin } from 'chart.js';
import { checkbox } from '../components/toolkit';
import { AXIS_LEFT, fixWidth, stepAxis, valueAxis } from './chartjs';
import { bandsOf, MarksHolder, rectificationPlugin, thresholdsOf } from './rectificationMarks';
import { RunLinesChart } from './runLines';
import type { ChartTestData, ViewContext } from './view';

export class RectificationChart extends RunLinesChart {
  private readonly marks = new MarksHolder();

  constructor(ctx: ViewContext) {
    super('rho-r', 'ρₜ and rₜ', ctx, [
      { key: 'rho', series: 'rhoT', yAxisID: 'rho', label: (r) => `${r.label} ρₜ`, positiveOnly: () => true, style: () => ({ borderWidth: 2 }) },
      { key: 'r', series: 'rT', yAxisID: 'rt', label: (r) => `${r.label} rₜ`, style: () => ({ borderWidth: 2 }) },
    ]);
    this.marks.marks = { bands: [], thresholds: [], theme: ctx.theme() };
    this.card.controls.append(
      checkbox('Log step axis', ctx.state().stepScale === 'log', (on) => ctx.update({ stepScale: on ? 'log' : 'linear' }), {
        testId: 'step-log-scale',
        title: 'Logarithmic step axis for the ρₜ/rₜ and learning-rate charts (shows warmup and rectification)',
      }),
    );
    this.card.footer.textContent = 'Shaded: steps before rectification (ρₜ ≤ threshold: RAdam applies un-adapted momentum). Dashed vertical line: first rectified step.';
  }

  protected override plugins(): Plugin<'line'>[] {
    return [rectificationPlugin(() => this.marks?.marks, 'rho')];
  }

  /** On a logarithmic step axis the first steps take half the width: keep them all. */
  protected override denseHead(): number {
    return this.ctx.state().stepScale === 'log' ? 400 : 0;
  }

  protected override legendKey(): string {
    return 'upper panel: ρₜ (log) · lower panel: rₜ';
  }

  protected override optionSignature(): string {
    return this.ctx.state().stepScale;
  }

  protected override refreshExtras(): boolean {
    const runs = this.ctx.runs();
    return this.marks.refresh({ bands: bandsOf(runs), thresholds: thresholdsOf(runs), theme: this.ctx.theme() });
  }

  protected scales(): ChartOptions<'line'>['scales'] {
    const theme = this.ctx.theme();
    return {
      x: stepAxis(theme, this.ctx.state().stepScale),
      // Two panels sharing the step axis (chart.js stacked scales): rho_t above, r_t below. On one
      // shared area a log rho_t and a linear r_t trace nearly the same curve for beta2 = 0.999.
      // (Not named 'r': chart.js takes a scale called 'r' for a radial axis.)
      // (chart.js stacks the scales listed later above the earlier ones.)
      rt: valueAxis(theme, 'linear', 'rₜ', { axis: 'y', position: 'left', stack: 'rect', stackWeight: 2, offset: true, min: 0, max: 1, afterFit: fixWidth(AXIS_LEFT) }),
      rho: valueAxis(theme, 'log', 'ρₜ', { axis: 'y', position: 'left', stack: 'rect', stackWeight: 3, offset: true, min: 1, afterFit: fixWidth(AXIS_LEFT) }),
    };
  }

  override testData(): ChartTestData {
    return { ...super.testData(), bands: (this.marks.marks?.bands ?? []).map((b) => ({ from: b.from, to: b.to, rectifiedAt: b.rectifiedAt })), thresholds: this.marks.marks?.thresholds ?? [] };
  }
}
