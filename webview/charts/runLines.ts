// A line chart with a few series per shown run (one colour per run), fed from the run store through
// SeriesFeeds. The loss, rho/r and learning-rate charts are thin subclasses.
// (~320 lines as one module: one chart.js chart's datasets, axis, legend and hover read-out, which all
// follow the same bindings; downsampling is ./feed.ts, drag and crosshair ./stepOverlay.ts.)
import type { ChartDataset, ChartOptions, Plugin } from 'chart.js';
import { rgba } from '../data/colors';
import type { XYColumn } from '../data/columns';
import { rangePoints, valueAt, type RangePoints } from '../data/rangeDetail';
import type { RunSeries, SeriesName } from '../data/runStore';
import { fmt } from '../data/summary';
import { indexRange, nearestIndex } from '../data/viewRange';
import { canvasPng, chartCard, setDataAttrs, type Card } from './card';
import { baseOptions, createChart, type Chart, type XY } from './chartjs';
import { pointsForWidth, SeriesFeed } from './feed';
import { StepOverlay } from './stepOverlay';
import type { ChartTestData, ChartView, HoverData, RunView, ViewContext } from './view';

export interface LineSpec {
  /** Short key, unique in the chart ("raw", "smoothed", "val"...). */
  key: string;
  series: SeriesName;
  /** Another column than `series` (a scalar tag charted on demand); undefined: nothing to draw. */
  column?(data: RunSeries): XYColumn | undefined;
  label(run: RunView): string;
  yAxisID?: string;
  /** Only points with y > 0 (for a logarithmic axis). */
  positiveOnly?(): boolean;
  /** Shown in the legend (default true). */
  legend?: boolean;
  style(run: RunView): Partial<ChartDataset<'line', XY[]>>;
  /** Drawn only while this holds (checked when the options signature changes). */
  when?(): boolean;
}

interface Binding {
  run: RunView;
  spec: LineSpec;
  feed: SeriesFeed;
  dataset: ChartDataset<'line', XY[]>;
}

export abstract class RunLinesChart implements ChartView {
  readonly element: HTMLElement;
  readonly minIntervalMs: number = 0;
  /** Draws a canvas (../scheduler.ts: at most one such view per frame). */
  readonly heavy = true;
  protected readonly card: Card;
  protected chart: Chart<'line'>;
  private bindings: Binding[] = [];
  private signature = '';
  /** Runs hidden in this chart by a click on the legend. */
  private readonly hiddenRuns = new Set<string>();
  private readonly legend: HTMLElement;
  private readonly overlay: StepOverlay;
  private hover: HoverData | null = null;
  private hoverStep: number | null = null;
  /** The step axis held still during a drag (a streaming run would otherwise stretch it under the pointer). */
  private heldAxis: { min: number; max: number } | null = null;

  constructor(
    readonly name: string,
    title: string,
    protected readonly ctx: ViewContext,
    private readonly specs: LineSpec[],
  ) {
    this.card = chartCard(name, title, () => ctx.exportPng(name, canvasPng(this.chart.canvas, ctx.theme())));
    this.element = this.card.root;
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    this.card.root.insertBefore(this.legend, this.card.body);
    this.chart = createChart(this.card.canvas, { type: 'line', data: { datasets: [] }, options: this.options(), plugins: this.plugins() });
    this.overlay = new StepOverlay(
      this.card.body,
      this.card.canvas,
      {
        geometry: () => (this.chart.chartArea && this.chart.scales.x ? { scale: this.chart.scales.x, area: this.chart.chartArea } : null),
        onDrag: (dragging) => {
          const x = this.chart.scales.x;
          this.heldAxis = dragging && x ? { min: x.min, max: x.max } : null;
        },
        onSelect: (range) => ctx.setViewRange(range),
        onReset: () => ctx.setViewRange(null),
        onHover: (step) => ctx.hover(step),
      },
      name,
    );
  }

  /** The chart's scales (and anything else that depends on the view state). */
  protected abstract scales(): ChartOptions<'line'>['scales'];
  /** Extra text that, when it changes, rebuilds options and datasets. */
  protected optionSignature(): string {
    return '';
  }
  protected plugins(): Plugin<'line'>[] {
    return [];
  }
  /** Leading points drawn without downsampling (see SeriesFeed.fill). */
  protected denseHead(): number {
    return 0;
  }
  /** How to read the line styles, shown after the legend's runs (e.g. "dashed: validation"). */
  protected legendKey(): string {
    return '';
  }
  /** Called each render before update(); subclasses refresh plugin inputs here. */
  protected beforeUpdate(): void {}

