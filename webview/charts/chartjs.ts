// chart.js 4, registered once with only the parts the dashboard uses, and the options every chart
// shares for speed: no parsing (points are {x, y} objects in chart.js's internal format), normalized
// (sorted, unique x), no animation, our own downsampling (ProgressiveLttb; chart.js's decimation
// plugin is off), and update('none') at most once per animation frame (see ../scheduler.ts).
import {
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartOptions,
  type ScaleOptionsByType,
} from 'chart.js';
import type { Theme } from './theme';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, Legend, Tooltip);

export { Chart };

export interface XY {
  x: number;
  y: number;
}

export function applyThemeDefaults(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 1);
}

export function baseOptions(theme: Theme): ChartOptions<'line'> {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    events: ['mousemove', 'mouseout', 'click'],
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: {
      point: { radius: 0, hitRadius: 4, hoverRadius: 3 },
      line: { borderWidth: 1.5, tension: 0, capBezierPoints: false },
    },
    plugins: {
      decimation: { enabled: false },
      legend: {
        position: 'top',
        align: 'start',
        labels: { boxWidth: 14, boxHeight: 2, color: theme.foreground, usePointStyle: false },
      },
      tooltip: {
        enabled: true,
        animation: false,
        backgroundColor: theme.highContrast ? '#000' : undefined,
        borderColor: theme.grid,
        borderWidth: theme.highContrast ? 1 : 0,
      },
    },
  };
}

type AnyScale = Partial<ScaleOptionsByType<'linear' | 'logarithmic'>>;

export function stepAxis(theme: Theme, type: 'linear' | 'log', title = 'step'): AnyScale {
  return {
    type: type === 'log' ? 'logarithmic' : 'linear',
    title: { display: true, text: title, color: theme.muted },
    grid: { color: theme.grid },
    // sampleSize: measure a few labels, not all, on every update (the layout runs each frame).
    ticks: { color: theme.muted, maxRotation: 0, autoSkipPadding: 12, sampleSize: 4 },
    ...(type === 'linear' ? { beginAtZero: false } : {}),
  } as AnyScale;
}

export function valueAxis(theme: Theme, type: 'linear' | 'log', title: string, extra: AnyScale = {}): AnyScale {
  return {
    type: type === 'log' ? 'logarithmic' : 'linear',
    title: { display: true, text: title, color: theme.muted },
    grid: { color: theme.grid },
    ticks: { color: theme.muted, sampleSize: 4 },
    ...extra,
  } as AnyScale;
}

/** Width of the value axes of the rho/r and lr charts, fixed so that their step axes line up. */
export const AXIS_LEFT = 72;
export function fixWidth(px: number): (scale: { width: number }) => void {
  return (scale) => {
    scale.width = px;
  };
}

export function createChart(canvas: HTMLCanvasElement, config: ChartConfiguration<'line'>): Chart<'line'> {
  return new Chart(canvas, config);
}
