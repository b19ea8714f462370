import assert from 'node:assert/strict';
import { assignSlots, defaultState, sanitizeState } from '../../../webview/state';
import { mix, parseColor, rgba } from '../../../webview/data/colors';

describe('webview: view state', () => {
  it('falls back to defaults for anything malformed', () => {
    assert.deepEqual(sanitizeState(null), defaultState());
    assert.deepEqual(sanitizeState('x'), defaultState());
    const s = sanitizeState({ shownRunIds: ['ok-1', '../etc', 5], smoothing: 7, lossScale: 'log', colors: { 'ok-1': 2, '../x': 1, b: -1 }, histogramStep: 'x' });
    assert.deepEqual(s.shownRunIds, ['ok-1']);
    assert.equal(s.smoothing, defaultState().smoothing);
    assert.equal(s.lossScale, 'log');
    assert.deepEqual(s.colors, { 'ok-1': 2 });
    assert.equal(s.histogramStep, null);
  });

  it('a run keeps its colour slot; new runs take the smallest free one', () => {
    assert.deepEqual(assignSlots(['a', 'b', 'c'], {}), { a: 0, b: 1, c: 2 });
    assert.deepEqual(assignSlots(['b', 'c', 'd'], { a: 0, b: 1, c: 2 }), { b: 1, c: 2, d: 0 });
    assert.deepEqual(assignSlots(['x', 'y'], { x: 3, y: 3 }), { x: 3, y: 0 });
  });
});

describe('webview: theme colours', () => {
  it('parses the colour forms VS Code variables use', () => {
    assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff, 255]);
    assert.deepEqual(parseColor('#fff'), [255, 255, 255, 255]);
    assert.deepEqual(parseColor('#00000080'), [0, 0, 0, 128]);
    assert.deepEqual(parseColor('rgba(10, 20, 30, 0.5)'), [10, 20, 30, 128]);
    assert.deepEqual(parseColor('rgb(1 2 3)'), [1, 2, 3, 255]);
    assert.equal(parseColor('transparent'), null);
  });

  it('mixes and formats', () => {
    assert.deepEqual(mix([255, 255, 255, 255], [0, 0, 0, 255], 0.5), [128, 128, 128, 255]);
    assert.equal(rgba([1, 2, 3, 255], 0.25), 'rgba(1, 2, 3, 0.25)');
  });
});
