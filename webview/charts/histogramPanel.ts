// Gradient-magnitude histograms over time, one card per shown run (side by side, like the paper's
// Figure 2 comparing Adam, Adam with warmup and RAdam), in the ridgeline or the heatmap view, with a
// step slider (the ridgeline shows the slices up to that step; the heatmap marks it) and a layer
// choice when the trainer recorded per-layer histograms.
import { ALL_LAYERS } from '../data/runStore';
import { heatmapGrid, ridgeline, slicesInRange, type HistogramSeries, type RidgelineShape } from '../data/histograms';
import type { ViewRange } from '../../src/protocol/webview';
import { rgba } from '../data/colors';
import { fmt } from '../data/summary';
import { button, dropdown, radioGroup, type Choice } from '../components/toolkit';
import { el, slider } from '../components/native';
import { canvasPng, setDataAttrs } from './card';
import { createChart, type Chart } from './chartjs';
import { HeatmapLayer, heatmapOptions, updateHeatmapAxes } from './heatmap';
import { RidgelineLayer, ridgelineOptions, updateRidgelineAxes } from './ridgeline';
import { StepOverlay } from './stepOverlay';
import type { ChartTestData, ChartView, RunView, ViewContext } from './view';

/** Slices drawn in the ridgeline view. */
const RIDGES = 36;

type Mode = 'ridgeline' | 'heatmap';

class HistogramCard {
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

