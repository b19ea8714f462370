// Loading runs for the dashboard: min/max buckets, the worker thread that reads off the host's event
// loop, and the live buffer that holds rows streamed while a record is read.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { METRIC_BIN_COLUMNS, COL, RunWriter, histogramEdges, newComparisonId, runIdFor, type MetricRecord, type RunRecord } from '../../../src/runs';
import { MinMaxBucketer, downsampleRows, evenPick, type RowTable } from '../../../src/panel/minMaxBuckets';
import { RunLoader } from '../../../src/panel/runLoader';
import { readOverview } from '../../../src/panel/runRead';
import { LiveBuffer } from '../../../src/panel/liveBuffer';
import { RECORD_SLICES_PER_POST, RunData } from '../../../src/panel/runData';
import { histogramTableLength, packHistogramSlices, slicesOf } from '../../../src/panel/histogramTable';
import { RunStore } from '../../../webview/data/runStore';
import { toMetricColumns, type HistogramSlice, type HostToWebview, type RunInfo } from '../../../src/protocol/webview';
import type { MetricRow } from '../../../src/protocol/webview';
import { testRunRecord } from '../engine/specs';

/** A table of `n` rows: step i+1, loss f(i), rectified from step 6, valLoss every 10th step. */
function table(n: number, loss: (i: number) => number): RowTable {
  const w = METRIC_BIN_COLUMNS.length;
  const data = new Float64Array(n * w).fill(NaN);
  for (let i = 0; i < n; i++) {
    data[i * w + COL.step] = i + 1;
    data[i * w + COL.loss] = loss(i);
    data[i * w + COL.rectified] = i >= 5 ? 1 : 0;
    if ((i + 1) % 10 === 0) data[i * w + COL.valLoss] = i;
  }
  return { data, rows: n, columns: w };
}

describe('panel: min/max buckets', () => {
  it('sends short ranges whole, at full resolution', () => {
    const c = downsampleRows(table(50, (i) => i * 2), 10, 30, 100);
    assert.deepEqual(Array.from(c.steps), Array.from({ length: 20 }, (_, i) => 11 + i));
    assert.deepEqual(Array.from(c.loss), Array.from({ length: 20 }, (_, i) => (10 + i) * 2));
    assert.ok(Number.isNaN(c.rhoT[0]), 'a missing value stays missing');
    assert.equal(c.rectified[0], 1);
  });

  it('keeps every spike: each bucket gives its min and its max, within maxPoints rows', () => {
    const spikeAt = 123_457;
    const t = table(1_000_000, (i) => (i === spikeAt ? 1e6 : i === 777_777 ? -5 : 1 + (i % 13) * 0.001));
    const c = downsampleRows(t, 0, t.rows, 4000);
    assert.equal(c.steps.length, 4000);
    assert.equal(Math.max(...c.loss), 1e6);
    assert.equal(Math.min(...c.loss), -5);
    // The spike's bucket spans its step.
    const k = c.loss.indexOf(1e6);
    assert.ok(c.steps[k - 1] <= spikeAt + 1 && spikeAt + 1 <= c.steps[k], `bucket ${c.steps[k - 1]}..${c.steps[k]}`);
    // Steps never go back; the first and last steps are the run's.
    for (let i = 1; i < c.steps.length; i++) assert.ok(c.steps[i] >= c.steps[i - 1]);
    assert.equal(c.steps[0], 1);
    assert.equal(c.steps[c.steps.length - 1], 1_000_000);
    // Sparse columns: min/max over the steps that have a value (every bucket of 500 steps has 50).
    assert.ok(c.valLoss.every((v) => !Number.isNaN(v)));
    // rectified: the first bucket holds both states.
    assert.deepEqual([c.rectified[0], c.rectified[1]], [0, 1]);
  });

  it('gives the same buckets fed in chunks of any size as fed whole', () => {
    const t = table(100_003, (i) => Math.sin(i / 77) + (i % 1013 === 0 ? 9 : 0));
    const whole = downsampleRows(t, 0, t.rows, 1000);
    for (const chunk of [1, 4096, 33_333]) {
      const b = new MinMaxBucketer(t.rows, 1000, t.columns);
      for (let r = 0; r < t.rows; r += chunk) {
        const n = Math.min(chunk, t.rows - r);
        b.add(t.data.slice(r * t.columns, (r + n) * t.columns), n);
      }
      assert.deepEqual(b.finish(), whole, `chunks of ${chunk}`);
    }
  });

  it('picks histograms evenly, always with the newest', () => {
    assert.deepEqual(evenPick(5, 10), [0, 1, 2, 3, 4]);
    assert.deepEqual(evenPick(10_000, 4), [0, 3333, 6666, 9999]);
    assert.deepEqual(evenPick(10, 1), [9]);
    assert.equal(new Set(evenPick(10_000, 1000)).size, 1000);
  });
});

