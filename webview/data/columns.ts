// A growable (x, y) column of finite numbers, stored in typed arrays. Pure: no DOM, unit-tested in Node.
//
// Values are kept in Float32 (7 significant digits: plenty for drawing and for the summary table;
// steps are exact up to 16,777,216; exports read the files on disk, not this). Memory is bounded: past
// `maxPoints` the column thins itself to every other point and from then on keeps one point in
// `stride` (doubling each time it fills again). 100,000 points take 0.8 MB (x and y).

export const DEFAULT_MAX_POINTS = 1 << 19; // 524,288

export class XYColumn {
  xs: Float32Array;
  ys: Float32Array;
  length = 0;
  /** Only one point in `stride` is kept once the column has thinned itself. */
  stride = 1;
  /** Points offered since the last kept point (for the stride). */
  private skipped = 0;
  /** Bumped when points already stored change (thinning, reset): downsample caches must start over. */
  generation = 0;

  constructor(
    private readonly maxPoints = DEFAULT_MAX_POINTS,
    initialCapacity = 1024,
  ) {
    const cap = Math.max(2, Math.min(initialCapacity, maxPoints));
    this.xs = new Float32Array(cap);
    this.ys = new Float32Array(cap);
  }

  get lastX(): number {
    return this.length ? this.xs[this.length - 1] : -Infinity;
  }

  get lastY(): number {
    return this.length ? this.ys[this.length - 1] : NaN;
  }

  /** Appends (x, y) if both are finite and x is past the last x. Returns whether the point was kept. */
  push(x: number, y: number): boolean {
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.fround(x) <= this.lastX) return false;
    // Outside float32's range a value would become infinite: clamp to the largest finite float32.
    if (Math.abs(y) > 3.4e38) y = Math.sign(y) * 3.4e38;
    if (this.stride > 1) {
      this.skipped++;
      if (this.skipped < this.stride) return false;
      this.skipped = 0;
    }
    if (this.length === this.xs.length) {
      if (this.length >= this.maxPoints) this.thin();
      else this.grow();
    }
    this.xs[this.length] = x;
    this.ys[this.length] = y;
    this.length++;
    return true;
  }

  /** Makes room for `n` points in total (one allocation instead of repeated doubling). */
  reserve(n: number): void {
    const cap = Math.min(this.maxPoints, n);
    if (cap > this.xs.length) this.resize(cap);
  }

  clear(): void {
    this.length = 0;
    this.stride = 1;
    this.skipped = 0;
    this.generation++;
  }

  /** Index of the first point with x >= value (binary search; length if none). */
  lowerBound(value: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.xs[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    this.resize(Math.min(this.maxPoints, this.xs.length * 2));
  }

  private resize(cap: number): void {
    const xs = new Float32Array(cap);
    const ys = new Float32Array(cap);
    xs.set(this.xs.subarray(0, this.length));
    ys.set(this.ys.subarray(0, this.length));
    this.xs = xs;
    this.ys = ys;
  }

  /** Keeps every other point (always the first), doubles the stride. */
  private thin(): void {
    let j = 0;
    for (let i = 0; i < this.length; i += 2, j++) {
      this.xs[j] = this.xs[i];
      this.ys[j] = this.ys[i];
    }
    this.length = j;
    this.stride *= 2;
    this.skipped = 0;
    this.generation++;
  }
}
