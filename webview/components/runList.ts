// The run list, built for hundreds of runs: one compact line per run (checkbox to show it on the
// charts, colour swatch, label, short meta, status badge; a failed or diverged run's reason, with its
// step, on a second line), runs started together grouped under a collapsible comparison header (one
// click on the header's checkbox shows or hides the whole comparison), a filter box that narrows the
// list as you type (label, optimizer, status, dataset, model), and a selection (click, Ctrl/Cmd-click,
// Shift-click) deleted with one confirmation, which the host asks for.
//
// Rows are plain elements (no web components: hundreds of them must build and filter fast), kept per
// run and rebuilt only when that run's facts change; the filter only toggles `hidden`.
import type { RunInfo } from '../../src/protocol/webview';
import type { RGBA } from '../data/histograms';
import { groupRuns, runMatcher, searchText, selectAfterClick, type RunGroup } from '../data/runGroups';
import { button, setDisabled } from './toolkit';
import { el } from './native';
import { groupItem, runItem, type GroupItem } from './runListItems';

export { sortRuns } from '../data/runGroups';

export interface RunListProps {
  runs: RunInfo[];
  shown: ReadonlySet<string>;
  colorOf(id: string): RGBA | null;
  onToggle(id: string, show: boolean): void;
  /** Show (true) or hide (false) these runs together. */
  onToggleMany(ids: string[], show: boolean): void;
  /** Delete these runs (the host asks once for all of them). */
  onDelete(ids: string[]): void;
  onRefresh(): void;
}

interface Row {
  li: HTMLLIElement;
  toggle: HTMLInputElement;
  sig: string;
  text: string;
  run: RunInfo;
}

interface GroupNode extends GroupItem {
  ids: string[];
  sig: string;
}

export class RunList {
  readonly element: HTMLElement;
  readonly minIntervalMs = 250;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private readonly noMatch: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly countLine: HTMLElement;
  private readonly deleteButton: HTMLElement;
  private readonly rows = new Map<string, Row>();
  private readonly groupNodes = new Map<string, GroupNode>();
  private readonly collapsed = new Set<string>();
  private groups: RunGroup[] = [];
  private selected = new Set<string>();
  private anchor: string | null = null;
  private query = '';
  private signature = '';
  /** Time the last filter pass took (ms), for the bench and tests. */
  lastFilterMs = 0;

