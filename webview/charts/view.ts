// What every chart module implements, and what it is given. A chart view renders only when the
// scheduler calls render() inside an animation frame (../scheduler.ts).
import type { RunInfo, ViewRange, WebviewState } from '../../src/protocol/webview';
import type { RGBA } from '../data/histograms';
import type { RunSeries } from '../data/runStore';
import type { Theme } from './theme';

/** One shown run as the charts see it. */
export interface RunView {
  id: string;
  label: string;
  slot: number;
  color: RGBA;
  info: RunInfo | undefined;
  data: RunSeries | undefined;
}

export interface ViewContext {
  theme(): Theme;
  /** Shown runs, in display order. */
  runs(): RunView[];
  state(): Readonly<WebviewState>;
  update(patch: Partial<WebviewState>): void;
  exportPng(chart: string, dataUrl: string): void;
  /** Zooms every step-axis chart to `range` (null: all steps). */
  setViewRange(range: ViewRange | null): void;
  /** The pointer is over `step` of a step-axis chart (null: it left); every such chart shows it. */
  hover(step: number | null): void;
}

/** What a chart's tooltip shows at the hover step, for the test hook. */
export interface HoverData {
  step: number;
  rows: Array<{ runId: string; kind: string; label: string; step: number; value: number }>;
}

/** What the e2e test hook reads about a chart. */
export interface ChartTestData {
  name: string;
  /** Points currently given to the chart (after downsampling), over all series. */
  points: number;
  /** The largest step drawn. */
  lastStep: number | null;
  series: Array<{ label: string; runId: string; kind: string; points: number; firstX: number | null; lastX: number | null }>;
  /** The step axis as drawn (null when the chart has none or has not been laid out). */
  xMin?: number | null;
  xMax?: number | null;
  hover?: HoverData | null;
  [extra: string]: unknown;
}

export interface ChartView {
  readonly name: string;
  readonly element: HTMLElement;
  /** Minimum time between two renders while data streams (0: every frame). */
  readonly minIntervalMs: number;
  /** false: more to draw next frame (see ../scheduler.ts). */
  render(): void | boolean;
  themeChanged(): void;
  testData(): ChartTestData;
  /** Shows the shared hover step (crosshair, values); charts without a step axis leave it out. */
  showHover?(step: number | null): void;
}
