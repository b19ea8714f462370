// Zoom and inspect on a chart whose x axis is the step: drag across the plot to select a step range
// (every step-axis chart then shows it), double-click to reset; a crosshair at the shared hover step
// and a tooltip with each shown run's values there. Drawn as HTML over the canvas, so a pointer move
// costs no chart redraw. Written on chart.js's own scales (getValueForPixel) rather than with
// chartjs-plugin-zoom: that plugin zooms each chart on its own and draws from the chart's points,
// while here one range is shared by every chart and each chart refills its points at full resolution
// for the range (../data/viewRange.ts).
import type { ViewRange } from '../../src/protocol/webview';
import { rangeFromDrag } from '../data/viewRange';

/** The chart's step axis, as far as the overlay needs it. */
export interface StepScale {
  getPixelForValue(v: number): number;
  getValueForPixel(px: number): number | undefined;
  min: number;
  max: number;
}

export interface ChartArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface TooltipRow {
  color: string;
  text: string;
}

export interface StepOverlayHost {
  /** The step axis and plot area, or null before the first layout. */
  geometry(): { scale: StepScale; area: ChartArea } | null;
  /** Whether the x axis is the step now (the ridgeline view's is not: no drag, no crosshair). */
  active?(): boolean;
  /** A drag started (true) or ended (false): the chart holds its axis still meanwhile. */
  onDrag?(dragging: boolean): void;
  onSelect(range: ViewRange): void;
  onReset(): void;
  /** The step under the pointer, or null when it leaves the plot. */
  onHover(step: number | null): void;
}

/** A drag shorter than this (CSS pixels) is a click. */
const MIN_DRAG_PX = 4;

export class StepOverlay {
  readonly root: HTMLElement;
  private readonly selection: HTMLElement;
  private readonly crosshair: HTMLElement;
  readonly tooltip: HTMLElement;
  private dragFrom: number | null = null;
  private dragStartPx = 0;

  constructor(
    private readonly body: HTMLElement,
    canvas: HTMLCanvasElement,
    private readonly host: StepOverlayHost,
    testId: string,
  ) {
    this.root = document.createElement('div');
    this.root.className = 'step-overlay';
    this.selection = document.createElement('div');
    this.selection.className = 'zoom-selection';
    this.selection.hidden = true;
    this.crosshair = document.createElement('div');
    this.crosshair.className = 'crosshair';
    this.crosshair.hidden = true;
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'chart-tooltip';
    this.tooltip.dataset.testid = `tooltip-${testId}`;
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    this.root.append(this.selection, this.crosshair, this.tooltip);
    body.append(this.root);
    canvas.addEventListener('pointerdown', (e) => this.down(e, canvas));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e, canvas));
    canvas.addEventListener('pointercancel', () => this.cancel());
    canvas.addEventListener('pointerleave', () => {
      if (this.dragFrom === null) this.host.onHover(null);
    });
    canvas.addEventListener('dblclick', (e) => {
      if (!this.isActive()) return;
      e.preventDefault();
      this.host.onReset();
    });
  }

  private isActive(): boolean {
    return this.host.active?.() ?? true;
  }

  /** Pointer x in canvas CSS pixels and the step there, when over the plot area. */
  private at(e: PointerEvent): { px: number; step: number; area: ChartArea; scale: StepScale } | null {
    const g = this.host.geometry();
    if (!g || !this.isActive()) return null;
    const rect = (e.target as HTMLElement).getBoundingClientRect();
    const px = Math.min(g.area.right, Math.max(g.area.left, e.clientX - rect.left));
    const py = e.clientY - rect.top;
    if (this.dragFrom === null && (e.clientX - rect.left < g.area.left || e.clientX - rect.left > g.area.right || py < g.area.top || py > g.area.bottom)) return null;
    const step = g.scale.getValueForPixel(px);
    return step === undefined || !Number.isFinite(step) ? null : { px, step, area: g.area, scale: g.scale };
  }

  private down(e: PointerEvent, canvas: HTMLCanvasElement): void {
    if (e.button !== 0) return;
    const p = this.at(e);
    if (!p) return;
    this.dragFrom = p.step;
    this.dragStartPx = p.px;
    this.host.onDrag?.(true);
    canvas.setPointerCapture?.(e.pointerId);
  }

  private move(e: PointerEvent): void {
    const p = this.at(e);
    if (this.dragFrom !== null && p) {
      const left = Math.min(this.dragStartPx, p.px);
      const width = Math.abs(p.px - this.dragStartPx);
      Object.assign(this.selection.style, { left: `${left}px`, width: `${width}px`, top: `${p.area.top}px`, height: `${p.area.bottom - p.area.top}px` });
      this.selection.hidden = width < MIN_DRAG_PX;
    }
    this.host.onHover(p ? Math.round(p.step) : null);
  }

  private up(e: PointerEvent, canvas: HTMLCanvasElement): void {
    if (this.dragFrom === null) return;
    const p = this.at(e);
    const from = this.dragFrom;
    const startPx = this.dragStartPx;
    this.cancel();
    canvas.releasePointerCapture?.(e.pointerId);
    if (!p || Math.abs(p.px - startPx) < MIN_DRAG_PX) return;
    // Never past what the axis shows (a drag that leaves the plot stops at its edge).
    const range = rangeFromDrag(from, p.step, { from: p.scale.min, to: p.scale.max });
    if (range) this.host.onSelect(range);
  }

  private cancel(): void {
    if (this.dragFrom !== null) this.host.onDrag?.(false);
    this.dragFrom = null;
    this.selection.hidden = true;
  }

  /** Draws the crosshair at `step` and the tooltip (null hides them). */
  show(step: number | null, title = '', rows: readonly TooltipRow[] = []): void {
    const g = step === null ? null : this.host.geometry();
    const px = g && step !== null ? g.scale.getPixelForValue(step) : NaN;
    if (!g || !(px >= g.area.left && px <= g.area.right)) {
      this.crosshair.hidden = true;
      this.tooltip.hidden = true;
      return;
    }
    Object.assign(this.crosshair.style, { left: `${Math.round(px)}px`, top: `${g.area.top}px`, height: `${g.area.bottom - g.area.top}px` });
    this.crosshair.hidden = false;
    if (!rows.length) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.textContent = '';
    const head = document.createElement('div');
    head.className = 'chart-tooltip-title';
    head.textContent = title;
    this.tooltip.append(head);
    for (const r of rows) {
      const line = document.createElement('div');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = r.color;
      line.append(sw, r.text);
      this.tooltip.append(line);
    }
    this.tooltip.hidden = false;
    // Beside the crosshair: right of it if it fits, else left of it, never past the plot's left edge.
    const width = this.body.clientWidth;
    this.tooltip.style.left = '0px'; // measured unsqueezed
    const w = this.tooltip.offsetWidth;
    const right = px + 10;
    this.tooltip.style.left = `${Math.round(right + w <= width ? right : Math.max(0, px - 10 - w))}px`;
    this.tooltip.style.top = `${g.area.top + 4}px`;
  }
}