function record(): RunRecord {
  return testRunRecord(runIdFor(newComparisonId(new Date(), 'a1b2'), 0, 'RAdam'), { status: 'finished' });
}

describe('panel: the run-loading worker thread', () => {
  let dir: string;
  let loader: RunLoader;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-loader-'));
    // The compiled worker beside the compiled loader (out/src/panel/), as dist/runLoadWorker.js beside dist/extension.js.
    loader = new RunLoader(undefined, 200);
  });
  afterEach(() => {
    loader.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers an overview and a range as read on this thread, with typed arrays, and ends when idle', async () => {
    const w = RunWriter.create(dir, record());
    const ms: MetricRecord[] = Array.from({ length: 20_000 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), lr: 1e-3, rhoT: null, rT: null, rectified: null, effectiveStepSize: 1e-3, gradNorm: null, updateRatio: null, ms: i }));
    w.appendMetrics(ms);
    const layer = (name: string, k: number) => ({ name, counts: [k, 1, 2], zeros: 0, total: k + 3 });
    w.appendHistograms(Array.from({ length: 30 }, (_, i) => ({ step: (i + 1) * 100, lo: -20, hi: 0, bins: 3, edges: histogramEdges(-20, 0, 3), counts: [i, 2, 3], zeros: 1, total: i + 6, layers: [layer('dense1', i), layer('dense2', 2 * i)] })));
    w.close();
    const o = await loader.overview({ dir: w.dir, maxPoints: 1000, maxHistograms: 10 });
    const here = readOverview({ dir: w.dir, maxPoints: 1000, maxHistograms: 10 });
    assert.deepEqual({ ...o, histograms: slicesOf(o.histograms, 0, histogramTableLength(o.histograms)) }, here);
    assert.equal(here.histograms.length, 30, '10 histograms, each with its 2 layers');
    // Nothing in the reply is an array of objects for the host to deserialize: columns and histograms are typed arrays.
    assert.ok(o.columns.steps instanceof Float64Array && o.columns.lr instanceof Float32Array);
    assert.ok(o.histograms.counts instanceof Float64Array && o.histograms.steps instanceof Float64Array);
    assert.deepEqual(o.histograms.layerNames, ['dense1', 'dense2']);
    assert.equal(o.totalRows, 20_000);
    const r = await loader.range({ dir: w.dir, fromStep: 5000, toStep: 5999, maxPoints: 2000 });
    assert.equal(r.totalRows, 1000);
    assert.deepEqual(Array.from(r.columns.loss), ms.slice(4999, 5999).map((m) => m.loss));
    assert.ok(loader.running);
    await new Promise((res) => setTimeout(res, 600));
    assert.ok(!loader.running, 'the worker ends after its idle time');
    // And starts again on the next request.
    assert.equal((await loader.range({ dir: w.dir, fromStep: 1, toStep: 3, maxPoints: 10 })).totalRows, 3);
  });

  it('rejects a request whose read fails, and goes on serving', async () => {
    await assert.rejects(loader.overview({ dir: path.join(dir, 'nope', '\0bad'), maxPoints: 10, maxHistograms: 1 }));
    assert.equal((await loader.overview({ dir, maxPoints: 10, maxHistograms: 1 })).totalRows, 0);
  });
});

describe('panel: live buffer', () => {
  const row = (step: number): MetricRow => ({ step, loss: 1, lr: 1, rhoT: null, rT: null, rectified: null, effectiveStepSize: 1, gradNorm: null, updateRatio: null });

  it('holds rows only while a read of that run is open, and hands them to that read', () => {
    const b = new LiveBuffer(100);
    assert.equal(b.holdMetrics('r', [row(1)]), false);
    const t = b.begin('r');
    assert.equal(b.holdMetrics('r', [row(2), row(3)]), true);
    assert.equal(b.holdMetrics('s', [row(2)]), false);
    const newer = b.begin('r');
    assert.equal(b.end('r', t), undefined, 'a newer read took over');
    b.holdMetrics('r', [row(4)]);
    assert.deepEqual(b.end('r', newer)?.metrics.map((r) => r.step), [4]);
    assert.equal(b.holdMetrics('r', [row(5)]), false);
  });

  it('gives up its rows past its bound and marks the read stale (it is read again)', () => {
    const b = new LiveBuffer(10);
    const t = b.begin('r');
    b.holdMetrics('r', Array.from({ length: 8 }, (_, i) => row(i)));
    b.holdMetrics('r', Array.from({ length: 8 }, (_, i) => row(8 + i)));
    const held = b.end('r', t)!;
    assert.equal(held.stale, true);
    assert.equal(held.metrics.length, 0);
  });
});

