// The comparison table: one row per shown run with final loss, best validation loss and accuracy,
// steps to reach a loss target (editable; automatic = the worst final smoothed loss among the runs
// that did not diverge) and where a run diverged.
import { rgba } from '../data/colors';
import { autoLossTarget, fmt, summarize, type SummaryInput } from '../data/summary';
import type { RunView } from '../charts/view';
import { textField } from './toolkit';
import { el } from './native';

export interface SummaryProps {
  runs: RunView[];
  target: number | null;
  setTarget(v: number | null): void;
}

export class SummaryTable {
  readonly element: HTMLElement;
  readonly minIntervalMs = 500;
  private readonly body: HTMLTableSectionElement;
  private readonly targetField: HTMLElement & { value: string };
  private readonly targetNote: HTMLElement;
  private lastRows: unknown[] = [];

  constructor(private readonly props: () => SummaryProps) {
    this.element = el('section', { class: 'summary', 'data-testid': 'summary-table' });
    const header = el('div', { class: 'section-header' });
    this.targetField = textField(
      '',
      (v) => {
        const n = parseFloat(v);
        this.props().setTarget(v.trim() === '' || !Number.isFinite(n) ? null : n);
      },
      { placeholder: 'auto', testId: 'loss-target', title: 'Loss target (empty: automatic)', size: 8 },
    );
    this.targetNote = el('span', { class: 'muted' });
    const label = el('label', { class: 'inline' });
    label.append('Loss target ', this.targetField, ' ', this.targetNote);
    header.append(el('h2', {}, 'Summary'), label);
    const table = el('table');
    const head = el('thead');
    const tr = el('tr');
    for (const h of ['Run', 'Status', 'Steps', 'Final loss', 'Smoothed', 'Best val loss', 'Best val acc', 'Steps to target', 'Diverged at']) tr.append(el('th', {}, h));
    head.append(tr);
    this.body = el('tbody');
    table.append(head, this.body);
    this.element.append(header, table);
  }

  render(): void {
    const p = this.props();
    const inputs: SummaryInput[] = [];
    for (const r of p.runs) {
      if (!r.data) continue;
      const s = r.data.series;
      inputs.push({ runId: r.id, loss: s.loss, smoothed: s.smoothed, valLoss: s.valLoss, valAccuracy: s.valAccuracy, divergedAt: r.data.divergedAt ?? r.info?.divergedAt ?? null });
    }
    const auto = autoLossTarget(inputs);
    const target = p.target ?? auto;
    this.targetNote.textContent = p.target === null ? (auto === null ? '' : `(auto: ${fmt(auto)})`) : '';
    const rows = p.runs.map((r) => {
      const input = inputs.find((i) => i.runId === r.id);
      const s = input ? summarize(input, target) : null;
      return [
        r.id,
        r.label,
        rgba(r.color),
        r.info?.status ?? (r.data ? 'running' : '…'),
        s?.lastStep,
        s?.finalLoss,
        s?.finalSmoothedLoss,
        s?.bestValLoss ? `${fmt(s.bestValLoss.value)} @ ${s.bestValLoss.step}` : null,
        s?.bestValAccuracy ? `${fmt(s.bestValAccuracy.value * (s.bestValAccuracy.value <= 1 ? 100 : 1), 4)}${s.bestValAccuracy.value <= 1 ? '%' : ''} @ ${s.bestValAccuracy.step}` : null,
        s?.stepsToTarget,
        s?.divergedAt ?? r.info?.divergedAt ?? null,
      ];
    });
    if (JSON.stringify(rows) === JSON.stringify(this.lastRows)) return;
    this.lastRows = rows;
    this.body.textContent = '';
    for (const row of rows) {
      const tr = el('tr', { 'data-run-id': String(row[0]) });
      const name = el('td');
      const sw = el('span', { class: 'swatch' });
      sw.style.background = String(row[2]);
      name.append(sw, String(row[1]));
      tr.append(name, el('td', {}, String(row[3])));
      for (let i = 4; i < row.length; i++) {
        const v = row[i];
        const text = typeof v === 'number' ? (i === 4 || i >= 9 ? String(v) : fmt(v)) : v === null || v === undefined ? '—' : String(v);
        tr.append(el('td', { class: 'num' }, text));
      }
      this.body.append(tr);
    }
    this.element.hidden = rows.length === 0;
  }
}
