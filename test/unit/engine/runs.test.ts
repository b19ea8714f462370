// The on-disk run format without tfjs: ids, writer, tolerant reader, listing, failure marking.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  JsonlTail,
  RunWriter,
  deleteRun,
  describeExit,
  failUnfinishedRuns,
  isRunId,
  listRuns,
  newComparisonId,
  isHistogramLine,
  isMetricLine,
  MetricRecordSchema,
  parseJsonl,
  runRecordProblem,
  parseRunId,
  readRun,
  reconcileStaleRuns,
  runIdFor,
  slug,
  timeOfId,
  type MetricRecord,
} from '../../../src/runs';
import { testRunRecord } from './specs';
import { problemsOf } from '../../../src/protocol/check';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-runs-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const record = testRunRecord;

const metric = (step: number, loss = 1 / step): MetricRecord => ({
  step,
  loss,
  lr: 1e-3,
  rhoT: null,
  rT: null,
  rectified: false,
  effectiveStepSize: 1e-3,
  gradNorm: 1,
  updateRatio: 1e-3,
  ms: step,
});

describe('runs: ids', () => {
  it('sort by start time and carry comparison and index', () => {
    const a = newComparisonId(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), 'abcd');
    const b = newComparisonId(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 7)), '0000');
    assert.equal(a, '20250102-030405-006-abcd');
    assert.ok(a < b);
    const id = runIdFor(a, 2, 'Adam, warmup 500');
    assert.equal(id, '20250102-030405-006-abcd-2-adam-warmup-500');
    assert.ok(isRunId(id));
    assert.deepEqual(parseRunId(id), { comparisonId: a, index: 2 });
    assert.equal(timeOfId(id)?.toISOString(), '2025-01-02T03:04:05.006Z');
    assert.equal(slug('Ünïcode / ../etc'), 'n-code-etc');
    for (const bad of ['../x', 'a/b', '', '20250102-030405-006-abcd-1-../..']) assert.ok(!isRunId(bad), bad);
  });
});