describe('panel: a live run opened while it streams', () => {
  // The dashboard reads a running run's record while the trainer streams on. Rows that stream during the
  // read are held and follow the record; rows that stream while those held rows are being posted must come
  // after them, or the webview (which keeps only steps past its last) drops the held ones.
  const metric = (step: number): MetricRecord => ({ step, loss: 1 / step, lr: 0.001, rhoT: null, rT: null, rectified: null, effectiveStepSize: 0.001, gradNorm: null, updateRatio: null, ms: step });
  const hist = (step: number) => ({ step, lo: -20, hi: 0, bins: 2, edges: [-20, -10, 0], counts: [1, 2], zeros: 0, total: 3 });

  it('the webview ends up with every histogram slice and every step, in order', async () => {
    const id = runIdFor(newComparisonId(), 0, 'RAdam');
    const posted: HostToWebview[] = [];
    let data!: RunData;
    let streamedAfterHeld = false;
    const loader = {
      // The read: steps 1..40 and slices 10..40 stream while it runs (held), the record itself is empty.
      async overview() {
        data.pushMetrics(id, Array.from({ length: 40 }, (_, i) => metric(i + 1)));
        data.pushHistograms(id, [10, 20, 30, 40].map(hist));
        await new Promise((r) => setTimeout(r, 1));
        return { columns: toMetricColumns([]), histograms: packHistogramSlices([]), totalRows: 0, source: 'jsonl' as const, skipped: 0 };
      },
      dispose() {},
    } as unknown as RunLoader;
    data = new RunData({
      post: (msg) => {
        posted.push(msg);
        // The first post after the read (the held rows): the next live batch arrives while it is in flight.
        if (msg.type === 'metricColumns' && !msg.reset && !streamedAfterHeld) {
          streamedAfterHeld = true;
          setTimeout(() => {
            data.pushMetrics(id, [metric(41), metric(50)]);
            data.pushHistograms(id, [hist(50)]);
          }, 0);
        }
        return new Promise<boolean>((r) => setTimeout(() => r(true), 5));
      },
      log: () => {},
      loader,
      info: () => ({ id, live: true, label: 'RAdam' }) as unknown as RunInfo,
      runDir: () => '/tmp',
      forwarded: () => true,
    });
    await data.send(id);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(streamedAfterHeld);
    const store = new RunStore();
    for (const m of posted) {
      if (m.type === 'metricColumns') store.ingestColumns(id, m.columns, m.reset);
      if (m.type === 'histograms') store.ingestHistograms(id, m.rows, m.reset);
    }
    const run = store.get(id)!;
    assert.deepEqual(run.histograms.get('')!.slices.map((s) => s.step), [10, 20, 30, 40, 50]);
    assert.equal(run.lastStep, 50);
  });
});

describe('panel: histogram slices packed by the worker', () => {
  const slice = (step: number, edges: number[], counts: number[], layer?: string): HistogramSlice => ({ step, ...(layer ? { layer } : {}), edges, counts, zeros: step % 7, total: step + 0.5 });

  it('unpacks to the same slices: layers, bin counts that differ, edge sets by value and by identity', () => {
    const e3 = [-20, -10, -5, 0];
    const slices = [
      slice(1, e3, [1, 2, 3]),
      slice(1, e3, [0, 0, 1], 'dense1/kernel'),
      slice(2, [-20, -10, -5, 0], [4, NaN, 6]), // equal values, another array
      slice(2, [-20, -10, -5, 0], [7, 8, 9], 'dense1/kernel'),
      slice(3, [-8, 0, 8], [1e300, -0]), // another set, 2 bins
      slice(4, e3, [1, 1, 1], 'head'),
    ];
    const t = packHistogramSlices(slices);
    assert.equal(histogramTableLength(t), 6);
    assert.deepEqual(slicesOf(t, 0, 6), slices);
    assert.deepEqual(slicesOf(t, 2, 4), slices.slice(2, 4), 'any range of them');
    assert.deepEqual(slicesOf(t, 5, 99), slices.slice(5), 'a range past the end stops at the end');
    assert.deepEqual(Array.from(t.edgesStart), [0, 4, 7], 'two edge sets stored, not one per slice');
    assert.deepEqual(t.layerNames, ['dense1/kernel', 'head']);
  });

  it('packs nothing to an empty table', () => {
    const t = packHistogramSlices([]);
    assert.equal(histogramTableLength(t), 0);
    assert.deepEqual(slicesOf(t, 0, 100), []);
  });
});

