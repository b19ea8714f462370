// The elements of the run list (runList.ts): one line per run, one header per comparison. Plain elements
// (hundreds of them must build fast); what a click means is the list's, passed in.
import type { RunInfo } from '../../src/protocol/webview';
import { rgba } from '../data/colors';
import type { RGBA } from '../data/histograms';
import { reasonWithStep, shortMeta, statusText } from '../data/runGroups';
import { el } from './native';

export interface RunItemActions {
  /** Its checkbox: show (true) or hide the run on the charts. */
  toggle(show: boolean): void;
  /** A click, or Space/Enter, on the line: selection. */
  click(e: MouseEvent | KeyboardEvent): void;
  deleteSelected(): void;
}

/** A run's line: checkbox, colour swatch, label, short meta, status badge, and why it ended, if it did not finish. */
export function runItem(r: RunInfo, shown: boolean, color: RGBA | null, selected: boolean, on: RunItemActions): { li: HTMLLIElement; toggle: HTMLInputElement } {
  const li = el('li', { class: 'run' + (shown ? ' shown' : ''), 'data-run-id': r.id, 'data-status': r.status, 'data-testid': 'run-item', role: 'option', tabindex: '-1' });
  const toggle = el('input', { type: 'checkbox', class: 'run-toggle', 'data-testid': 'run-toggle', title: shown ? 'Hide this run on the charts' : 'Show this run on the charts' });
  toggle.checked = shown;
  toggle.setAttribute('aria-label', `Show ${r.label}`);
  toggle.addEventListener('change', () => on.toggle(toggle.checked));
  toggle.addEventListener('click', (e) => e.stopPropagation());
  const swatch = el('span', { class: 'swatch' });
  if (color) swatch.style.background = rgba(color);
  const label = el('span', { class: 'run-label', title: `${r.label}\n${r.id}` }, r.label);
  const meta = el('span', { class: 'run-meta muted', 'data-testid': 'run-meta' }, shortMeta(r));
  const status = el('span', { class: `run-status status-${r.status}`, 'data-testid': 'run-status' }, statusText(r));
  if (r.error) status.title = r.error;
  li.append(toggle, swatch, label, meta, status);
  // Why a run failed, diverged, stopped or cannot be read, with its step (as text: it comes from disk).
  const why = reasonWithStep(r);
  if (why) li.append(el('span', { class: 'run-reason', 'data-testid': 'run-reason', title: why }, why));
  li.addEventListener('click', (e) => on.click(e));
  li.addEventListener('keydown', (e) => {
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      on.click(e);
    } else if (e.key === 'Delete') on.deleteSelected();
  });
  if (selected) li.classList.add('selected');
  li.setAttribute('aria-selected', String(selected));
  return { li, toggle };
}

export interface GroupItem {
  li: HTMLLIElement;
  toggle: HTMLInputElement;
  title: HTMLElement;
  count: HTMLElement;
  list: HTMLUListElement;
}

export interface GroupItemActions {
  /** The chevron: collapse or expand. */
  collapse(): void;
  /** The checkbox, or a click anywhere else on the header: show or hide the whole comparison. */
  flip(): void;
}

/** A comparison's header (chevron, checkbox, title, shown count) and the list its runs go in. */
export function groupItem(key: string, on: GroupItemActions): GroupItem {
  const li = el('li', { class: 'run-group', 'data-testid': 'run-group', 'data-group': key });
  const head = el('div', { class: 'run-group-header', 'data-testid': 'run-group-header' });
  const chevron = el('button', { class: 'run-group-chevron', 'data-testid': 'run-group-collapse', 'aria-expanded': 'true', title: 'Collapse or expand this comparison' });
  const toggle = el('input', { type: 'checkbox', class: 'run-toggle', 'data-testid': 'run-group-toggle', title: 'Show or hide all runs of this comparison on the charts' });
  const title = el('span', { class: 'run-group-title' });
  const count = el('span', { class: 'muted run-group-count' });
  head.append(chevron, toggle, title, count);
  const list = el('ul', { class: 'run-group-runs', role: 'group' });
  li.append(head, list);
  chevron.addEventListener('click', () => on.collapse());
  toggle.addEventListener('click', (e) => {
    e.stopPropagation();
    e.preventDefault();
    on.flip();
  });
  head.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('.run-group-chevron')) return;
    on.flip();
  });
  return { li, toggle, title, count, list };
}
