// One run's card in the gradient-histogram panel (./histogramPanel.ts): its canvas in the ridgeline or
// the heatmap view, the read-out under it (the ridge or the heatmap cell under the pointer; on the
// heatmap, the same step and bin of every shown run, so runs are compared cell by cell), and the step
// overlay that zooms and hovers like the line charts.
import { ALL_LAYERS } from '../data/runStore';
import { heatmapGrid, ridgeline, slicesInRange, type HeatmapCell, type HistogramSeries, type RidgelineShape } from '../data/histograms';
import type { ViewRange } from '../../src/protocol/webview';
import { rgba } from '../data/colors';
import { fmt } from '../data/summary';
import { button } from '../components/toolkit';
import { el } from '../components/native';
import { canvasPng, setDataAttrs } from './card';
import { createChart, type Chart } from './chartjs';
import { HeatmapLayer, heatmapOptions, updateHeatmapAxes } from './heatmap';
import { RidgelineLayer, ridgelineOptions, updateRidgelineAxes } from './ridgeline';
import { StepOverlay } from './stepOverlay';
import type { RunView, ViewContext } from './view';

/** A share of the values as a percentage with enough digits to tell small bins apart. */
function fmtShare(f: number): string {
  const pct = 100 * f;
  return `${pct >= 10 ? pct.toFixed(1) : pct >= 0.1 ? pct.toFixed(2) : pct > 0 ? pct.toExponential(1) : '0'}%`;
}

/** Slices drawn in the ridgeline view. */
const RIDGES = 36;

export type Mode = 'ridgeline' | 'heatmap';

export class HistogramCard {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly body: HTMLElement;
  private readonly readout: HTMLElement;
  readonly overlay: StepOverlay;
  private chart: Chart<'line'> | null = null;
  private mode: Mode | null = null;
  private themeKey = '';
  private key = '';
  readonly heat = new HeatmapLayer();
  readonly ridges = new RidgelineLayer();
  shape: RidgelineShape | null = null;
  slices = 0;
  lastStep: number | null = null;

  /** What the heatmap's hover reads out for this card's run (null: nothing hovered, or no cell there). */
  cell: (HeatmapCell & { runId: string }) | null = null;

  /**
   * `onCell`: the pointer is over this card's heatmap at (step, ln|g|), or left it (null); the panel then
   * shows that cell on every card (showCellAt).
   */
  constructor(
    private run: RunView,
    private readonly ctx: ViewContext,
    private readonly onCell: (at: { step: number; lng: number } | null) => void,
  ) {
    this.root = el('div', { class: 'hist-card', 'data-run-id': run.id });
    const header = el('div', { class: 'hist-card-header' });
    this.title = el('span', { class: 'hist-card-title' });
    header.append(
      this.title,
      button('PNG', () => this.chart && ctx.exportPng(`histogram-${this.run.slot}`, canvasPng(this.chart.canvas, ctx.theme())), {
        secondary: true,
        testId: `export-png-histogram-${run.slot}`,
        title: 'Save this histogram chart as PNG',
      }),
    );
    const body = el('div', { class: 'chart-body' });
    this.body = body;
    this.canvas = el('canvas');
    body.append(this.canvas);
    this.readout = el('div', { class: 'chart-footer' });
    this.root.append(header, body, this.readout);
    this.canvas.addEventListener('mousemove', (e) => this.pointerAt(e));
    this.canvas.addEventListener('mouseleave', () => (this.mode === 'heatmap' ? this.onCell(null) : (this.readout.textContent = '')));
    // The heatmap's x axis is the step: it zooms like the line charts (the ridgeline's is ln|g|).
    this.overlay = new StepOverlay(
      body,
      this.canvas,
      {
        geometry: () => (this.chart && this.mode === 'heatmap' && this.chart.chartArea ? { scale: this.chart.scales.x, area: this.chart.chartArea } : null),
        active: () => this.mode === 'heatmap',
        onSelect: (range) => ctx.setViewRange(range),
        onReset: () => ctx.setViewRange(null),
        onHover: (step) => ctx.hover(step),
      },
      `histogram-${run.id}`,
    );
  }

  /** The step axis as drawn (heatmap view only). */
  xAxis(): { min: number; max: number; yMin: number; yMax: number; area: { left: number; right: number; top: number; bottom: number } } | null {
    const c = this.chart;
    if (!c || this.mode !== 'heatmap' || !c.scales.x || !c.scales.y || !c.chartArea) return null;
    const { left, right, top, bottom } = c.chartArea;
    // The plot area in canvas CSS pixels and the ln|g| axis: where a test hovers a cell.
    return { min: c.scales.x.min, max: c.scales.x.max, yMin: c.scales.y.min, yMax: c.scales.y.max, area: { left, right, top, bottom } };
  }

