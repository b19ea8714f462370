// The binary side files of a run (src/runs/columnar.ts): what the writer puts there reads back as the
// JSON lines hold it, a cut row is ignored and trimmed, and runs without them (older runs, given-up
// files) read from their JSON lines with the same result.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  COL,
  HISTOGRAMS_BIN_FILE,
  HISTOGRAMS_FILE,
  METRICS_BIN_FILE,
  METRICS_FILE,
  METRIC_BIN_COLUMNS,
  RunWriter,
  decodeHistogramRow,
  histogramEdges,
  lastMetricsStep,
  newComparisonId,
  readHistogramsTable,
  readMetricsStepRange,
  readMetricsTable,
  readRun,
  reconcileRun,
  runIdFor,
  toJsonLines,
  trimTornRows,
  type HistogramRecord,
  type MetricRecord,
  type RunRecord,
} from '../../../src/runs';
import { readOverview, readRange } from '../../../src/panel/runRead';
import { testRunRecord } from '../engine/specs';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-columnar-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function record(over: Partial<RunRecord> = {}): RunRecord {
  return testRunRecord(runIdFor(newComparisonId(new Date(), Math.random().toString(16).slice(2, 6)), 0, 'RAdam'), over);
}

/** Metric records with every kind of value: nulls, both rectified states, evaluations on some steps. */
function metrics(from: number, to: number): MetricRecord[] {
  const out: MetricRecord[] = [];
  for (let t = from; t <= to; t++) {
    const rectified = t > 5;
    const m: MetricRecord = {
      step: t,
      loss: 2 / t + (t % 7) * 0.01,
      lr: 1e-3 * Math.min(1, t / 10),
      rhoT: t * 0.5,
      rT: rectified ? 0.1 + t / 1000 : null,
      rectified,
      effectiveStepSize: rectified ? 1e-4 : 0,
      gradNorm: t % 3 ? 1 / t : null,
      updateRatio: t % 3 ? 1e-3 : null,
      ms: t * 4.5,
    };
    if (t % 10 === 0) {
      m.valLoss = 1 / t;
      m.valAccuracy = 0.5 + t / 1000;
    }
    out.push(m);
  }
  return out;
}

function histogram(step: number, layers = ['dense/kernel', 'dense/bias']): HistogramRecord {
  const bins = 6;
  const counts = Array.from({ length: bins }, (_, i) => step + i);
  const layerRecs = layers.map((name, k) => ({ name, counts: counts.map((c) => c * (k + 1)), zeros: k, total: counts.reduce((a, b) => a + b, 0) * (k + 1) + k }));
  return { step, lo: -20, hi: 0, bins, edges: histogramEdges(-20, 0, bins), counts, zeros: 2, total: counts.reduce((a, b) => a + b, 0) + 2, ...(layers.length ? { layers: layerRecs } : {}) };
}

/** A metric record as its binary row reads back (null and absent values are NaN). */
function expectedRow(m: MetricRecord): number[] {
  return METRIC_BIN_COLUMNS.map((k) => {
    if (k === 'rectified') return m.rectified === true ? 1 : m.rectified === false ? 0 : NaN;
    const v = m[k];
    return typeof v === 'number' ? v : NaN;
  });
}

function rowOf(data: Float64Array, columns: number, i: number): number[] {
  return Array.from(data.subarray(i * columns, i * columns + METRIC_BIN_COLUMNS.length));
}

function writeRun(ms: MetricRecord[], hs: HistogramRecord[], batch = 25): { w: RunWriter; runDir: string } {
  const w = RunWriter.create(dir, record());
  for (let i = 0; i < ms.length; i += batch) w.appendMetrics(ms.slice(i, i + batch));
  for (let i = 0; i < hs.length; i += 3) w.appendHistograms(hs.slice(i, i + 3));
  return { w, runDir: w.dir };
}

