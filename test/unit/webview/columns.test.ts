import assert from 'node:assert/strict';
import { XYColumn } from '../../../webview/data/columns';

describe('webview: XYColumn', () => {
  it('keeps finite points with increasing x only', () => {
    const c = new XYColumn();
    assert.ok(c.push(1, 1));
    assert.ok(!c.push(1, 2), 'same x');
    assert.ok(!c.push(0, 2), 'earlier x');
    assert.ok(!c.push(2, NaN));
    assert.ok(!c.push(3, Infinity));
    assert.ok(c.push(4, -2));
    assert.equal(c.length, 2);
    assert.equal(c.lastX, 4);
    assert.equal(c.lastY, -2);
  });

  it('grows past its initial capacity', () => {
    const c = new XYColumn(1 << 20, 4);
    for (let i = 0; i < 10_000; i++) c.push(i, i * 2);
    assert.equal(c.length, 10_000);
    assert.equal(c.ys[9_999], 19_998);
  });

  it('stays bounded: thins to every other point and keeps a stride', () => {
    const c = new XYColumn(1000, 16);
    for (let i = 0; i < 100_000; i++) c.push(i, i);
    assert.ok(c.length <= 1000, `${c.length}`);
    assert.ok(c.length >= 500);
    assert.ok(c.stride > 1);
    assert.ok(c.generation > 0);
    for (let i = 1; i < c.length; i++) assert.ok(c.xs[i] > c.xs[i - 1]);
    assert.ok(c.lastX > 99_000, 'recent points are kept');
  });

  it('lowerBound finds the first x >= value', () => {
    const c = new XYColumn();
    for (const x of [1, 3, 5, 7]) c.push(x, 0);
    assert.equal(c.lowerBound(0), 0);
    assert.equal(c.lowerBound(3), 1);
    assert.equal(c.lowerBound(4), 2);
    assert.equal(c.lowerBound(8), 4);
  });
});
