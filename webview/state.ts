// The view state kept with setState (VS Code stores it with the panel and hands it back after a
// window reload; the runs' data then comes back from disk). Anything malformed falls back to defaults.
import { isRunId, type WebviewState } from '../src/protocol/webview';
import { sanitizeRange } from './data/viewRange';

export function defaultState(): WebviewState {
  return {
    version: 2,
    shownRunIds: [],
    colors: {},
    smoothing: 0.6,
    lossScale: 'linear',
    stepScale: 'linear',
    stepSize: 'lrRt',
    histogramView: 'ridgeline',
    histogramLayer: '',
    histogramStep: null,
    lossTarget: null,
    sweep: null,
    viewRange: null,
  };
}

/** A usable state from whatever getState() returned. */
export function sanitizeState(raw: unknown): WebviewState {
  const d = defaultState();
  if (!raw || typeof raw !== 'object') return d;
  const s = raw as Partial<WebviewState>;
  const num = (v: unknown, lo: number, hi: number, dflt: number) => (typeof v === 'number' && v >= lo && v <= hi ? v : dflt);
  const colors: Record<string, number> = {};
  if (s.colors && typeof s.colors === 'object')
    for (const [k, v] of Object.entries(s.colors)) if (isRunId(k) && Number.isInteger(v) && v >= 0 && v < 64) colors[k] = v;
  return {
    version: 2,
    shownRunIds: Array.isArray(s.shownRunIds) ? [...new Set(s.shownRunIds.filter(isRunId))].slice(0, 64) : [],
    colors,
    smoothing: num(s.smoothing, 0, 0.99, d.smoothing),
    lossScale: s.lossScale === 'log' ? 'log' : 'linear',
    stepScale: s.stepScale === 'log' ? 'log' : 'linear',
    stepSize: s.stepSize === 'applied' ? 'applied' : 'lrRt',
    histogramView: s.histogramView === 'heatmap' ? 'heatmap' : 'ridgeline',
    histogramLayer: typeof s.histogramLayer === 'string' ? s.histogramLayer : '',
    histogramStep: typeof s.histogramStep === 'number' && Number.isFinite(s.histogramStep) ? s.histogramStep : null,
    lossTarget: typeof s.lossTarget === 'number' && Number.isFinite(s.lossTarget) ? s.lossTarget : null,
    sweep: s.sweep && typeof s.sweep === 'object' && Array.isArray((s.sweep as { points?: unknown }).points) ? s.sweep : null,
    viewRange: sanitizeRange(s.viewRange),
  };
}

/**
 * Colour slots for the shown runs: a run keeps the slot it had; a newly shown run takes the smallest
 * slot no other shown run uses. Only shown runs keep a slot.
 */
export function assignSlots(ids: readonly string[], previous: Readonly<Record<string, number>>): Record<string, number> {
  const colors: Record<string, number> = {};
  const used = new Set<number>();
  for (const id of ids) {
    const prev = previous[id];
    if (prev !== undefined && !used.has(prev)) {
      colors[id] = prev;
      used.add(prev);
    }
  }
  for (const id of ids) {
    if (id in colors) continue;
    let slot = 0;
    while (used.has(slot)) slot++;
    colors[id] = slot;
    used.add(slot);
  }
  return colors;
}