describe("panel: a record's histograms posted in messages the host's event loop runs between", () => {
  it('posts every slice in order, at most RECORD_SLICES_PER_POST a message, the first with reset, and lets other work run between two', async () => {
    const id = runIdFor(newComparisonId(), 0, 'RAdam');
    const n = 2 * RECORD_SLICES_PER_POST + 17;
    const slices = Array.from({ length: n }, (_, i) => ({ step: i + 1, edges: [-20, -10, 0], counts: [i, 1], zeros: 0, total: i + 1 }));
    const events: string[] = [];
    const posted: HostToWebview[] = [];
    const loader = {
      overview: () => Promise.resolve({ columns: toMetricColumns([]), histograms: packHistogramSlices(slices), totalRows: 0, source: 'binary' as const, skipped: 0 }),
      dispose() {},
    } as unknown as RunLoader;
    const data = new RunData({
      post: (msg) => {
        posted.push(msg);
        if (msg.type === 'histograms') {
          events.push(`post ${msg.rows.length}`);
          // Work another part of the extension host queued meanwhile (a timer, I/O): it must not wait for the last post.
          if (msg.reset) setImmediate(() => events.push('other work'));
        }
        return Promise.resolve(true);
      },
      log: () => {},
      loader,
      info: () => ({ id, live: false, label: 'RAdam', lastStep: n }) as unknown as RunInfo,
      runDir: () => '/tmp',
      forwarded: () => true,
    });
    await data.send(id);
    const hist = posted.filter((m) => m.type === 'histograms');
    assert.deepEqual(events.filter((e) => e.startsWith('post')), [`post ${RECORD_SLICES_PER_POST}`, `post ${RECORD_SLICES_PER_POST}`, 'post 17']);
    assert.deepEqual(hist.map((m) => m.reset), [true, false, false]);
    assert.deepEqual(hist.flatMap((m) => m.rows), slices);
    assert.ok(events.indexOf('other work') < events.lastIndexOf('post 17') && events.indexOf('other work') > 0, `other work ran between the posts: ${events.join(', ')}`);
  });
});

describe("panel: an imported run's histograms posted in messages the host's event loop runs between", () => {
  it('posts the record in small messages, lets other work run between them, and a live update held meanwhile follows the record', async () => {
    const id = 'tb-run';
    const n = 2 * RECORD_SLICES_PER_POST + 50;
    const slice = (step: number) => ({ step, edges: [-20, -10, 0], counts: [step, 1], zeros: 0, total: step + 1 });
    const slices = Array.from({ length: n }, (_, i) => slice(i + 1));
    const events: string[] = [];
    const external = {
      has: (r: string) => r === id,
      whole: () => Promise.resolve({ columns: toMetricColumns([]), histograms: slices, scalars: [] }),
    } as unknown as NonNullable<ConstructorParameters<typeof RunData>[0]['external']>;
    const data: RunData = new RunData({
      post: (msg) => {
        if (msg.type === 'histograms') events.push(`histograms ${msg.rows[0]?.step}..${msg.rows[msg.rows.length - 1]?.step}`);
        else events.push(msg.type);
        if (msg.type === 'histograms' && msg.reset) {
          setImmediate(() => {
            events.push('other work');
            // A live update of the same run read meanwhile: it must come after the whole record.
            data.pushExternal({ runId: id, columns: toMetricColumns([]), reset: false, histograms: [slice(n + 1)], histogramsReset: false, scalars: [] });
          });
        }
        return Promise.resolve(true);
      },
      log: () => {},
      loader: { dispose() {} } as unknown as RunLoader,
      info: () => undefined,
      runDir: () => undefined,
      forwarded: () => true,
      external,
    });
    await data.send(id);
    const last = RECORD_SLICES_PER_POST * 2;
    assert.deepEqual(events, [
      'metricColumns',
      `histograms 1..${RECORD_SLICES_PER_POST}`,
      'other work',
      `histograms ${RECORD_SLICES_PER_POST + 1}..${last}`,
      `histograms ${last + 1}..${n}`,
      `histograms ${n + 1}..${n + 1}`,
    ]);
  });
});
