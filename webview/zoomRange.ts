// The zoomed step range's two jobs beside the charts: the chip that says "Zoomed: steps a-b" with its
// reset button, and the full-resolution rows the run store lacks there, asked of the host (the
// `requestRange` request) and kept as each run's `detail` (./data/rangeDetail.ts). The dashboard
// (./dashboard.ts) owns the range itself (view state) and calls update() whenever it changes.
import type { OmitEach } from '../src/protocol/requests';
import type { RangeColumns, ViewRange, WebviewRequest, WebviewRequestResults } from '../src/protocol/webview';
import { detailFrom, needsDetail } from './data/rangeDetail';
import type { RunStore } from './data/runStore';
import { rangeLabel } from './data/viewRange';
import { button } from './components/toolkit';

/** Rows per run a zoomed range may bring from disk (more than enough for a full-resolution picture). */
export const RANGE_MAX_POINTS = 100_000;

export interface ZoomDeps {
  store: RunStore;
  range: () => ViewRange | null;
  shownRunIds: () => readonly string[];
  request<M extends OmitEach<WebviewRequest, 'requestId'>>(msg: M): Promise<WebviewRequestResults[M['type']]>;
  notice(level: 'warn', text: string): void;
  /** The rows of a range arrived: every chart draws again. */
  redraw(): void;
  reset(): void;
}

export class ZoomRange {
  /** "Zoomed: steps a–b · Reset zoom", shown while the step-axis charts are zoomed. */
  readonly chip: HTMLElement;
  private readonly text: HTMLElement;
  private requestId = 0;
  /** Per run, the range last asked for (so a run is not asked twice for the same range). */
  private readonly asked = new Map<string, string>();

  constructor(private readonly deps: ZoomDeps) {
    this.text = document.createElement('span');
    this.chip = document.createElement('div');
    this.chip.className = 'zoom-chip';
    this.chip.dataset.testid = 'zoom-chip';
    this.chip.setAttribute('role', 'status');
    this.chip.append(this.text, button('Reset zoom', () => deps.reset(), { secondary: true, testId: 'zoom-reset', title: 'Show all steps again (double-click a chart, or Escape)' }));
    this.showChip();
  }

  /** The range changed (or a run's record came): the chip, and the rows the store lacks. */
  update(): void {
    this.showChip();
    this.requestRange();
  }

  /** Forgets what was asked for a run (it left the view). */
  forget(runId: string): void {
    this.asked.delete(runId);
  }

  /** Asks again for everything (the smoothing changed: the details continued the old average). */
  askAgain(): void {
    this.asked.clear();
    this.requestRange();
  }

  /**
   * Asks the host for the zoomed range of the shown runs whose data there is not at full resolution
   * (./data/rangeDetail.ts); the reply's rows replace the charts' points in the range.
   */
  requestRange(): void {
    const range = this.deps.range();
    if (!range) return;
    const key = `${range.from}:${range.to}`;
    const runIds = this.deps.shownRunIds().filter((id) => {
      const run = this.deps.store.get(id);
      return run && needsDetail(run, range) && this.asked.get(id) !== key;
    });
    if (!runIds.length) return;
    for (const id of runIds) this.asked.set(id, key);
    const asked = ++this.requestId;
    this.deps.request({ type: 'requestRange', runIds, fromStep: range.from, toStep: range.to, maxPoints: RANGE_MAX_POINTS }).then(
      ({ runs }) => {
        for (const r of runs) this.receive(asked, r);
      },
      (e: unknown) => this.deps.notice('warn', `The zoomed steps could not be read (${e instanceof Error ? e.message : String(e)}); drawn from the data held.`),
    );
  }

  private receive(asked: number, msg: RangeColumns): void {
    const run = this.deps.store.get(msg.runId);
    const range = this.deps.range();
    // Stale (a newer request went out, the zoom changed, or the run is no longer shown): dropped.
    if (asked !== this.requestId || !run || !range || msg.fromStep !== range.from || msg.toStep !== range.to) return;
    if (msg.error) {
      this.deps.notice('warn', `Run ${msg.runId}: the zoomed steps could not be read (${msg.error}); drawn from the data held.`);
      return;
    }
    run.detail = detailFrom(run, { ...msg, requestId: asked });
    this.deps.redraw();
  }

  private showChip(): void {
    const range = this.deps.range();
    this.chip.hidden = !range;
    this.text.textContent = range ? `Zoomed: ${rangeLabel(range)}` : '';
  }
}
