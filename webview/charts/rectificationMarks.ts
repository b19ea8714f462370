// Marks shared by the rho/r and learning-rate charts: the steps before rectification (RAdam's
// un-adapted momentum phase) shaded, a run-coloured line where each run is first rectified, and (on
// the rho axis) the rectification threshold.
import type { Chart, Plugin } from 'chart.js';
import { rgba } from '../data/colors';
import type { RGBA } from '../data/histograms';
import type { Theme } from './theme';
import type { RunView } from './view';

export interface Band {
  from: number;
  to: number;
  /** Where rectification starts (null: not yet). */
  rectifiedAt: number | null;
  color: RGBA;
  label: string;
}

export interface Marks {
  bands: Band[];
  thresholds: number[];
  theme: Theme;
}

export function bandsOf(runs: RunView[]): Band[] {
  const out: Band[] = [];
  for (const r of runs) {
    const d = r.data;
    if (!d || !d.sawUnrectified) continue;
    const end = d.firstRectifiedStep ?? d.lastStep;
    out.push({ from: 1, to: end, rectifiedAt: d.firstRectifiedStep, color: r.color, label: r.label });
  }
  return out;
}

export function thresholdsOf(runs: RunView[]): number[] {
  const set = new Set<number>();
  for (const r of runs) if (r.data && r.data.series.rhoT.length) set.add(r.info?.rectificationThreshold ?? 5);
  return [...set].sort((a, b) => a - b);
}

export function marksSignature(m: Marks): string {
  return m.bands.map((b) => `${b.from}-${b.to}-${b.rectifiedAt}`).join(',') + '|' + m.thresholds.join(',');
}

/** A chart.js plugin drawing `marks()` (read at draw time). `rhoAxis`: scale id for thresholds. */
export function rectificationPlugin(marks: () => Marks | undefined, rhoAxis?: string): Plugin<'line'> {
  return {
    id: 'radamRectification',
    beforeDatasetsDraw(chart: Chart) {
      const m = marks();
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (!m || !x || !area) return;
      const g = chart.ctx;
      g.save();
      g.beginPath();
      g.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      g.clip();
      // Shade the union of the pre-rectification phases in a neutral tone.
      const fg = m.theme.foreground;
      g.fillStyle = fg;
      g.globalAlpha = m.theme.highContrast ? 0.18 : 0.08;
      const seen = new Set<string>();
      for (const b of m.bands) {
        const key = `${b.from}:${b.to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const x0 = Math.max(area.left, x.getPixelForValue(b.from));
        // At least 4 px wide: on a linear axis over 100,000 steps the first few steps are sub-pixel.
        const x1 = Math.min(area.right, Math.max(x0 + 4, x.getPixelForValue(Math.max(b.to, b.from))));
        if (x1 > x0) g.fillRect(x0, area.top, x1 - x0, area.bottom - area.top);
      }
      g.globalAlpha = 1;
      g.setLineDash([3, 3]);
      g.lineWidth = 1;
      for (const b of m.bands) {
        if (b.rectifiedAt === null) continue;
        const px = x.getPixelForValue(b.rectifiedAt);
        if (px < area.left || px > area.right) continue;
        g.strokeStyle = rgba(b.color, 0.9);
        g.beginPath();
        g.moveTo(px, area.top);
        g.lineTo(px, area.bottom);
        g.stroke();
      }
      g.restore();
    },
    afterDatasetsDraw(chart: Chart) {
      if (!rhoAxis) return;
      const m = marks();
      const y = chart.scales[rhoAxis];
      const area = chart.chartArea;
      if (!m || !y || !area || !m.thresholds.length) return;
      const g = chart.ctx;
      g.save();
      g.strokeStyle = m.theme.threshold;
      g.fillStyle = m.theme.threshold;
      g.lineWidth = 1.5;
      g.setLineDash([6, 4]);
      g.font = `${Math.max(10, m.theme.fontSize - 1)}px ${m.theme.fontFamily}`;
      for (const t of m.thresholds) {
        const py = y.getPixelForValue(t);
        if (py < area.top || py > area.bottom) continue;
        g.beginPath();
        g.moveTo(area.left, py);
        g.lineTo(area.right, py);
        g.stroke();
        g.fillText(`ρ threshold ${t}`, area.left + 4, py - 4);
      }
      g.restore();
    },
  };
}

/** A chart's marks with their signature: refresh() keeps the new marks and says whether they changed. */
export class MarksHolder {
  marks: Marks | undefined;
  private signature = '';

  refresh(m: Marks): boolean {
    const sig = marksSignature(m);
    this.marks = m;
    if (sig === this.signature) return false;
    this.signature = sig;
    return true;
  }
}
