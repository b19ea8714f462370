// Renders what changed, at most once per animation frame: messages only mark views dirty; the next
// requestAnimationFrame calls each dirty view's render() (charts call update('none') there), honouring
// each view's minimum interval (histograms redraw at most 5 times a second while data streams) and a
// time budget per frame: once a frame has spent `budgetMs`, the views still dirty wait for the next
// frame, longest-waiting first, so one frame never renders everything at once -- unless a view has
// waited more than `maxWaitMs` past its interval (a busy machine makes every render slower; data must
// still reach the screen within ~100 ms).
//
// Views that draw a canvas are `heavy`: at most one of them renders per frame (unless overdue). Their
// cost is larger than the budget sees: the canvas is rasterised after the script, when the frame is
// committed (headless Chromium without GPU raster: the loss chart's script 4-8 ms, its raster another
// 2-12 ms), so three charts in one frame made it miss the next vsync -- the 33.3 ms frame gaps (two
// vsyncs) of issue 16's streaming figures came from the frames that drew the loss, rho_t/r_t and
// learning-rate charts together. Spread over frames, each frame stays under one vsync.

export interface Renderable {
  readonly minIntervalMs: number;
  /** Draws a canvas: at most one heavy view renders per frame (see the top). */
  readonly heavy?: boolean;
  /** Draws; returning false means "more to do": called again next frame (e.g. one card per frame). */
  render(): void | boolean;
}

export interface FrameInfo {
  /** performance.now() after this frame's renders. */
  t: number;
  /** Time spent rendering in this frame (ms). */
  renderMs: number;
  rendered: number;
}

export class FrameScheduler {
  /** Dirty views and since when (performance.now()). */
  private readonly dirty = new Map<Renderable, number>();
  private readonly last = new Map<Renderable, number>();
  /** Moving average of each view's render time (ms), to fit a frame's budget. */
  private readonly cost = new Map<Renderable, number>();
  private readonly listeners = new Set<(info: FrameInfo) => void>();
  private pending = false;
  frames = 0;
  totalRenderMs = 0;
  maxRenderMs = 0;

  constructor(
    private readonly all: () => Iterable<Renderable>,
    private readonly onError: (e: unknown) => void = (e) => console.error(e),
    readonly budgetMs = 6,
    readonly maxWaitMs = 40,
  ) {}

  /** Views to draw without waiting for their minimum interval (the user just changed something). */
  private readonly urgent = new Set<Renderable>();

  /**
   * Marks views dirty (all of them without an argument) and asks for a frame. `urgent`: a user
   * action, drawn on the next frames regardless of the views' minimum interval.
   */
  markDirty(views?: Iterable<Renderable>, urgent = false): void {
    const now = performance.now();
    for (const v of views ?? this.all()) {
      if (!this.dirty.has(v)) this.dirty.set(v, now);
      if (urgent) this.urgent.add(v);
    }
    this.request();
  }

  /** Views waiting to render (for the test hook). */
  get pendingViews(): number {
    return this.dirty.size;
  }

  onFrame(listener: (info: FrameInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private request(): void {
    if (this.pending || !this.dirty.size) return;
    this.pending = true;
    requestAnimationFrame(this.frame);
  }

  private readonly frame = (): void => {
    this.pending = false;
    const t0 = performance.now();
    let rendered = 0;
    let heavy = 0;
    const order = [...this.dirty].sort((a, b) => a[1] - b[1]).map(([v]) => v);
    for (const v of order) {
      const since = this.dirty.get(v) ?? t0;
      const last = this.last.get(v) ?? -Infinity;
      if (v.minIntervalMs > 0 && t0 - last < v.minIntervalMs && !this.urgent.has(v)) continue;
      // At least one view per frame; then only views expected to fit in what is left of the budget.
      const start = performance.now();
      const overdue = t0 - Math.max(since, last + v.minIntervalMs) > this.maxWaitMs;
      if (rendered > 0 && !overdue && start - t0 + (this.cost.get(v) ?? 0) > this.budgetMs) continue;
      if (v.heavy && heavy > 0 && !overdue) continue;
      this.dirty.delete(v);
      this.urgent.delete(v);
      this.last.set(v, t0);
      let done: void | boolean = true;
      try {
        done = v.render();
      } catch (e) {
        this.onError(e);
      }
      const took = performance.now() - start;
      this.cost.set(v, 0.8 * (this.cost.get(v) ?? took) + 0.2 * took);
      // Unfinished: first in line next frame, without waiting for its interval.
      if (done === false) {
        this.dirty.set(v, -Infinity);
        this.urgent.add(v);
      }
      rendered++;
      if (v.heavy) heavy++;
    }
    const t = performance.now();
    if (rendered) {
      this.frames++;
      this.totalRenderMs += t - t0;
      this.maxRenderMs = Math.max(this.maxRenderMs, t - t0);
      for (const l of this.listeners) l({ t, renderMs: t - t0, rendered });
    }
    this.request();
  };
}