  constructor(private readonly props: () => RunListProps) {
    this.element = el('section', { class: 'runs', 'data-testid': 'run-list' });
    const header = el('div', { class: 'section-header' });
    const title = el('h2', {}, 'Runs');
    this.countLine = el('span', { class: 'muted run-count', 'data-testid': 'run-count' });
    title.append(' ', this.countLine);
    header.append(title, button('Refresh', () => this.props().onRefresh(), { secondary: true, testId: 'runs-refresh', title: 'Read .radam/runs again' }));
    const tools = el('div', { class: 'run-tools' });
    this.filterInput = el('input', {
      type: 'search',
      class: 'run-filter',
      placeholder: 'Filter: label, optimizer, status…',
      'aria-label': 'Filter runs by label, optimizer or status',
      'data-testid': 'run-filter',
      spellcheck: 'false',
    });
    this.filterInput.addEventListener('input', () => this.setFilter(this.filterInput.value));
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.filterInput.value) {
        this.filterInput.value = '';
        this.setFilter('');
        e.stopPropagation();
      }
    });
    this.deleteButton = button('Delete', () => this.deleteSelected(), { secondary: true, testId: 'runs-delete-selected', title: 'Delete the selected runs from disk' });
    setDisabled(this.deleteButton, true);
    tools.append(this.filterInput, this.deleteButton);
    this.list = el('ul', { class: 'run-list', role: 'listbox', 'aria-multiselectable': 'true', 'aria-label': 'Runs' });
    this.empty = el('p', { class: 'empty' }, 'No runs yet. Run “RAdam: Start Training” from the Command Palette.');
    this.noMatch = el('p', { class: 'empty', 'data-testid': 'run-no-match', hidden: '' }, 'No run matches the filter.');
    this.element.append(header, tools, this.empty, this.noMatch, this.list);
  }

  /** Ids currently selected (for tests). */
  selection(): string[] {
    return [...this.selected];
  }

  /** Sets the filter and repaints the list at once (the input's handler; also for the bench). */
  setFilter(query: string): void {
    if (this.filterInput.value !== query) this.filterInput.value = query;
    this.query = query;
    const t0 = performance.now();
    this.applyFilter();
    this.lastFilterMs = performance.now() - t0;
  }

  render(): void {
    const p = this.props();
    const colors = p.runs.map((r) => (p.shown.has(r.id) ? p.colorOf(r.id)?.join('.') ?? '' : '')).join(',');
    const sig = JSON.stringify(p.runs) + '|' + [...p.shown].join(',') + '|' + colors;
    if (sig === this.signature) return;
    this.signature = sig;
    this.groups = groupRuns(p.runs);
    const present = new Set(p.runs.map((r) => r.id));
    for (const [id, row] of this.rows) {
      if (present.has(id)) continue;
      row.li.remove();
      this.rows.delete(id);
    }
    for (const id of [...this.selected]) if (!present.has(id)) this.selected.delete(id);
    const keys = new Set(this.groups.map((g) => g.key));
    for (const [key, node] of this.groupNodes) {
      if (keys.has(key)) continue;
      node.li.remove();
      this.groupNodes.delete(key);
    }

    // Build (or reuse) each row and group, then put them in order.
    const order: HTMLLIElement[] = [];
    for (const g of this.groups) {
      const rows = g.runs.map((r) => this.row(r, p));
      if (!g.comparison) {
        order.push(rows[0].li);
        continue;
      }
      const node = this.groupNode(g, p);
      rows.forEach((row, i) => {
        if (node.list.children[i] !== row.li) node.list.insertBefore(row.li, node.list.children[i] ?? null);
      });
      while (node.list.children.length > rows.length) node.list.lastElementChild!.remove();
      order.push(node.li);
    }
    order.forEach((li, i) => {
      if (this.list.children[i] !== li) this.list.insertBefore(li, this.list.children[i] ?? null);
    });
    while (this.list.children.length > order.length) this.list.lastElementChild!.remove();
    this.empty.hidden = p.runs.length > 0;
    this.applyFilter();
  }

  private row(r: RunInfo, p: RunListProps): Row {
    const shown = p.shown.has(r.id);
    const c = shown ? p.colorOf(r.id) : null;
    const sig = JSON.stringify(r) + '|' + shown + '|' + (c?.join('.') ?? '');
    const old = this.rows.get(r.id);
    if (old && old.sig === sig) return old;
    const { li, toggle } = runItem(r, shown, c, this.selected.has(r.id), {
      toggle: (show) => this.props().onToggle(r.id, show),
      click: (e) => this.clickRow(r.id, e),
      deleteSelected: () => this.deleteSelected(),
    });
    const row: Row = { li, toggle, sig, text: searchText(r), run: r };
    old?.li.replaceWith(li);
    this.rows.set(r.id, row);
    return row;
  }

  private groupNode(g: RunGroup, p: RunListProps): GroupNode {
    const ids = g.runs.map((r) => r.id);
    let node = this.groupNodes.get(g.key);
    if (!node) {
      const n: GroupNode = {
        ...groupItem(g.key, {
          collapse: () => this.setCollapsed(g.key, !this.collapsed.has(g.key)),
          // The whole comparison shown, or hidden.
          flip: () => {
            const allShown = n.ids.every((id) => this.props().shown.has(id));
            this.props().onToggleMany(n.ids, !allShown);
          },
        }),
        ids,
        sig: '',
      };
      this.groupNodes.set(g.key, (node = n));
    }
    node.ids = ids;
    const shownCount = ids.filter((id) => p.shown.has(id)).length;
    const sig = g.title + '|' + shownCount + '|' + ids.length;
    if (sig !== node.sig) {
      node.sig = sig;
      node.title.textContent = g.title;
      node.title.title = `Comparison ${g.key.slice(4)}`;
      node.toggle.checked = shownCount === ids.length;
      node.toggle.indeterminate = shownCount > 0 && shownCount < ids.length;
      node.count.textContent = shownCount ? `${shownCount} shown` : '';
    }
    this.applyCollapsed(g.key, node);
    return node;
  }

  private setCollapsed(key: string, on: boolean): void {
    if (on) this.collapsed.add(key);
    else this.collapsed.delete(key);
    const node = this.groupNodes.get(key);
    if (node) this.applyCollapsed(key, node);
    this.applyFilter();
  }

  private applyCollapsed(key: string, node: GroupNode): void {
    const on = this.collapsed.has(key);
    node.li.classList.toggle('collapsed', on);
    node.li.querySelector('.run-group-chevron')?.setAttribute('aria-expanded', String(!on));
  }

  /** Hides rows (and groups) the filter does not match; a filter shows matches in collapsed groups too. */
  private applyFilter(): void {
    const match = runMatcher(this.query);
    const filtering = this.query.trim() !== '';
    let visible = 0;
    for (const g of this.groups) {
      let any = false;
      for (const r of g.runs) {
        const row = this.rows.get(r.id);
        if (!row) continue;
        const ok = match(r, row.text);
        if (row.li.hidden === ok) row.li.hidden = !ok;
        if (ok) any = true;
        if (ok) visible++;
      }
      if (g.comparison) {
        const node = this.groupNodes.get(g.key);
        if (!node) continue;
        if (node.li.hidden === any) node.li.hidden = !any;
        node.li.classList.toggle('filtering', filtering);
      }
    }
    const total = this.rows.size;
    this.countLine.textContent = total ? (filtering ? `${visible} of ${total}` : String(total)) : '';
    this.noMatch.hidden = !(filtering && total > 0 && visible === 0);
    this.refreshSelection();
  }

  /** Visible rows in list order (what Shift-click ranges over). */
  private visibleOrder(): string[] {
    const out: string[] = [];
    for (const g of this.groups) {
      const collapsed = g.comparison && this.collapsed.has(g.key) && !this.query.trim();
      if (collapsed) continue;
      for (const r of g.runs) if (!this.rows.get(r.id)?.li.hidden) out.push(r.id);
    }
    return out;
  }

  private clickRow(id: string, e: MouseEvent | KeyboardEvent): void {
    const next = selectAfterClick(this.selected, this.visibleOrder(), id, this.anchor, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey });
    this.selected = next.selected;
    this.anchor = next.anchor;
    this.refreshSelection();
    this.rows.get(id)?.li.focus({ preventScroll: true });
  }

  private refreshSelection(): void {
    for (const [id, row] of this.rows) {
      const on = this.selected.has(id);
      if (row.li.classList.contains('selected') !== on) {
        row.li.classList.toggle('selected', on);
        row.li.setAttribute('aria-selected', String(on));
      }
    }
    const deletable = this.deletable();
    setDisabled(this.deleteButton, deletable.length === 0);
    this.deleteButton.textContent = deletable.length > 1 ? `Delete ${deletable.length}` : 'Delete';
    this.deleteButton.title = deletable.length ? `Delete ${deletable.length} selected run${deletable.length > 1 ? 's' : ''} from disk (asks first)` : 'Select runs (click, Ctrl-click, Shift-click) to delete them';
  }

  /** Selected runs that are not training, not filtered out, and ours (TensorBoard runs are read-only). */
  private deletable(): string[] {
    return [...this.selected].filter((id) => {
      const row = this.rows.get(id);
      return row && !row.run.live && !row.li.hidden && row.run.optimizer !== 'tensorboard';
    });
  }

  private deleteSelected(): void {
    const ids = this.deletable();
    if (ids.length) this.props().onDelete(ids);
  }
}
