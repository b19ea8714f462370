// Feeds one chart.js dataset from one XYColumn: downsampled progressively to ~1,500 points, written
// into a reused array of reused {x, y} objects (no garbage per frame).
import type { XYColumn } from '../data/columns';
import { ProgressiveLttb } from '../data/downsample';
import type { XY } from './chartjs';

export const POINTS_PER_SERIES = 1500;

export class SeriesFeed {
  /** The dataset's `data` array (same object for the chart's lifetime). */
  readonly points: XY[] = [];
  private readonly pool: XY[] = [];
  private lttb: ProgressiveLttb;
  private lastCol: XYColumn | null = null;
  private lastLength = -1;
  private lastGeneration = -1;
  private lastPositiveOnly = false;

  constructor(target = POINTS_PER_SERIES) {
    this.lttb = new ProgressiveLttb(target);
  }

  /** Refreshes `points` from the column. Returns false when nothing changed. */
  fill(col: XYColumn, positiveOnly = false): boolean {
    if (col !== this.lastCol) {
      this.lttb = new ProgressiveLttb(this.lttb.target);
      this.lastCol = col;
      this.lastLength = -1;
    }
    if (col.length === this.lastLength && col.generation === this.lastGeneration && positiveOnly === this.lastPositiveOnly) return false;
    this.lastLength = col.length;
    this.lastGeneration = col.generation;
    this.lastPositiveOnly = positiveOnly;
    const { indices, count } = this.lttb.update(col.xs, col.ys, col.length, col.generation);
    const pts = this.points;
    let n = 0;
    for (let k = 0; k < count; k++) {
      const i = indices[k];
      const y = col.ys[i];
      if (positiveOnly && !(y > 0)) continue;
      let p = this.pool[n];
      if (!p) this.pool.push((p = { x: 0, y: 0 }));
      p.x = col.xs[i];
      p.y = y;
      pts[n++] = p;
    }
    pts.length = n;
    return true;
  }

  clear(): void {
    this.points.length = 0;
    this.lastLength = -1;
  }

  get lastX(): number | null {
    return this.points.length ? this.points[this.points.length - 1].x : null;
  }
}
