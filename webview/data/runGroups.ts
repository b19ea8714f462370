// The run list's model, pure (tested in Node without a DOM): runs grouped by comparison, the filter
// that matches as the user types, and the short texts of a compact row.
import type { RunInfo } from '../../src/protocol/webview';
import { reasonText } from './runReason';

export interface RunGroup {
  /** The comparison id, or the run's own id for a run started alone. */
  key: string;
  /** Runs in list order (live first, then newest first). */
  runs: RunInfo[];
  /** True for a comparison (two or more runs sharing a comparisonId). */
  comparison: boolean;
  title: string;
}

/** Live runs first, then newest first, then by id (descending). */
export function sortRuns(runs: readonly RunInfo[]): RunInfo[] {
  return [...runs].sort((a, b) => {
    if (a.live !== b.live) return a.live ? -1 : 1;
    const ta = a.startedAt ?? '';
    const tb = b.startedAt ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}

/**
 * Runs grouped by comparison, groups in the order of their first run (so a live comparison comes
 * first). A comparisonId held by one run only is not a group: that run stands alone.
 */
export function groupRuns(runs: readonly RunInfo[]): RunGroup[] {
  const sorted = sortRuns(runs);
  const count = new Map<string, number>();
  for (const r of sorted) if (r.comparisonId) count.set(r.comparisonId, (count.get(r.comparisonId) ?? 0) + 1);
  const groups = new Map<string, RunGroup>();
  for (const r of sorted) {
    const cmp = r.comparisonId && (count.get(r.comparisonId) ?? 0) > 1 ? r.comparisonId : undefined;
    const key = cmp ? `cmp:${cmp}` : `run:${r.id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, runs: [], comparison: !!cmp, title: '' }));
    g.runs.push(r);
  }
  for (const g of groups.values()) g.title = groupTitle(g);
  return [...groups.values()];
}

function groupTitle(g: RunGroup): string {
  if (!g.comparison) return g.runs[0].label;
  const what = [g.runs.find((r) => r.dataset)?.dataset, g.runs.find((r) => r.model)?.model].filter(Boolean).join(' · ');
  const started = g.runs.find((r) => r.startedAt)?.startedAt;
  const when = started ? shortTime(started) : '';
  return [`${g.runs.length} runs`, what, when].filter(Boolean).join(' · ');
}

/** "2025-01-31 14:05" from an ISO time (as written, no time zone conversion); '' if not ISO. */
export function shortTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : '';
}

/** The status shown on a row's badge. */
export function statusText(r: RunInfo): string {
  if (r.status === 'diverged' && r.divergedAt != null) return `diverged @${r.divergedAt}`;
  return r.status;
}

/** The reason a run failed, diverged or stopped, with the step it happened at when known. */
export function reasonWithStep(r: RunInfo): string {
  const why = reasonText(r);
  if (!why) return '';
  const step = r.status === 'diverged' && r.divergedAt != null ? r.divergedAt : r.status !== 'running' && r.lastStep != null ? r.lastStep : null;
  if (step === null || new RegExp(`\\bstep ${step}\\b`).test(why)) return why;
  return `step ${step}: ${why}`;
}

function progress(r: RunInfo): string {
  const last = r.lastStep ?? null;
  if (last === null) return r.steps ? `0/${r.steps}` : '';
  return r.steps && last !== r.steps ? `${last}/${r.steps}` : `${last}`;
}

/** The short meta of a compact row: optimizer, learning rate, steps done (of planned). */
export function shortMeta(r: RunInfo): string {
  const lr = typeof r.learningRate === 'number' ? `lr ${r.learningRate}` : '';
  return [r.optimizer, lr, progress(r)].filter(Boolean).join(' · ');
}

/** The text a filter matches against: label, optimizer, status (and its reason), dataset, model. */
export function searchText(r: RunInfo): string {
  return [r.label, r.optimizer, r.status, r.dataset, r.model, r.live ? 'live' : '', reasonText(r)].filter(Boolean).join('\u0000').toLowerCase();
}

/**
 * A matcher for what the user typed: every whitespace-separated term must occur (case-insensitive)
 * in the run's label, optimizer, status, dataset or model. An empty query matches everything.
 */
export function runMatcher(query: string): (r: RunInfo, text?: string) => boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return () => true;
  return (r, text = searchText(r)) => terms.every((t) => text.includes(t));
}

/**
 * The rows a filter keeps: per group, the runs that match. A group stays if any of its runs match;
 * a comparison whose own title matches keeps all its runs.
 */
export function filterGroups(groups: readonly RunGroup[], query: string): Array<{ group: RunGroup; runs: RunInfo[] }> {
  const match = runMatcher(query);
  const out: Array<{ group: RunGroup; runs: RunInfo[] }> = [];
  for (const g of groups) {
    const runs = g.runs.filter((r) => match(r));
    if (runs.length) out.push({ group: g, runs });
  }
  return out;
}

/**
 * Runs a click on a comparison's header shows: all of its runs unless all are already shown (then
 * none of them); returns the new shown list, others kept in their order.
 */
export function toggleGroup(shown: readonly string[], groupIds: readonly string[]): string[] {
  const all = groupIds.every((id) => shown.includes(id));
  if (all) return shown.filter((id) => !groupIds.includes(id));
  return [...shown, ...groupIds.filter((id) => !shown.includes(id))];
}

/**
 * Selection after a click on a row: plain click selects that row only (or clears it if it was the
 * only one), ctrl/cmd toggles it, shift extends from the anchor over the visible order.
 */
export function selectAfterClick(
  selected: ReadonlySet<string>,
  visibleOrder: readonly string[],
  id: string,
  anchor: string | null,
  mods: { toggle: boolean; range: boolean },
): { selected: Set<string>; anchor: string } {
  if (mods.range && anchor !== null) {
    const a = visibleOrder.indexOf(anchor);
    const b = visibleOrder.indexOf(id);
    if (a >= 0 && b >= 0) {
      const next = new Set(mods.toggle ? selected : []);
      for (let i = Math.min(a, b); i <= Math.max(a, b); i++) next.add(visibleOrder[i]);
      return { selected: next, anchor };
    }
  }
  if (mods.toggle) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selected: next, anchor: id };
  }
  if (selected.size === 1 && selected.has(id)) return { selected: new Set(), anchor: id };
  return { selected: new Set([id]), anchor: id };
}