describe('runs: binary side files (metrics.f64, histograms.f64)', () => {
  it('read back every metric value the JSON lines hold, nulls as NaN', () => {
    const ms = metrics(1, 237);
    const { w, runDir } = writeRun(ms, []);
    w.close();
    const t = readMetricsTable(path.join(runDir, METRICS_BIN_FILE))!;
    assert.equal(t.rows, ms.length);
    assert.equal(t.tornBytes, 0);
    ms.forEach((m, i) => assert.deepEqual(rowOf(t.data, t.columns, i), expectedRow(m), `step ${m.step}`));
    // The JSON lines are unchanged: the readable record.
    assert.deepEqual(readRun(dir, w.record.id)!.metrics, ms);
  });

  it('store the bin edges once; histogram lines leave them out and readers derive the same edges', () => {
    const hs = [10, 20, 30, 40, 50].map((s) => histogram(s));
    const { w, runDir } = writeRun([], hs);
    w.close();
    const line = fs.readFileSync(path.join(runDir, HISTOGRAMS_FILE), 'utf8').split('\n')[0];
    assert.ok(!('edges' in JSON.parse(line)), 'a histogram line carries no edges');
    const t = readHistogramsTable(path.join(runDir, HISTOGRAMS_BIN_FILE))!;
    assert.deepEqual(t.layout.edges, histogramEdges(-20, 0, 6));
    assert.deepEqual(t.layout.layers, ['dense/kernel', 'dense/bias']);
    assert.equal(t.rows, hs.length);
    hs.forEach((h, i) => assert.deepEqual(decodeHistogramRow(t.layout, t.data, i), h));
    assert.deepEqual(readRun(dir, w.record.id)!.histograms, hs);
  });

  it('ignore a cut last row, which recovery trims; a cut header removes the file', () => {
    const ms = metrics(1, 40);
    const { w, runDir } = writeRun(ms, [histogram(10)]);
    w.close();
    const file = path.join(runDir, METRICS_BIN_FILE);
    const whole = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.alloc(8 * 5, 7)); // 5 of a row's 12 floats: a writer killed mid-row
    const t = readMetricsTable(file)!;
    assert.equal(t.rows, 40);
    assert.equal(t.tornBytes, 40);
    assert.equal(lastMetricsStep(file), 40);
    assert.equal(trimTornRows(file, 'metrics'), 40);
    assert.equal(fs.statSync(file).size, whole);
    fs.truncateSync(file, 10); // not even a whole header
    assert.equal(readMetricsTable(file), undefined);
    assert.equal(trimTornRows(file, 'metrics'), 10);
    assert.ok(!fs.existsSync(file));
  });

  it('are removed by recovery when they do not end at the JSON lines last step (writer killed between the two writes)', () => {
    const ms = metrics(1, 60);
    const rec = record();
    const w = RunWriter.create(dir, rec);
    w.appendMetrics(ms.slice(0, 50));
    w.appendHistograms([histogram(10)]);
    // The batch reached metrics.jsonl but not metrics.f64: the process died in between.
    fs.appendFileSync(path.join(w.dir, METRICS_FILE), toJsonLines(ms.slice(50)));
    w.close();
    const r = reconcileRun(dir, rec, () => 'dead');
    assert.equal(r.record.status, 'failed');
    assert.equal(r.record.summary?.steps, 60);
    assert.ok(!fs.existsSync(path.join(w.dir, METRICS_BIN_FILE)));
    assert.ok(!fs.existsSync(path.join(w.dir, HISTOGRAMS_BIN_FILE)));
    // The run still reads whole, from its JSON lines.
    const o = readOverview({ dir: w.dir, maxPoints: 1000, maxHistograms: 10, minLastStep: 60 });
    assert.equal(o.source, 'jsonl');
    assert.equal(o.totalRows, 60);
  });

  it('are kept by recovery when they agree with the JSON lines', () => {
    const rec = record();
    const w = RunWriter.create(dir, rec);
    w.appendMetrics(metrics(1, 30));
    w.close();
    reconcileRun(dir, rec, () => 'dead');
    assert.equal(lastMetricsStep(path.join(w.dir, METRICS_BIN_FILE)), 30);
  });

  it('are given up (removed, warned) when a histogram changes shape; the JSON lines go on', () => {
    const { w, runDir } = writeRun(metrics(1, 20), [histogram(10)]);
    w.appendHistograms([histogram(20, ['other'])]);
    w.appendMetrics(metrics(21, 22));
    w.close();
    assert.ok(!fs.existsSync(path.join(runDir, METRICS_BIN_FILE)));
    assert.ok(!fs.existsSync(path.join(runDir, HISTOGRAMS_BIN_FILE)));
    assert.match(w.warnings.join('\n'), /binary side files given up/);
    const r = readRun(dir, w.record.id)!;
    assert.equal(r.metrics.length, 22);
    assert.equal(r.histograms.length, 2);
  });

  it('serve a step range by binary search, the same rows as the JSON lines', () => {
    const ms = metrics(1, 500);
    const { w, runDir } = writeRun(ms, []);
    w.close();
    const t = readMetricsStepRange(path.join(runDir, METRICS_BIN_FILE), 120, 135)!;
    assert.equal(t.rows, 16);
    assert.equal(t.data[COL.step], 120);
    assert.equal(t.data[15 * t.columns + COL.step], 135);
    assert.equal(readMetricsStepRange(path.join(runDir, METRICS_BIN_FILE), 600, 700)!.rows, 0);
    const bin = readRange({ dir: runDir, fromStep: 120, toStep: 135, maxPoints: 100 });
    fs.rmSync(path.join(runDir, METRICS_BIN_FILE));
    const json = readRange({ dir: runDir, fromStep: 120, toStep: 135, maxPoints: 100 });
    assert.equal(bin.source, 'binary');
    assert.equal(json.source, 'jsonl');
    assert.deepEqual(bin.columns, json.columns);
    assert.deepEqual(Array.from(bin.columns.steps), Array.from({ length: 16 }, (_, i) => 120 + i));
  });
});