describe('runs: reader', () => {
  it('skips a truncated last line and counts it', () => {
    const text = '{"step":1}\n{"step":2}\n{"step":3,"lo';
    const r = parseJsonl<{ step: number }>(text);
    assert.deepEqual(r.records.map((x) => x.step), [1, 2]);
    assert.equal(r.truncated, true);
    assert.equal(r.skipped, 0);
    const clean = parseJsonl('{"step":1}\n');
    assert.equal(clean.truncated, false);
  });

  it('keeps only lines of the file schema; the first skipped line is named with its key path', () => {
    const good = JSON.stringify(metric(1));
    const lines = [good, JSON.stringify({ ...metric(2), loss: 'x' }), JSON.stringify({ ...metric(3), gradNorm: undefined }), JSON.stringify({ ...metric(4), extra: 1 }), '[4]', JSON.stringify(metric(5))];
    const r = parseJsonl(lines.join('\n') + '\n', isMetricLine, MetricRecordSchema);
    assert.deepEqual(r.records.map((x) => x.step), [1, 5]);
    assert.equal(r.skipped, 4);
    assert.equal(r.truncated, false);
    assert.match(r.firstProblem ?? '', /^line 2: loss: .*[Ee]xpected number/);
    // The compiled guard and the schema agree on these lines (the guard is built from the schema).
    for (const l of lines.slice(0, 4)) assert.equal(isMetricLine(JSON.parse(l)), problemsOf(MetricRecordSchema, JSON.parse(l)).length === 0, l);
    // Histogram lines: with or without edges (older lines kept theirs), never with unknown keys.
    const h = { step: 10, lo: -20, hi: 0, bins: 2, counts: [1, 2], zeros: 0, total: 3 };
    assert.equal(isHistogramLine(h), true);
    assert.equal(isHistogramLine({ ...h, edges: [-20, -10, 0] }), true);
    assert.equal(isHistogramLine({ ...h, counts: 'x' }), false);
    assert.equal(isHistogramLine({ ...h, colour: 1 }), false);
  });

  it('run.json: checked against its schema, every problem named by its key path', () => {
    const ok = record(runIdFor(newComparisonId(), 0, 'RAdam'));
    assert.equal(runRecordProblem(ok), null);
    assert.equal(runRecordProblem({ ...ok, summary: { steps: 3 } }), 'lacks summary.finalLoss, summary.minLoss, summary.finalValLoss, summary.finalValAccuracy, summary.wallMs, summary.samplesPerSecond');
    assert.equal(runRecordProblem({ ...ok, backend: { ...ok.backend, native: 'yes' } }), 'mistypes backend.native (expected boolean, got "yes")');
    assert.equal(runRecordProblem({ ...ok, note: 'x' }), 'has unknown key note');
    assert.match(runRecordProblem({ ...ok, format: 2 }) ?? '', /^has format 2, newer than this version reads \(1\)$/);
  });

  it('reads a run whose metrics file was cut mid-line (a killed writer)', () => {
    const id = runIdFor(newComparisonId(), 0, 'RAdam');
    const w = RunWriter.create(dir, record(id));
    w.appendMetrics([metric(1), metric(2), metric(3)]);
    w.close();
    const file = path.join(dir, id, 'metrics.jsonl');
    const full = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, full.slice(0, full.length - 7)); // cut inside the third line
    const run = readRun(dir, id)!;
    assert.equal(run.record.status, 'running');
    assert.deepEqual(run.metrics.map((m) => m.step), [1, 2]);
    assert.equal(run.truncated, true);
  });

  it('follows a growing file line by line (JsonlTail)', () => {
    const file = path.join(dir, 'm.jsonl');
    const tail = new JsonlTail<{ step: number }>(file);
    assert.deepEqual(tail.read(), []);
    fs.writeFileSync(file, '{"step":1}\n{"st');
    assert.deepEqual(tail.read().map((x) => x.step), [1]);
    fs.appendFileSync(file, 'ep":2}\n');
    assert.deepEqual(tail.read().map((x) => x.step), [2]);
    assert.deepEqual(tail.read(), []);
  });

  it('lists runs oldest first, leaves out folders without run.json, deletes by id only', () => {
    const c1 = newComparisonId(new Date(Date.UTC(2025, 0, 1)), 'aaaa');
    const c2 = newComparisonId(new Date(Date.UTC(2025, 0, 2)), 'bbbb');
    for (const id of [runIdFor(c2, 0, 'RAdam'), runIdFor(c1, 1, 'Adam'), runIdFor(c1, 0, 'RAdam')]) RunWriter.create(dir, record(id)).close();
    fs.mkdirSync(path.join(dir, runIdFor(c2, 1, 'broken')));
    fs.mkdirSync(path.join(dir, 'not-a-run'));
    const ids = listRuns(dir).map((r) => r.id);
    assert.deepEqual(ids, [runIdFor(c1, 0, 'RAdam'), runIdFor(c1, 1, 'Adam'), runIdFor(c2, 0, 'RAdam')]);
    assert.equal(deleteRun(dir, ids[0]), true);
    assert.equal(listRuns(dir).length, 2);
    assert.throws(() => deleteRun(dir, '../' + path.basename(dir)));
    assert.deepEqual(listRuns(path.join(dir, 'absent')), []);
  });
});

describe('runs: failure marking (host side, after the trainer died)', () => {
  it('marks running runs failed with the exit reason and a summary from metrics.jsonl; ended runs keep their status', () => {
    const c = newComparisonId();
    const running = runIdFor(c, 0, 'RAdam');
    const finished = runIdFor(c, 1, 'Adam');
    const w = RunWriter.create(dir, record(running));
    w.appendMetrics([metric(1, 2), metric(2, 0.5), metric(3, 1)]);
    w.close();
    const f = RunWriter.create(dir, record(finished));
    f.finish({ status: 'finished' });
    const reason = describeExit(1234, null, 'SIGKILL');
    assert.match(reason, /trainer process 1234 was killed by SIGKILL/);
    const changed = failUnfinishedRuns(dir, [running, finished], reason);
    assert.deepEqual(changed.map((r) => r.id), [running]);
    const r = readRun(dir, running)!.record;
    assert.equal(r.status, 'failed');
    assert.equal(r.reason, reason);
    assert.ok(r.endedAt);
    assert.equal(r.summary?.steps, 3);
    assert.equal(r.summary?.finalLoss, 1);
    assert.equal(r.summary?.minLoss, 0.5);
    assert.equal(readRun(dir, finished)!.record.status, 'finished');
    assert.equal(describeExit(7, 3, null), 'trainer process 7 exited with code 3');
  });

  it('reconciles runs left running by a process that is gone', () => {
    const id = runIdFor(newComparisonId(), 0, 'RAdam');
    RunWriter.create(dir, record(id, { pid: 999999 })).close();
    const live = runIdFor(newComparisonId(), 0, 'RAdam');
    RunWriter.create(dir, record(live)).close();
    const changed = reconcileStaleRuns(dir, (pid) => pid === process.pid);
    assert.deepEqual(changed.map((r) => r.id), [id]);
    assert.equal(readRun(dir, id)!.record.status, 'failed');
    assert.equal(readRun(dir, live)!.record.status, 'running');
  });
});
