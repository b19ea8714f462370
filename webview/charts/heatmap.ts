// The heatmap view of gradient-magnitude histograms: step across, ln|g| up, colour = count (log
// scale). Drawn as pixels: the grid (one column per slice, one row per bin) is written into an
// ImageData with putImageData on a small offscreen canvas, then scaled into the chart area without
// smoothing, under chart.js's axes. A full redraw of 1,000 x 60 cells costs about a millisecond
// (one fillRect per cell would cost 40-60 ms).
import type { Chart, ChartOptions, Plugin } from 'chart.js';
import { mix } from '../data/colors';
import { colorLut, heatmapCell, paintHeatmap, type HeatmapCell, type HeatmapGrid, type RGBA } from '../data/histograms';
import { fmt, fmtStep } from '../data/summary';
import { baseOptions } from './chartjs';
import type { Theme } from './theme';

export class HeatmapLayer {
  readonly canvas = document.createElement('canvas');
  grid: HeatmapGrid | null = null;
  /** Step marked with a vertical line (the step slider), or null. */
  markStep: number | null = null;
  private image: ImageData | null = null;
  private lut: Uint8ClampedArray = new Uint8ClampedArray(1024);
  private lutKey = '';
  /** ms spent on the last paint (for the bench and test hook). */
  lastPaintMs = 0;

  setColors(color: RGBA, theme: Theme): void {
    const key = `${color}|${theme.background}`;
    if (key === this.lutKey) return;
    this.lutKey = key;
    const bg = theme.background;
    // Background -> run colour -> a light or dark extreme, whichever contrasts with the background.
    const far: RGBA = bg[0] + bg[1] + bg[2] > 382 ? [0, 0, 0, 255] : [255, 255, 255, 255];
    this.lut = colorLut([mix(color, bg, 0.25), mix(color, bg, 0.75), color, mix(far, color, 0.6)]);
    if (this.grid) this.paint(this.grid);
  }

  paint(grid: HeatmapGrid): void {
    const t0 = performance.now();
    this.grid = grid;
    if (!grid.cols || !grid.rows) return;
    if (this.canvas.width !== grid.cols || this.canvas.height !== grid.rows || !this.image) {
      this.canvas.width = grid.cols;
      this.canvas.height = grid.rows;
      this.image = new ImageData(grid.cols, grid.rows);
    }
    paintHeatmap(grid, this.lut, this.image.data);
    this.canvas.getContext('2d')!.putImageData(this.image, 0, 0);
    this.lastPaintMs = performance.now() - t0;
  }

  /** Step range the columns cover (each column centered on its step). */
  xRange(): [number, number] {
    const g = this.grid;
    if (!g || !g.steps.length) return [0, 1];
    const first = g.steps[0];
    const last = g.steps[g.steps.length - 1];
    const half = g.steps.length > 1 ? (last - first) / (g.steps.length - 1) / 2 : Math.max(0.5, first * 0.05);
    return [first - half, last + half];
  }

  plugin(theme: () => Theme): Plugin<'line'> {
    return {
      id: 'radamHeatmap',
      beforeDatasetsDraw: (chart: Chart) => {
        const g = this.grid;
        const area = chart.chartArea;
        if (!g || !g.cols || !area) return;
        const ctx = chart.ctx;
        const x = chart.scales.x;
        const y = chart.scales.y;
        const [x0, x1] = this.xRange();
        const left = x.getPixelForValue(x0);
        const right = x.getPixelForValue(x1);
        const top = y.getPixelForValue(g.edges[g.edges.length - 1]);
        const bottom = y.getPixelForValue(g.edges[0]);
        ctx.save();
        // Zoomed, the first and last columns reach half a column past the axis: clip to the plot.
        ctx.beginPath();
        ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
        ctx.clip();
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(this.canvas, left, top, right - left, bottom - top);
        if (this.markStep !== null) {
          const px = x.getPixelForValue(this.markStep);
          if (px >= area.left && px <= area.right) {
            ctx.strokeStyle = theme().foreground;
            ctx.lineWidth = 1;
            ctx.setLineDash([4, 3]);
            ctx.beginPath();
            ctx.moveTo(px, area.top);
            ctx.lineTo(px, area.bottom);
            ctx.stroke();
          }
        }
        ctx.restore();
      },
    };
  }

  /** The cell under a point in step/ln|g| units, for the readout. */
  /** The cell at a step and ln|g| (../data/histograms.ts heatmapCell), or null. */
  cellAt(step: number, lng: number): HeatmapCell | null {
    return this.grid ? heatmapCell(this.grid, step, lng) : null;
  }
}

/** Axes for the heatmap view (set once; updateHeatmapAxes() moves them). */
export function heatmapOptions(theme: Theme, layerLabel: string): ChartOptions<'line'> {
  const o = baseOptions(theme);
  o.events = [];
  o.plugins!.legend = { display: false };
  o.plugins!.tooltip = { enabled: false };
  o.scales = {
    x: {
      type: 'linear',
      min: 0,
      max: 1,
      title: { display: true, text: 'step', color: theme.muted },
      grid: { display: false },
      // The axis runs half a column past the first and last slice: no labels for those odd bounds.
      ticks: {
        color: theme.muted,
        maxRotation: 0,
        callback: (v: number | string, i: number, ticks: Array<{ value: number }>) => {
          if (typeof v !== 'number') return v;
          if ((i === 0 || i === ticks.length - 1) && ticks.length > 3) {
            const step = ticks[2].value - ticks[1].value;
            if (Math.abs(v / step - Math.round(v / step)) > 1e-6) return '';
          }
          return fmtStep(v);
        },
      },
    },
    y: {
      type: 'linear',
      min: -20,
      max: 0,
      title: { display: true, text: `ln|g| (${layerLabel})`, color: theme.muted },
      grid: { display: false },
      ticks: { color: theme.muted, callback: (v) => (typeof v === 'number' ? fmt(v, 3) : String(v)) },
    },
  };
  return o;
}

/** `range`: the shared zoomed step range (the axis shows exactly it), or null for all slices. */
export function updateHeatmapAxes(chart: Chart<'line'>, layer: HeatmapLayer, layerLabel: string, range: { from: number; to: number } | null = null): void {
  const scales = chart.options.scales as Record<string, { min?: number; max?: number; title?: { text?: string } }>;
  const g = layer.grid;
  const [x0, x1] = range ? [range.from, range.to] : layer.xRange();
  scales.x.min = x0;
  scales.x.max = x1;
  scales.y.min = g && g.edges.length ? g.edges[0] : -20;
  scales.y.max = g && g.edges.length ? g.edges[g.edges.length - 1] : 0;
  scales.y.title!.text = `ln|g| (${layerLabel})`;
}
