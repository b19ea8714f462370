// The extension host of the dashboard bench's open-from-disk phase (dashboard.bench.mjs, phase 0), forked as
// a child process so that its event loop is measured alone: it does what the extension host does when the
// dashboard asks for runs (panelRequests.ts requestRunData: RunData.send per run, in order, through the
// built RunLoader and its worker thread dist/runLoadWorker.js) and nothing else. Its webview.postMessage is
// played by `post`: each message serialized as VS Code's extension host serializes a webview message (JSON,
// with every typed array's bytes taken out as a binary buffer beside it), then written to the parent over
// Node IPC; the parent forwards it to the page through Playwright (bench plumbing, in the parent's process,
// not measured here). A post resolves when the parent has handed the message to the page, as VS Code's
// resolves when the message reached the webview's side.
//
// Protocol with the parent (process.send, serialization 'advanced'):
//   child → parent  { type: 'ready' }                          (forked, modules loaded)
//   parent → child  { type: 'open', runsDir, runInfos, workerFile, root }
//   child → parent  { type: 'post', seq, json, buffers }      parent → child { type: 'posted', seq }
//   child → parent  { type: 'opened', figures }               (then the child exits when disconnected)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

/** The TypedArray class names the page can rebuild (those the webview protocol uses and a few more). */
const TYPED = new Set(['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array']);

/**
 * A message as the extension host's webview.postMessage serializes it: one JSON string in which each typed
 * array is a reference to a binary buffer sent beside it (the buffer's bytes are copied, as VS Code copies
 * them into its RPC message). The cost on the host's thread is this stringify and that copy.
 */
export function serializeAsVsCode(message) {
  const buffers = [];
  const json = JSON.stringify(message, (_key, value) => {
    if (ArrayBuffer.isView(value) && TYPED.has(value.constructor.name)) {
      buffers.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      return { $typed: value.constructor.name, index: buffers.length - 1 };
    }
    return value;
  });
  return { json, buffers: buffers.map((b) => new Uint8Array(b)) };
}

/**
 * The main thread's time on a CPU and waiting for one (ms, Linux's /proc/<pid>/task/<tid>/schedstat; the
 * main thread's tid is the pid), so that a gap of the probe can be split into this thread's work and the
 * time the machine's other work kept it off the CPUs (what is neither: the thread was not runnable, or its
 * virtual CPU was not running: steal time is in neither count). Undefined elsewhere.
 */
function schedTimes() {
  try {
    const [run, wait] = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return undefined;
  }
}

async function open({ runsDir, runInfos, workerFile, root }) {
  const { RunLoader } = require(join(root, 'out', 'src', 'panel', 'runLoader.js'));
  const { RunData } = require(join(root, 'out', 'src', 'panel', 'runData.js'));
  const infos = new Map(runInfos.map((r) => [r.id, r]));
  let seq = 0;
  const waiting = new Map();
  process.on('message', (m) => {
    if (m?.type !== 'posted') return;
    waiting.get(m.seq)?.(true);
    waiting.delete(m.seq);
  });
  const loader = new RunLoader(workerFile);
  const data = new RunData({
    post: (msg) => {
      const { json, buffers } = serializeAsVsCode(msg);
      const s = seq++;
      return new Promise((resolve) => {
        waiting.set(s, resolve);
        process.send({ type: 'post', seq: s, json, buffers });
      });
    },
    log: (line) => process.stderr.write(`${line}\n`),
    loader,
    info: (id) => infos.get(id),
    runDir: (id) => (infos.has(id) ? join(runsDir, id) : undefined),
    forwarded: (id) => infos.has(id),
  });

  // The event loop: the histogram of delays and a 1 ms probe (its longest gap), with memory.
  global.gc?.();
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const t0 = performance.now();
  // The same instant on the monotonic clock a --cpu-prof profile's timestamps use (µs), to find a gap in it.
  const t0MonotonicUs = Number(process.hrtime.bigint() / 1000n);
  let lastTick = t0;
  let maxGap = 0;
  let maxGapAt = 0;
  let peakRss = 0;
  let peakHeap = 0;
  const gaps = [];
  let lastSched = schedTimes();
  let maxGapSched;
  const probe = setInterval(() => {
    const now = performance.now();
    const gap = now - lastTick;
    const sched = schedTimes();
    // The gap's parts: on this thread's CPU (the loop's own work, and the probe) and waiting for a CPU.
    const split = sched && lastSched ? { onCpuMs: sched.runMs - lastSched.runMs, waitingForCpuMs: sched.waitMs - lastSched.waitMs } : undefined;
    if (gap > 20) gaps.push({ atMs: lastTick - t0, ms: gap, ...split });
    if (gap > maxGap) {
      maxGap = gap;
      maxGapAt = lastTick - t0;
      maxGapSched = split;
    }
    lastTick = now;
    lastSched = sched;
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 1);
  eld.enable();
  const baseRss = process.memoryUsage().rss;
  const hostMs = [];
  const failed = [];
  // panelRequests.ts requestRunData: one run after the other.
  for (const id of infos.keys()) {
    try {
      await data.send(id);
    } catch (e) {
      failed.push({ id, error: e instanceof Error ? e.message : String(e) });
    }
    hostMs.push(performance.now() - t0);
  }
  // A last tick of the probe after the final post, so a block at the very end is counted too.
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(probe);
  eld.disable();
  data.dispose();
  return {
    hostMessagesMs: hostMs,
    hostT0MonotonicUs: t0MonotonicUs,
    failed,
    messages: seq,
    hostMaxBlockMs: Math.max(maxGap, eld.max / 1e6),
    hostProbeMaxGapMs: maxGap,
    hostProbeMaxGapAtMs: maxGapAt,
    hostProbeMaxGapOnCpuMs: maxGapSched?.onCpuMs ?? null,
    hostProbeMaxGapWaitingMs: maxGapSched?.waitingForCpuMs ?? null,
    hostLongestOnCpuGapMs: gaps.reduce((m, g) => Math.max(m, g.onCpuMs ?? 0), 0),
    hostProbeGapsOver20Ms: gaps,
    hostEldMaxMs: eld.max / 1e6,
    hostEldP99Ms: eld.percentile(99) / 1e6,
    hostPeakRssMB: peakRss / 1048576,
    hostRssGrowthMB: (peakRss - baseRss) / 1048576,
    hostPeakHeapMB: peakHeap / 1048576,
  };
}

if (process.send) {
  process.on('message', (m) => {
    if (m?.type !== 'open') return;
    open(m).then(
      (figures) => process.send({ type: 'opened', figures }),
      (e) => process.send({ type: 'opened', error: e instanceof Error ? e.stack : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready' });
}
