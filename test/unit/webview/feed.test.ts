import assert from 'node:assert/strict';
import { XYColumn } from '../../../webview/data/columns';
import { MIN_POINTS_PER_SERIES, POINTS_PER_SERIES, pointsForWidth, SeriesFeed } from '../../../webview/charts/feed';

function column(n: number, f: (i: number) => number): XYColumn {
  const c = new XYColumn();
  for (let i = 0; i < n; i++) c.push(i + 1, f(i));
  return c;
}

describe('webview: series feed (column -> chart points)', () => {
  it('gives at most the target number of points, first and last included, in step order', () => {
    const col = column(100_000, (i) => Math.sin(i / 100));
    const feed = new SeriesFeed(1500);
    assert.ok(feed.fill(col));
    assert.ok(feed.points.length <= 1500 && feed.points.length > 1000, String(feed.points.length));
    assert.equal(feed.points[0].x, 1);
    assert.equal(feed.points[feed.points.length - 1].x, 100_000);
    for (let i = 1; i < feed.points.length; i++) assert.ok(feed.points[i].x > feed.points[i - 1].x);
    assert.ok(!feed.fill(col), 'nothing new: no change');
  });

  it('asks for one point per device pixel of the plot, within its bounds', () => {
    assert.equal(pointsForWidth(450, 1), 450);
    assert.equal(pointsForWidth(450, 2), 900);
    assert.equal(pointsForWidth(1200, 2), POINTS_PER_SERIES);
    assert.equal(pointsForWidth(60, 1), MIN_POINTS_PER_SERIES);
    assert.equal(pointsForWidth(NaN, 1), POINTS_PER_SERIES);
  });

  it('downsamples again to a new point budget (the plot was resized)', () => {
    const col = column(100_000, (i) => Math.sin(i / 100));
    const feed = new SeriesFeed(1500);
    feed.fill(col);
    assert.ok(feed.points.length > 1000);
    feed.setTarget(400);
    assert.ok(feed.fill(col), 'the same column is drawn again');
    assert.ok(feed.points.length <= 400 && feed.points.length > 300, String(feed.points.length));
    assert.equal(feed.points[feed.points.length - 1].x, 100_000);
    feed.setTarget(400);
    assert.ok(!feed.fill(col), 'same budget, nothing new: no change');
    // A zoomed range keeps the budget the feed was made with: every step of a short range.
    const xs = Float64Array.from({ length: 100_000 }, (_, i) => i + 1);
    const ys = Float64Array.from(xs, (x) => Math.sin(x / 100));
    assert.ok(feed.fillRange({ xs, ys, lo: 1000, hi: 2000, key: 'k', base: 'b' }));
    assert.equal(feed.points.length, 1000, 'all 1,000 points of the range, over a 400-point budget');
  });

  it('reuses its point objects across refills (no garbage per frame)', () => {
    const col = column(5000, (i) => i);
    const feed = new SeriesFeed(500);
    feed.fill(col);
    const first = feed.points[10];
    col.push(5001, 1);
    feed.fill(col);
    assert.equal(feed.points[10], first);
  });

  it('keeps a dense head for logarithmic step axes', () => {
    const col = column(100_000, (i) => i % 7);
    const feed = new SeriesFeed(1500);
    feed.fill(col, false, 400);
    assert.ok(feed.points.length <= 1500);
    for (let i = 0; i < 400; i++) assert.equal(feed.points[i].x, i + 1, 'the first 400 steps all drawn');
    assert.equal(feed.points[feed.points.length - 1].x, 100_000);
  });

  it('drops non-positive values for a logarithmic value axis', () => {
    const col = column(100, (i) => i - 50);
    const feed = new SeriesFeed(1500);
    feed.fill(col, true);
    assert.equal(feed.points.length, 49);
    assert.ok(feed.points.every((p) => p.y > 0));
  });
});

describe('webview: series feed, constant stretches', () => {
  it('keeps only the ends of a run of equal values', () => {
    const col = column(10_000, (i) => (i < 2000 ? i / 2000 : 1)); // warmup, then constant
    const feed = new SeriesFeed(1500);
    feed.fill(col);
    const flat = feed.points.filter((p) => p.y === 1);
    assert.equal(flat.length, 2, 'the constant part is one segment');
    assert.equal(feed.points[feed.points.length - 1].x, 10_000);
    assert.ok(feed.points.length < 400, String(feed.points.length));
  });
});
