// Long builds on the extension host in time slices: a build is a generator that pauses (yields) at
// points where it may stop; drainSliced runs it and gives the event loop back whenever a slice has run
// for `sliceMs`, so VS Code (whose extension host every extension shares) never waits long; drain runs
// the same build at once (tests, small inputs).
import { yieldToLoop } from './eventFile';

/** Milliseconds a slice runs before it yields (issue 16: no host block over 50 ms). */
export const SLICE_MS = 20;

export function drain<T>(build: Generator<void, T>): T {
  for (;;) {
    const r = build.next();
    if (r.done) return r.value;
  }
}

export async function drainSliced<T>(build: Generator<void, T>, sliceMs = SLICE_MS): Promise<T> {
  let start = performance.now();
  for (;;) {
    const r = build.next();
    if (r.done) return r.value;
    if (performance.now() - start >= sliceMs) {
      await yieldToLoop();
      start = performance.now();
    }
  }
}