  private options(): ChartOptions<'line'> {
    const theme = this.ctx.theme();
    const o = baseOptions(theme);
    o.scales = this.scales();
    // The legend is HTML (built when the runs change, not on every update).
    o.plugins!.legend = { display: false };
    // Hover and drag are handled by the step overlay (values at the step for every run, shared by
    // all charts): chart.js's own tooltip and event handling are off.
    o.plugins!.tooltip = { enabled: false };
    o.events = [];
    return o;
  }

  render(): void {
    const runs = this.ctx.runs();
    const sig = runs.map((r) => `${r.id}/${r.slot}/${r.label}`).join('|') + '#' + this.optionSignature();
    let changed = false;
    if (sig !== this.signature) {
      this.signature = sig;
      this.rebuild(runs);
      changed = true;
    }
    const byId = new Map(runs.map((r) => [r.id, r]));
    // Zoomed: the axis shows the shared range whatever streams in, drawn from every point in it.
    const range = this.ctx.state().viewRange;
    const x = this.chart.options.scales!.x as { min?: number; max?: number; type?: string };
    const min = range ? (x.type === 'logarithmic' ? Math.max(range.from, 1) : range.from) : this.heldAxis?.min;
    const max = range ? range.to : this.heldAxis?.max;
    if (x.min !== min || x.max !== max) {
      x.min = min;
      x.max = max;
      changed = true;
    }
    const area = this.chart.chartArea;
    const target = pointsForWidth(area ? area.right - area.left : this.chart.width, window.devicePixelRatio);
    for (const b of this.bindings) {
      b.feed.setTarget(target);
      b.run = byId.get(b.run.id) ?? b.run;
      const data = b.run.data;
      if (!data) {
        if (b.feed.points.length) {
          b.feed.clear();
          changed = true;
        }
        continue;
      }
      const column = b.spec.column ? b.spec.column(data) : data.series[b.spec.series];
      if (!column) {
        if (b.feed.points.length) {
          b.feed.clear();
          changed = true;
        }
        continue;
      }
      const positive = b.spec.positiveOnly?.() ?? false;
      // A spec's own column (a scalar tag of an imported run) has no full-resolution detail: its held points.
      const inRange = range && (b.spec.column ? columnRange(column, range) : rangePoints(data, b.spec.series, range));
      if (inRange ? b.feed.fillRange(inRange, positive) : b.feed.fill(column, positive, this.denseHead())) changed = true;
    }
    changed = this.refreshExtras() || changed;
    if (!changed) return;
    this.beforeUpdate();
    this.chart.update('none');
    let points = 0;
    let lastStep = -Infinity;
    let series = 0;
    for (const b of this.bindings) {
      const n = b.feed.points.length;
      points += n;
      if (n) {
        series++;
        lastStep = Math.max(lastStep, b.feed.points[n - 1].x);
      }
    }
    setDataAttrs(this.card.root, { points, lastStep: series ? lastStep : null, series, xMin: this.chart.scales.x?.min ?? null, xMax: this.chart.scales.x?.max ?? null });
    // The axis may have moved under the crosshair.
    if (this.hoverStep !== null) this.showHover(this.hoverStep);
  }

  /** The crosshair at `step` and each shown series' recorded value nearest it (from full-resolution data). */
  showHover(step: number | null): void {
    this.hoverStep = step;
    if (step === null) {
      this.hover = null;
      this.overlay.show(null);
      return;
    }
    const rows: HoverData['rows'] = [];
    const lines: Array<{ color: string; text: string }> = [];
    for (const b of this.bindings) {
      const data = b.run.data;
      if (!data || this.hiddenRuns.has(b.run.id)) continue;
      const own = b.spec.column?.(data);
      const v = b.spec.column ? (own ? columnValueAt(own, step) : null) : valueAt(data, b.spec.series, step);
      if (!v) continue;
      rows.push({ runId: b.run.id, kind: b.spec.key, label: String(b.dataset.label), step: v.step, value: v.value });
      lines.push({ color: rgba(b.run.color), text: `${String(b.dataset.label)}: ${fmt(v.value, 5)}${v.step !== step ? ` (step ${v.step})` : ''}` });
    }
    this.hover = { step, rows };
    this.overlay.show(step, `step ${step}`, lines);
  }