  constructor(
    private run: RunView,
    private readonly ctx: ViewContext,
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
    this.canvas.addEventListener('mousemove', (e) => this.showCell(e));
    this.canvas.addEventListener('mouseleave', () => (this.readout.textContent = ''));
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
  xAxis(): { min: number; max: number } | null {
    return this.chart && this.mode === 'heatmap' && this.chart.scales.x ? { min: this.chart.scales.x.min, max: this.chart.scales.x.max } : null;
  }

  private showCell(e: MouseEvent): void {
    if (!this.chart) return;
    const rect = this.canvas.getBoundingClientRect();
    const xv = this.chart.scales.x.getValueForPixel(e.clientX - rect.left) ?? NaN;
    const yv = this.chart.scales.y.getValueForPixel(e.clientY - rect.top) ?? NaN;
    if (this.mode === 'ridgeline') {
      this.readout.textContent = this.ridges.at(yv, xv);
      return;
    }
    const cell = this.heat.cellAt(xv, yv);
    this.readout.textContent = cell
      ? `step ${cell.step} · ln|g| in [${fmt(cell.lo, 3)}, ${fmt(cell.hi, 3)}) · intensity ${fmt(cell.value, 3)} (log count, 1 = the most)`
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

export class HistogramPanel implements ChartView {
  readonly name = 'histograms';
  readonly element: HTMLElement;
  /** While data streams; a user action redraws at once (see ../scheduler.ts). */
  readonly minIntervalMs = 300;
  /** Draws canvases (../scheduler.ts: at most one heavy view per frame). */
  readonly heavy = true;
  private readonly grid: HTMLElement;
  private readonly cards = new Map<string, HistogramCard>();
  private readonly layerSelect: ReturnType<typeof dropdown>;
  private readonly stepSlider: ReturnType<typeof slider>;
  private readonly viewSwitch: ReturnType<typeof radioGroup>;
  private readonly empty: HTMLElement;
  private range: [number, number] = [0, 0];

  constructor(private readonly ctx: ViewContext) {
    const root = el('section', { class: 'chart-card histograms', 'data-chart': 'histograms', 'data-testid': 'chart-histograms' });
    const header = el('header');
    header.append(el('h3', {}, 'Gradient magnitudes over time'));
    const controls = el('div', { class: 'chart-controls' });
    const s = ctx.state();
    this.viewSwitch = radioGroup(
      [
        { value: 'ridgeline', label: 'Ridgeline' },
        { value: 'heatmap', label: 'Heatmap' },
      ],
      s.histogramView,
      (v) => ctx.update({ histogramView: v === 'heatmap' ? 'heatmap' : 'ridgeline' }),
      { testId: 'histogram-view', label: 'Histogram view' },
    );
    this.layerSelect = dropdown([{ value: ALL_LAYERS, label: 'All parameters' }], s.histogramLayer, (v) => ctx.update({ histogramLayer: v }), {
      testId: 'histogram-layer',
      title: 'Layer',
    });
    this.stepSlider = slider(
      { min: 0, max: 0, step: 1, value: 0, label: 'Step', testId: 'histogram-step', format: (v) => (this.ctx.state().histogramStep === null ? `latest (${v})` : String(v)) },
      (v) => ctx.update({ histogramStep: v >= this.range[1] ? null : v }),
    );
    controls.append(this.viewSwitch, this.layerSelect, this.stepSlider);
    header.append(controls);
    this.grid = el('div', { class: 'hist-grid' });
    this.empty = el('p', { class: 'empty' }, 'No gradient histograms yet: runs record them every radam.metrics.histogramEvery steps.');
    root.append(header, this.empty, this.grid);
    this.element = root;
  }

  /** Redraws at most one card per call (returns false while others still need it: next frame). */
  render(): boolean {
    const s = this.ctx.state();
    const runs = this.ctx.runs();
    // Cards follow the shown runs.
    const ids = new Set(runs.map((r) => r.id));
    for (const [id, card] of this.cards) {
      if (ids.has(id)) continue;
      card.destroy();
      this.cards.delete(id);
    }
    runs.forEach((r, i) => {
      let card = this.cards.get(r.id);
      if (!card) this.cards.set(r.id, (card = new HistogramCard(r, this.ctx)));
      if (this.grid.children[i] !== card.root) this.grid.insertBefore(card.root, this.grid.children[i] ?? null);
    });
    // Layers recorded by any shown run.
    const layers = new Set<string>();
    for (const r of runs) for (const l of r.data?.layers() ?? []) layers.add(l);
    layers.add(ALL_LAYERS);
    const choices: Choice[] = [...layers].sort().map((l) => ({ value: l, label: l === ALL_LAYERS ? 'All parameters' : l }));
    const layer = layers.has(s.histogramLayer) ? s.histogramLayer : ALL_LAYERS;
    this.layerSelect.setOptions(choices, layer);
    this.layerSelect.hidden = choices.length < 2;
    // The slider spans the recorded steps of the chosen layer over all shown runs.
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of runs) {
      const series = r.data?.histograms.get(layer);
      if (series?.slices.length) {
        lo = Math.min(lo, series.slices[0].step);
        hi = Math.max(hi, series.lastStep);
      }
    }
    const hasData = Number.isFinite(lo);
    this.range = hasData ? [lo, hi] : [0, 0];
    const upTo = s.histogramStep === null ? null : Math.min(Math.max(s.histogramStep, this.range[0]), this.range[1]);
    this.stepSlider.setRange(this.range[0], this.range[1], upTo ?? this.range[1]);
    this.stepSlider.hidden = !hasData;
    this.empty.hidden = hasData;
    this.viewSwitch.setValue(s.histogramView);
    // Round robin from the card after the last one drawn, so every run's card keeps up.
    let drawn = 0;
    let more = false;
    const start = this.next;
    for (let k = 0; k < runs.length; k++) {
      const r = runs[(start + k) % runs.length];
      if (drawn) {
        more = this.cards.get(r.id)!.needsRender(r, s.histogramView, layer, upTo, s.viewRange) || more;
        continue;
      }
      if (this.cards.get(r.id)!.render(r, s.histogramView, layer, upTo, s.viewRange)) {
        drawn++;
        this.next = (start + k + 1) % runs.length;
      }
    }
    const t = this.testData();
    setDataAttrs(this.element, { view: s.histogramView, points: t.points, lastStep: t.lastStep, slices: t.slices as number, layer });
    return !more;
  }

  private next = 0;

  /** The shared hover step as a crosshair on each heatmap (its cells are read in the card's footer). */
  showHover(step: number | null): void {
    for (const card of this.cards.values()) card.overlay.show(step);
  }

  themeChanged(): void {
    // Cards notice the new theme in their keys and redraw on the next frames.
  }

  testData(): ChartTestData {
    const s = this.ctx.state();
    let points = 0;
    let slices = 0;
    let lastStep: number | null = null;
    const series: ChartTestData['series'] = [];
    for (const [id, card] of this.cards) {
      slices += card.slices;
      if (card.lastStep !== null && (lastStep === null || card.lastStep > lastStep)) lastStep = card.lastStep;
      let n = 0;
      let firstX: number | null = null;
      let lastX: number | null = null;
      if (s.histogramView === 'ridgeline' && card.shape) {
        n = card.shape.lines.reduce((a, l) => a + l.xs.length, 0);
        firstX = card.shape.lines.length ? card.shape.lines[0].step : null;
        lastX = card.shape.lines.length ? card.shape.lines[card.shape.lines.length - 1].step : null;
      } else if (card.heat.grid) {
        n = card.heat.grid.cols * card.heat.grid.rows;
        firstX = card.heat.grid.steps[0] ?? null;
        lastX = card.heat.grid.steps[card.heat.grid.steps.length - 1] ?? null;
      }
      points += n;
      series.push({ label: id, runId: id, kind: s.histogramView, points: n, firstX, lastX });
    }
    const axes = [...this.cards].map(([runId, card]) => ({ runId, ...(card.xAxis() ?? { min: null, max: null }) }));
    return { name: this.name, points, lastStep, series, view: s.histogramView, slices, layer: s.histogramLayer, axes };
  }

  /** Time of the last heatmap paint per card (ms). */
  paintTimes(): number[] {
    return [...this.cards.values()].map((c) => c.heat.lastPaintMs);
  }
}