describe('runs: opening a run (src/panel/runRead.ts)', () => {
  it('an old run (JSON lines only, edges on every histogram line) opens with the same view as a binary one', () => {
    const ms = metrics(1, 3000);
    const hs = Array.from({ length: 300 }, (_, i) => histogram((i + 1) * 10));
    const { w, runDir } = writeRun(ms, hs, 100);
    w.close();
    const bin = readOverview({ dir: runDir, maxPoints: 400, maxHistograms: 50 });
    // The same run as an older version wrote it: no .f64 files, edges in each histogram line.
    const old = path.join(dir, 'old');
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, METRICS_FILE), toJsonLines(ms));
    fs.writeFileSync(path.join(old, HISTOGRAMS_FILE), toJsonLines(hs));
    const json = readOverview({ dir: old, maxPoints: 400, maxHistograms: 50 });
    assert.equal(bin.source, 'binary');
    assert.equal(json.source, 'jsonl');
    assert.equal(bin.totalRows, 3000);
    assert.equal(json.totalRows, 3000);
    assert.equal(bin.columns.steps.length, 400);
    assert.deepEqual(json.columns, bin.columns);
    assert.deepEqual(json.histograms, bin.histograms);
    assert.equal(bin.histograms.filter((s) => !s.layer).length, 50);
    assert.equal(bin.histograms[bin.histograms.length - 1].step, 3000, 'the newest histogram is kept');
  });

  it('falls back to the JSON lines when the binary file lacks steps run.json counts', () => {
    const ms = metrics(1, 100);
    const { w, runDir } = writeRun(ms, []);
    w.close();
    const file = path.join(runDir, METRICS_BIN_FILE);
    fs.truncateSync(file, 16 + 90 * 12 * 8);
    assert.equal(readOverview({ dir: runDir, maxPoints: 1000, maxHistograms: 10 }).totalRows, 90);
    const o = readOverview({ dir: runDir, maxPoints: 1000, maxHistograms: 10, minLastStep: 100 });
    assert.equal(o.source, 'jsonl');
    assert.equal(o.totalRows, 100);
  });

  it('counts a cut last JSON line of an ended run as skipped, not of a live one', () => {
    const old = path.join(dir, 'old');
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, METRICS_FILE), toJsonLines(metrics(1, 5)) + '{"step": 6, "lo');
    assert.equal(readOverview({ dir: old, maxPoints: 100, maxHistograms: 10 }).skipped, 1);
    assert.equal(readOverview({ dir: old, maxPoints: 100, maxHistograms: 10, live: true }).skipped, 0);
    assert.equal(readOverview({ dir: old, maxPoints: 100, maxHistograms: 10 }).totalRows, 5);
  });
});
