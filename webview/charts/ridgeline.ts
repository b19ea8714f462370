// The offset ("ridgeline") view of gradient-magnitude histograms, as TensorBoard's and the RAdam
// paper's Figure 2: ln|g| across, one curve per recorded step standing on its step, oldest at the
// back (top), newest in front (bottom, drawn last). Shaping is in ../data/histograms.ts; the curves
// are drawn straight onto the canvas under chart.js's axes (one path per slice: ~36 x 60 points,
// well under a millisecond), instead of as 36 chart.js datasets whose option resolution alone took
// tens of milliseconds per update.
import type { Chart, ChartOptions, Plugin } from 'chart.js';
import { mix, rgba } from '../data/colors';
import type { RGBA, RidgelineShape } from '../data/histograms';
import { fmt, fmtStep } from '../data/summary';
import { baseOptions } from './chartjs';
import type { Theme } from './theme';

export class RidgelineLayer {
  shape: RidgelineShape | null = null;
  private color: RGBA = [128, 128, 128, 255];
  private fills: string[] = [];
  private strokes: string[] = [];
  lastDrawMs = 0;

  set(shape: RidgelineShape, color: RGBA, theme: Theme): void {
    this.shape = shape;
    this.color = color;
    const n = shape.lines.length;
    this.fills = [];
    this.strokes = [];
    for (let j = 0; j < n; j++) {
      const age = n > 1 ? (n - 1 - j) / (n - 1) : 0; // 0 newest .. 1 oldest
      // Opaque fills hide the ridges behind, so each curve reads on its own.
      this.fills.push(rgba(mix(this.color, theme.background, 0.3 - 0.18 * age)));
      this.strokes.push(rgba(mix(this.color, theme.background, 1 - 0.55 * age)));
    }
  }

  plugin(): Plugin<'line'> {
    return {
      id: 'radamRidgeline',
      beforeDatasetsDraw: (chart: Chart) => {
        const shape = this.shape;
        const area = chart.chartArea;
        if (!shape || !shape.lines.length || !area) return;
        const t0 = performance.now();
        const x = chart.scales.x;
        const y = chart.scales.y;
        const g = chart.ctx;
        g.save();
        g.beginPath();
        g.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
        g.clip();
        g.lineJoin = 'round';
        const n = shape.lines.length;
        for (let j = 0; j < n; j++) {
          const line = shape.lines[j];
          const base = y.getPixelForValue(line.baseline);
          const px = line.xs.map((v) => x.getPixelForValue(v));
          g.beginPath();
          g.moveTo(px[0], base);
          for (let i = 0; i < px.length; i++) g.lineTo(px[i], y.getPixelForValue(line.baseline - line.heights[i]));
          g.lineTo(px[px.length - 1], base);
          g.closePath();
          g.fillStyle = this.fills[j];
          g.fill();
          g.beginPath();
          for (let i = 0; i < px.length; i++) {
            const py = y.getPixelForValue(line.baseline - line.heights[i]);
            if (i === 0) g.moveTo(px[i], py);
            else g.lineTo(px[i], py);
          }
          g.strokeStyle = this.strokes[j];
          g.lineWidth = j === n - 1 ? 2 : 1.2;
          g.stroke();
        }
        g.restore();
        this.lastDrawMs = performance.now() - t0;
      },
    };
  }

  /** The slice and bin under a point (step, ln|g|), for the readout. */
  at(step: number, lng: number): string {
    const shape = this.shape;
    if (!shape || !shape.lines.length) return '';
    // The ridge standing on the nearest baseline at or below the pointer (the pointer is above it).
    let best = shape.lines[0];
    for (const l of shape.lines) if (l.baseline >= step - shape.amplitude * 0.02 && Math.abs(l.baseline - step) < Math.abs(best.baseline - step)) best = l;
    let bi = 0;
    for (let i = 0; i < best.xs.length; i++) if (Math.abs(best.xs[i] - lng) < Math.abs(best.xs[bi] - lng)) bi = i;
    const zeros = best.zeros ? ` · exact zeros: ${best.zeros}` : '';
    return `step ${best.step} · ln|g| ≈ ${fmt(best.xs[bi], 3)}: ${fmt(best.fractions[bi] * 100, 3)}% of entries${zeros}`;
  }
}

/** Axes for the ridgeline view (set once; updateRidgelineAxes() moves them). */
export function ridgelineOptions(theme: Theme, layerLabel: string): ChartOptions<'line'> {
  const o = baseOptions(theme);
  o.events = [];
  o.plugins!.legend = { display: false };
  o.plugins!.tooltip = { enabled: false };
  o.scales = {
    x: { type: 'linear', min: -20, max: 0, title: { display: true, text: `ln|g| (${layerLabel})`, color: theme.muted }, grid: { color: theme.grid }, ticks: { color: theme.muted, sampleSize: 4 } },
    y: {
      type: 'linear',
      reverse: true,
      min: 0,
      max: 1,
      title: { display: true, text: 'step', color: theme.muted },
      grid: { color: theme.grid },
      ticks: { color: theme.muted, sampleSize: 4 },
    },
  };
  return o;
}

export function updateRidgelineAxes(chart: Chart<'line'>, shape: RidgelineShape, layerLabel: string): void {
  const scales = chart.options.scales as Record<string, { min?: number; max?: number; title?: { text?: string }; ticks?: { callback?: unknown } }>;
  const has = shape.lines.length > 0;
  scales.x.min = has ? shape.xMin : -20;
  scales.x.max = has ? shape.xMax : 0;
  scales.x.title!.text = `ln|g| (${layerLabel})`;
  const minStep = has ? shape.minStep : 0;
  scales.y.min = has ? shape.minStep - shape.amplitude : 0;
  scales.y.max = has ? shape.maxStep : 1;
  // Steps are integers; the axis reaches above the oldest baseline to fit its ridge: no labels there.
  scales.y.ticks!.callback = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= minStep ? fmtStep(v) : '');
}
