// The shown imported (TensorBoard) runs, one row each: the run's folder (and writer), which scalar tag
// is charted as its loss (a picker of the run's scalar tags; "auto" = the tag detected from common
// names), where its rho_t and r_t come from and, for a run that logs neither rho_t nor beta2, a beta2
// field. The loss tag and beta2 are kept by the host per run folder (workspace state, never in the log
// directory); the host then sends the run's info and record again, so this only posts the choice.
import type { RunView } from '../charts/view';
import { rgba } from '../data/colors';
import { parseBeta2, rhoText } from '../data/importedRuns';
import { button } from './toolkit';
import { el, select } from './native';

export interface ImportedRunsProps {
  runs: RunView[];
  chooseLossTag(runId: string, tag: string | null): void;
  setBeta2(runId: string, beta2: number | null): void;
  notice(level: 'info' | 'warn' | 'error', text: string): void;
}

/** Value of the loss picker's "auto" entry (no tag is empty). */
const AUTO = '';

export class ImportedRunsPanel {
  readonly element: HTMLElement;
  readonly minIntervalMs = 250;
  private readonly list: HTMLElement;
  private signature = '';

  constructor(private readonly props: () => ImportedRunsProps) {
    this.element = el('section', { class: 'imported-runs', 'data-testid': 'imported-runs', hidden: '' });
    this.list = el('div', { class: 'imported-run-list' });
    this.element.append(el('h2', {}, 'TensorBoard runs'), this.list);
  }

  render(): void {
    const p = this.props();
    const runs = p.runs.filter((r) => r.info?.imported);
    const sig = JSON.stringify(runs.map((r) => [r.id, r.label, rgba(r.color), r.info?.imported, r.info?.beta2]));
    if (sig === this.signature) return;
    this.signature = sig;
    this.element.hidden = runs.length === 0;
    this.list.textContent = '';
    for (const r of runs) this.list.append(this.row(r, p));
  }

  private row(r: RunView, p: ImportedRunsProps): HTMLElement {
    const imp = r.info!.imported!;
    const row = el('div', { class: 'imported-run', 'data-testid': 'imported-run', 'data-run-id': r.id });
    const title = el('div', { class: 'imported-run-title' });
    const sw = el('span', { class: 'swatch' });
    sw.style.background = rgba(r.color);
    title.append(sw, el('strong', {}, r.label));
    const where = el('div', { class: 'muted imported-run-path', 'data-testid': 'imported-run-path', title: imp.path }, imp.writer ? `${imp.path} (writer ${imp.writer})` : imp.path);

    const lossLine = el('label', { class: 'inline' });
    const chosen = imp.lossTag !== null && imp.lossTag !== imp.autoLossTag ? imp.lossTag : AUTO;
    const choices = [{ value: AUTO, label: imp.autoLossTag ? `auto: ${imp.autoLossTag}` : 'auto: none found' }, ...imp.scalarTags.map((t) => ({ value: t, label: t }))];
    const picker = select(choices, chosen, (v) => p.chooseLossTag(r.id, v === AUTO ? null : v), { testId: 'loss-tag', label: `Scalar tag charted as the loss of ${r.label}` });
    lossLine.append('Loss tag ', picker);

    const rho = el('div', { class: 'imported-run-rho', 'data-testid': 'rho-origin', 'data-origin': imp.rhoOrigin }, rhoText(imp, r.info?.beta2));
    row.append(title, where, lossLine, rho);
    // beta2 only where it decides something: the run logs neither rho_t nor beta2.
    if (imp.rhoOrigin === 'none' || imp.rhoOrigin === 'beta2User') {
      const line = el('div', { class: 'inline imported-run-beta2' });
      const input = el('input', {
        type: 'text',
        inputmode: 'decimal',
        class: 'beta2-input',
        placeholder: 'e.g. 0.999',
        size: '8',
        'data-testid': 'beta2-input',
        'aria-label': `beta2 of the optimizer of ${r.label}`,
      });
      input.value = imp.userBeta2 === null ? '' : String(imp.userBeta2);
      const apply = () => {
        const v = parseBeta2(input.value);
        if ('error' in v) p.notice('warn', v.error);
        else p.setBeta2(r.id, v.beta2);
      };
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') apply();
      });
      line.append('beta2 ', input, button('Set', apply, { secondary: true, testId: 'beta2-set', title: 'Compute ρₜ and rₜ from the step with this beta2 (empty: forget it)' }));
      row.append(line);
    }
    return row;
  }
}
