// The run list: every run found in .radam/runs (live ones first, then newest first), a checkbox to
// show or hide each, its status, progress, and a delete button (the host asks for confirmation).
import type { RunInfo } from '../../src/protocol/webview';
import { rgba } from '../data/colors';
import { reasonText } from '../data/runReason';
import type { RGBA } from '../data/histograms';
import { badge, button, checkbox } from './toolkit';
import { el } from './native';

export interface RunListProps {
  runs: RunInfo[];
  shown: ReadonlySet<string>;
  colorOf(id: string): RGBA | null;
  onToggle(id: string, show: boolean): void;
  onDelete(id: string): void;
  onRefresh(): void;
}

export function sortRuns(runs: readonly RunInfo[]): RunInfo[] {
  return [...runs].sort((a, b) => {
    if (a.live !== b.live) return a.live ? -1 : 1;
    const ta = a.startedAt ?? '';
    const tb = b.startedAt ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}

function progress(r: RunInfo): string {
  const last = r.lastStep ?? null;
  if (last === null) return r.steps ? `0 / ${r.steps}` : '';
  return r.steps ? `${last.toLocaleString('en-US')} / ${r.steps.toLocaleString('en-US')}` : last.toLocaleString('en-US');
}

function statusText(r: RunInfo): string {
  if (r.status === 'diverged' && r.divergedAt != null) return `diverged at ${r.divergedAt}`;
  return r.status;
}

export class RunList {
  readonly element: HTMLElement;
  readonly minIntervalMs = 250;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private signature = '';

  constructor(private readonly props: () => RunListProps) {
    this.element = el('section', { class: 'runs', 'data-testid': 'run-list' });
    const header = el('div', { class: 'section-header' });
    header.append(el('h2', {}, 'Runs'), button('Refresh', () => this.props().onRefresh(), { secondary: true, testId: 'runs-refresh', title: 'Read .radam/runs again' }));
    this.list = el('ul', { class: 'run-list' });
    this.empty = el('p', { class: 'empty' }, 'No runs yet. Run “RAdam: Start Training” from the Command Palette.');
    this.element.append(header, this.empty, this.list);
  }

  render(): void {
    const p = this.props();
    const runs = sortRuns(p.runs);
    const sig = JSON.stringify(runs) + '|' + [...p.shown].join(',') + '|' + runs.map((r) => p.colorOf(r.id)?.join('.') ?? '').join(',');
    if (sig === this.signature) return;
    this.signature = sig;
    this.empty.hidden = runs.length > 0;
    this.list.textContent = '';
    for (const r of runs) {
      const shown = p.shown.has(r.id);
      const li = el('li', { class: 'run' + (shown ? ' shown' : ''), 'data-run-id': r.id, 'data-status': r.status, 'data-testid': 'run-item' });
      const swatch = el('span', { class: 'swatch' });
      const c = p.colorOf(r.id);
      if (shown && c) swatch.style.background = rgba(c);
      const toggle = checkbox('', shown, (on) => p.onToggle(r.id, on), { testId: 'run-toggle', title: shown ? 'Hide this run' : 'Show this run' });
      const name = el('span', { class: 'run-label', title: r.id }, r.label);
      const meta = el('span', { class: 'run-meta muted' });
      meta.textContent = [r.optimizer, r.dataset, r.model, progress(r)].filter(Boolean).join(' · ');
      const status = badge(statusText(r), 'run-status');
      status.classList.add(`status-${r.status}`);
      if (r.error) status.title = r.error;
      const del = button('Delete', () => p.onDelete(r.id), { secondary: true, testId: 'run-delete', title: `Delete run ${r.id} from disk` });
      if (r.live) del.setAttribute('disabled', '');
      li.append(toggle, swatch, name, status);
      // Why a run failed, diverged or cannot be read, beside its badge (as text: it comes from disk).
      const why = reasonText(r);
      if (why) li.append(el('span', { class: 'run-reason', 'data-testid': 'run-reason', title: why }, why));
      li.append(meta);
      // Runs read from TensorBoard logs are not ours to delete.
      if (r.optimizer !== 'tensorboard') li.append(del);
      this.list.append(li);
    }
  }
}