  private pointerAt(e: MouseEvent): void {
    if (!this.chart) return;
    const rect = this.canvas.getBoundingClientRect();
    const xv = this.chart.scales.x.getValueForPixel(e.clientX - rect.left) ?? NaN;
    const yv = this.chart.scales.y.getValueForPixel(e.clientY - rect.top) ?? NaN;
    if (this.mode === 'ridgeline') {
      this.readout.textContent = this.ridges.at(yv, xv);
      return;
    }
    this.onCell(Number.isFinite(xv) && Number.isFinite(yv) ? { step: xv, lng: yv } : null);
  }

  /** The heatmap cell of this card's run at (step, ln|g|) in the read-out under the chart (null: none). */
  showCellAt(at: { step: number; lng: number } | null): void {
    if (this.mode !== 'heatmap') return;
    const cell = at ? this.heat.cellAt(at.step, at.lng) : null;
    this.cell = cell ? { ...cell, runId: this.run.id } : null;
    this.readout.textContent = cell
      ? `step ${cell.step} · ln|g| in [${fmt(cell.lo, 3)}, ${fmt(cell.hi, 3)}) · ${fmtShare(cell.fraction)} of the values (${Math.round(cell.count).toLocaleString('en-US')} of ${Math.round(cell.total).toLocaleString('en-US')})`
      : at
        ? 'no histogram at this step and magnitude'
        : '';
  }

  private keyOf(run: RunView, mode: Mode, layer: string, upTo: number | null, range: ViewRange | null): string {
    const theme = this.ctx.theme();
    const series = run.data?.histograms.get(layer);
    return [mode, layer, upTo, range ? `${range.from}-${range.to}` : '', series?.version ?? -1, run.label, theme.background.join(), theme.foreground, theme.grid, run.slot].join('|');
  }

  needsRender(run: RunView, mode: Mode, layer: string, upTo: number | null, range: ViewRange | null): boolean {
    return !this.chart || this.keyOf(run, mode, layer, upTo, range) !== this.key;
  }

  /** Redraws if anything it shows changed; returns whether it did. `range`: the zoomed steps, or null. */
  render(run: RunView, mode: Mode, layer: string, upTo: number | null, range: ViewRange | null): boolean {
    this.run = run;
    const series: HistogramSeries | undefined = run.data?.histograms.get(layer);
    const theme = this.ctx.theme();
    const themeKey = [theme.background.join(), theme.foreground, theme.grid, run.slot].join('|');
    const key = this.keyOf(run, mode, layer, upTo, range);
    if (key === this.key && this.chart) return false;
    this.key = key;
    // Zoomed: only the range's slices, so the heatmap's columns (up to 1,000) and the ridges are its own.
    const slices = slicesInRange(series?.slices ?? [], range);
    this.slices = slices.length;
    this.lastStep = slices.length ? slices[slices.length - 1].step : null;
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = rgba(run.color);
    this.title.textContent = '';
    this.title.append(swatch, run.label, el('span', { class: 'muted' }, slices.length ? ` · ${slices.length} slices to step ${this.lastStep}` : ' · no histograms yet'));
    this.body.classList.toggle('empty-chart', !slices.length);
    const layerLabel = layer === ALL_LAYERS ? 'all parameters' : layer;
    if (this.mode !== mode || !this.chart || this.themeKey !== themeKey) {
      this.chart?.destroy();
      this.mode = mode;
      this.themeKey = themeKey;
      this.readout.textContent = '';
      this.cell = null;
      this.chart = createChart(this.canvas, {
        type: 'line',
        data: { datasets: [] },
        options: mode === 'heatmap' ? heatmapOptions(theme, layerLabel) : ridgelineOptions(theme, layerLabel),
        plugins: [mode === 'heatmap' ? this.heat.plugin(() => this.ctx.theme()) : this.ridges.plugin()],
      });
    }
    const chart = this.chart;
    if (mode === 'ridgeline') {
      const shape = ridgeline(slices, upTo ?? Infinity, RIDGES);
      this.shape = shape;
      this.ridges.set(shape, run.color, theme);
      updateRidgelineAxes(chart, shape, layerLabel);
    } else {
      this.heat.setColors(run.color, theme);
      this.heat.paint(heatmapGrid(slices, 1000));
      this.heat.markStep = upTo;
      updateHeatmapAxes(chart, this.heat, layerLabel, range);
    }
    chart.update('none');
    setDataAttrs(this.root, { slices: this.slices, lastStep: this.lastStep, view: mode });
    return true;
  }

  destroy(): void {
    this.chart?.destroy();
    this.root.remove();
  }
}