  private buildLegend(runs: RunView[]): void {
    this.legend.textContent = '';
    for (const run of runs) {
      const item = document.createElement('button');
      item.className = 'legend-item' + (this.hiddenRuns.has(run.id) ? ' off' : '');
      item.type = 'button';
      item.title = this.hiddenRuns.has(run.id) ? 'Show in this chart' : 'Hide in this chart';
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = rgba(run.color);
      item.append(sw, run.label);
      item.addEventListener('click', () => {
        if (this.hiddenRuns.has(run.id)) this.hiddenRuns.delete(run.id);
        else this.hiddenRuns.add(run.id);
        this.signature = '';
        this.render();
      });
      this.legend.append(item);
    }
    const key = this.legendKey();
    if (key && runs.length) {
      const k = document.createElement('span');
      k.className = 'legend-key muted';
      k.textContent = key;
      this.legend.append(k);
    }
  }

  /** Subclasses: refresh non-dataset inputs (bands, thresholds); return true when they changed. */
  protected refreshExtras(): boolean {
    return false;
  }

  private rebuild(runs: RunView[]): void {
    const old = new Map(this.bindings.map((b) => [`${b.run.id}/${b.spec.key}`, b]));
    this.bindings = [];
    for (const spec of this.specs) {
      if (spec.when && !spec.when()) continue;
      for (const run of runs) {
        const prev = old.get(`${run.id}/${spec.key}`);
        const feed = prev && prev.run.slot === run.slot ? prev.feed : new SeriesFeed();
        const dataset: ChartDataset<'line', XY[]> = {
          label: spec.label(run),
          data: feed.points,
          yAxisID: spec.yAxisID,
          borderColor: rgba(run.color),
          backgroundColor: rgba(run.color),
          pointRadius: 0,
          hidden: this.hiddenRuns.has(run.id),
          ...spec.style(run),
        };
        this.bindings.push({ run, spec, feed, dataset });
      }
    }
    // A new feed starts empty; force every feed to refill on this render.
    for (const b of this.bindings) b.feed.clear();
    this.chart.data.datasets = this.bindings.map((b) => b.dataset);
    this.chart.options = this.options();
    this.buildLegend(runs);
  }

  themeChanged(): void {
    this.signature = '';
    this.render();
  }

  testData(): ChartTestData {
    let points = 0;
    let lastStep: number | null = null;
    const series = this.bindings.map((b) => {
      const pts = b.feed.points;
      points += pts.length;
      const lastX = pts.length ? pts[pts.length - 1].x : null;
      if (lastX !== null && (lastStep === null || lastX > lastStep)) lastStep = lastX;
      return { label: String(b.dataset.label), runId: b.run.id, kind: b.spec.key, points: pts.length, firstX: pts.length ? pts[0].x : null, lastX };
    });
    const x = this.chart.scales.x;
    const a = this.chart.chartArea;
    // The plot area in canvas CSS pixels: where a test drags and hovers.
    const area = a ? { left: a.left, right: a.right, top: a.top, bottom: a.bottom } : null;
    return { name: this.name, points, lastStep, series, xMin: x ? x.min : null, xMax: x ? x.max : null, hover: this.hover, area, xScale: x?.type ?? null };
  }

  /** The last step drawn per run (for latency measurements). */
  lastStepByRun(): Map<string, number> {
    const m = new Map<string, number>();
    for (const b of this.bindings) {
      const x = b.feed.lastX;
      if (x !== null && x > (m.get(b.run.id) ?? -Infinity)) m.set(b.run.id, x);
    }
    return m;
  }
}

/** An id per column object: a tag's column is replaced on reset, and the feed's key must change then. */
const columnIds = new WeakMap<XYColumn, number>();
let nextColumnId = 0;

/** A spec's own column in a step range, as the feed takes it. */
function columnRange(col: XYColumn, range: { from: number; to: number }): RangePoints {
  const [lo, hi] = indexRange(col.xs, col.length, range);
  let id = columnIds.get(col);
  if (id === undefined) columnIds.set(col, (id = nextColumnId++));
  return { xs: col.xs, ys: col.ys, lo, hi, key: `c${id}.${col.generation}:${lo}:${hi}`, base: `c${id}.${col.generation}:${lo}` };
}

/** The point of a spec's own column nearest `step`. */
function columnValueAt(col: XYColumn, step: number): { step: number; value: number } | null {
  const i = nearestIndex(col.xs, col.length, step);
  return i < 0 ? null : { step: col.xs[i], value: col.ys[i] };
}
