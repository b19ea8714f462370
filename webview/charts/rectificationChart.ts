// rho_t (left axis, logarithmic: it runs from 1 at step 1 up to rho_inf = 2/(1-beta2) - 1) and r_t
// (right axis, 0..1; absent before rectification) against step, the rectification threshold marked
// on the rho axis and the un-rectified steps shaded. The step axis can be logarithmic, which is where
// the first few hundred steps (warmup, rectification) become visible; the learning-rate chart follows.
import type { ChartOptions, Plugin } from 'chart.js';
import { checkbox } from '../components/toolkit';
import { AXIS_LEFT, AXIS_RIGHT, fixWidth, stepAxis, valueAxis } from './chartjs';
import { bandsOf, marksSignature, rectificationPlugin, thresholdsOf, type Marks } from './rectificationMarks';
import { RunLinesChart } from './runLines';
import type { ChartTestData, ViewContext } from './view';

export class RectificationChart extends RunLinesChart {
  private marks: Marks | undefined;
  private marksSig = '';

  constructor(ctx: ViewContext) {
    super('rho-r', 'ρₜ and rₜ', ctx, [
      { key: 'rho', series: 'rhoT', yAxisID: 'rho', label: (r) => `${r.label} ρₜ`, positiveOnly: () => true, style: () => ({ borderWidth: 2 }) },
      { key: 'r', series: 'rT', yAxisID: 'r', label: (r) => `${r.label} rₜ`, style: () => ({ borderWidth: 1.5, borderDash: [6, 3] }) },
    ]);
    this.marks = { bands: [], thresholds: [], theme: ctx.theme() };
    this.card.controls.append(
      checkbox('Log step axis', ctx.state().stepScale === 'log', (on) => ctx.update({ stepScale: on ? 'log' : 'linear' }), {
        testId: 'step-log-scale',
        title: 'Logarithmic step axis for the ρₜ/rₜ and learning-rate charts (shows warmup and rectification)',
      }),
    );
    this.card.footer.textContent = 'Shaded: steps before rectification (ρₜ ≤ threshold: RAdam applies un-adapted momentum). Dashed vertical line: first rectified step.';
  }

  protected override plugins(): Plugin<'line'>[] {
    return [rectificationPlugin(() => this.marks, 'rho')];
  }

  protected override legendKey(): string {
    return 'solid: ρₜ (left axis) · dashed: rₜ (right axis)';
  }

  protected override optionSignature(): string {
    return this.ctx.state().stepScale;
  }

  protected override refreshExtras(): boolean {
    const runs = this.ctx.runs();
    const m: Marks = { bands: bandsOf(runs), thresholds: thresholdsOf(runs), theme: this.ctx.theme() };
    const sig = marksSignature(m);
    this.marks = m;
    if (sig === this.marksSig) return false;
    this.marksSig = sig;
    return true;
  }

  protected scales(): ChartOptions<'line'>['scales'] {
    const theme = this.ctx.theme();
    return {
      x: stepAxis(theme, this.ctx.state().stepScale),
      rho: valueAxis(theme, 'log', 'ρₜ', { position: 'left', min: 1, afterFit: fixWidth(AXIS_LEFT) }),
      r: valueAxis(theme, 'linear', 'rₜ', { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false }, afterFit: fixWidth(AXIS_RIGHT) }),
    } as ChartOptions<'line'>['scales'];
  }

  override testData(): ChartTestData {
    return { ...super.testData(), bands: (this.marks?.bands ?? []).map((b) => ({ from: b.from, to: b.to, rectifiedAt: b.rectifiedAt })), thresholds: this.marks?.thresholds ?? [] };
  }
}
