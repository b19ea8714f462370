// What every chart module implements, and what it is given. A chart view renders only when the
// scheduler calls render() inside an animation frame (../scheduler.ts).
import type { RunInfo, WebviewState } from '../../src/protocol/webview';
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
}

/** What the e2e test hook reads about a chart. */
export interface ChartTestData {
  name: string;
  /** Points currently given to the chart (after downsampling), over all series. */
  points: number;
  /** The largest step drawn. */
  lastStep: number | null;
  series: Array<{ label: string; runId: string; kind: string; points: number; firstX: number | null; lastX: number | null }>;
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
}
