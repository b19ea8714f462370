// A read-only hook for end-to-end tests and the bench: `window.__radamDashboard`.
//   chartData(name)  what a chart was given: points per series (after downsampling), last step...
//                    names: 'loss', 'rho-r', 'lr', 'histograms', 'sweep'
//   charts()         chart names;  shownRuns(), runs(), state()
//   onFrame(cb)      called after every rendered frame with { t, renderMs, lastSteps: {runId: step} }
//   stats()          frames rendered, total/max render time
//   detail(runId)    the zoomed range read from disk for a run ({ from, to, stride, points }), or null
//   simulatePartialRuns()  e2e only: marks the shown runs as held downsampled (as the host will send long
//                    runs), so zooming asks the host for the range at full resolution
// The same facts are on the DOM as data-* attributes of [data-chart] elements (data-points,
// data-last-step, data-series; the histogram panel adds data-view and data-slices).
import type { RunInfo, WebviewState } from '../src/protocol/webview';
import type { ChartTestData } from './charts/view';
import type { Dashboard } from './dashboard';
import { RunLinesChart } from './charts/runLines';

export interface DashboardTestHook {
  version: 1;
  charts(): string[];
  chartData(name: string): ChartTestData | null;
  shownRuns(): string[];
  runs(): RunInfo[];
  state(): WebviewState;
  onFrame(cb: (info: { t: number; renderMs: number; lastSteps: Record<string, number> }) => void): () => void;
  stats(): { frames: number; totalRenderMs: number; maxRenderMs: number; pendingViews: number };
  detail(runId: string): { from: number; to: number; stride: number; points: number; requestId: number } | null;
  simulatePartialRuns(): void;
}

declare global {
  interface Window {
    __radamDashboard?: DashboardTestHook;
  }
}

export function installTestHook(d: Dashboard): void {
  const loss = d.charts.find((c) => c.name === 'loss');
  window.__radamDashboard = {
    version: 1,
    charts: () => d.charts.map((c) => c.name),
    chartData: (name) => d.charts.find((c) => c.name === name)?.testData() ?? null,
    shownRuns: () => [...d.currentState.shownRunIds],
    runs: () => [...d.runInfos.values()],
    state: () => JSON.parse(JSON.stringify(d.currentState)) as WebviewState,
    onFrame: (cb) =>
      d.scheduler.onFrame((info) => {
        const lastSteps: Record<string, number> = {};
        if (loss instanceof RunLinesChart) for (const [id, step] of loss.lastStepByRun()) lastSteps[id] = step;
        cb({ t: info.t, renderMs: info.renderMs, lastSteps });
      }),
    stats: () => ({ frames: d.scheduler.frames, totalRenderMs: d.scheduler.totalRenderMs, maxRenderMs: d.scheduler.maxRenderMs, pendingViews: d.scheduler.pendingViews }),
    detail: (runId) => {
      const det = d.store.get(runId)?.detail;
      return det ? { from: det.range.from, to: det.range.to, stride: det.stride, points: det.data.series.loss.length, requestId: det.requestId } : null;
    },
    simulatePartialRuns: () => {
      for (const run of d.store.runs.values()) run.partial = true;
      d.onViewRangeChange(d.viewRange);
    },
  };
}
