import assert from 'node:assert/strict';
import { FrameScheduler, type Renderable } from '../../../webview/scheduler';

// A manual animation-frame clock.
let queue: Array<() => void> = [];
(globalThis as unknown as { requestAnimationFrame: (cb: () => void) => number }).requestAnimationFrame = (cb) => {
  queue.push(cb);
  return queue.length;
};
function frame(): void {
  const q = queue;
  queue = [];
  for (const cb of q) cb();
}

function view(name: string, log: string[], opts: { minIntervalMs?: number; costMs?: number; parts?: number; heavy?: boolean } = {}): Renderable {
  let parts = opts.parts ?? 1;
  return {
    minIntervalMs: opts.minIntervalMs ?? 0,
    heavy: opts.heavy,
    render() {
      const until = performance.now() + (opts.costMs ?? 0);
      while (performance.now() < until) {
        /* spin */
      }
      log.push(name);
      parts--;
      if (parts > 0) return false;
      parts = opts.parts ?? 1;
      return true;
    },
  };
}

describe('webview: frame scheduler', () => {
  beforeEach(() => (queue = []));

  it('renders a dirty view once per frame however often it is marked', () => {
    const log: string[] = [];
    const a = view('a', log);
    const s = new FrameScheduler(() => [a]);
    for (let i = 0; i < 50; i++) s.markDirty([a]);
    assert.equal(queue.length, 1, 'one frame requested');
    frame();
    assert.deepEqual(log, ['a']);
    frame();
    assert.deepEqual(log, ['a'], 'nothing dirty, nothing drawn');
  });

  it('keeps a frame within its budget: expensive views wait for the next frame, oldest first', () => {
    const log: string[] = [];
    const views = ['a', 'b', 'c'].map((n) => view(n, log, { costMs: 4 }));
    const s = new FrameScheduler(() => views, undefined, 6);
    s.markDirty();
    frame(); // costs unknown yet: a (4 ms) then b would exceed? first frame learns costs
    frame();
    frame();
    frame();
    assert.deepEqual([...log].sort(), ['a', 'b', 'c']);
    // Once costs are known, at most one 4 ms view fits a 6 ms budget.
    log.length = 0;
    s.markDirty();
    frame();
    assert.equal(log.length, 1);
    frame();
    frame();
    assert.deepEqual([...log].sort(), ['a', 'b', 'c']);
  });

  it('renders at most one heavy (canvas) view per frame, cheap ones beside it, oldest first', () => {
    const log: string[] = [];
    const charts = ['loss', 'rho', 'lr'].map((n) => view(n, log, { heavy: true }));
    const list = view('list', log);
    // A large budget: without the heavy rule all four would render in the first frame.
    const s = new FrameScheduler(() => [...charts, list], undefined, 1000, 10_000);
    s.markDirty();
    frame();
    assert.deepEqual(log, ['loss', 'list']);
    frame();
    assert.deepEqual(log, ['loss', 'list', 'rho']);
    frame();
    assert.deepEqual(log, ['loss', 'list', 'rho', 'lr']);
    assert.equal(s.pendingViews, 0);
  });

  it('still renders heavy views together once they are overdue (data reaches the screen)', async () => {
    const log: string[] = [];
    const charts = ['loss', 'rho', 'lr'].map((n) => view(n, log, { heavy: true }));
    const s = new FrameScheduler(() => charts, undefined, 1000, 5);
    s.markDirty();
    await new Promise((r) => setTimeout(r, 20));
    frame();
    assert.deepEqual(log, ['loss', 'rho', 'lr'], 'waited longer than maxWaitMs: all drawn');
  });

  it('calls a view again next frame when it reports more to do', () => {
    const log: string[] = [];
    const h = view('h', log, { parts: 3 });
    const s = new FrameScheduler(() => [h]);
    s.markDirty();
    frame();
    frame();
    frame();
    frame();
    assert.deepEqual(log, ['h', 'h', 'h']);
    assert.equal(s.pendingViews, 0);
  });

  it('reports rendered frames to listeners and survives a throwing view', () => {
    const errors: unknown[] = [];
    const bad: Renderable = {
      minIntervalMs: 0,
      render() {
        throw new Error('boom');
      },
    };
    const log: string[] = [];
    const ok = view('ok', log);
    const s = new FrameScheduler(() => [bad, ok], (e) => errors.push(e), 100);
    let frames = 0;
    s.onFrame(() => frames++);
    s.markDirty();
    frame();
    assert.equal(errors.length, 1);
    assert.deepEqual(log, ['ok']);
    assert.equal(frames, 1);
  });
});
