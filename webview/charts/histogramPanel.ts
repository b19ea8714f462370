// Gradient-magnitude histograms over time, one card per shown run (side by side, like the paper's
// Figure 2 comparing Adam, Adam with warmup and RAdam), in the ridgeline or the heatmap view, with a
// step slider (the ridgeline shows the slices up to that step; the heatmap marks it) and a layer
// choice when the trainer recorded per-layer histograms.
import { ALL_LAYERS } from '../data/runStore';
import { dropdown, radioGroup, type Choice } from '../components/toolkit';
import { el, slider } from '../components/native';
import { setDataAttrs } from './card';
import { HistogramCard } from './histogramCard';
import type { ChartTestData, ChartView, ViewContext } from './view';

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
  /** The heatmap cell under the pointer (step, ln|g|), read out on every card; null: none. */
  private cellHover: { step: number; lng: number } | null = null;

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
      if (!card) this.cards.set(r.id, (card = new HistogramCard(r, this.ctx, (at) => this.hoverCell(at))));
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
    // A card drawn again (new slices, another view) reads its cell out again.
    if (drawn && this.cellHover) this.hoverCell(this.cellHover);
    const t = this.testData();
    setDataAttrs(this.element, { view: s.histogramView, points: t.points, lastStep: t.lastStep, slices: t.slices as number, layer });
    return !more;
  }

  private next = 0;

  /** The shared hover step as a crosshair on each heatmap (its cells are read in the card's footer). */
  showHover(step: number | null): void {
    for (const card of this.cards.values()) card.overlay.show(step);
  }

  /** Shows the heatmap cell at (step, ln|g|) of every shown run, each under its card (null: clears them). */
  hoverCell(at: { step: number; lng: number } | null): void {
    this.cellHover = at;
    for (const card of this.cards.values()) card.showCellAt(at);
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
    const cells = this.cellHover ? { ...this.cellHover, rows: [...this.cards.values()].flatMap((c) => (c.cell ? [c.cell] : [])) } : null;
    return { name: this.name, points, lastStep, series, view: s.histogramView, slices, layer: s.histogramLayer, axes, cells };
  }

  /** Time of the last heatmap paint per card (ms). */
  paintTimes(): number[] {
    return [...this.cards.values()].map((c) => c.heat.lastPaintMs);
  }
}

