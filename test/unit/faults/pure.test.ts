// Issue 13's pure pieces, without processes: the comparison-end text, printable(), the writer's
// whole-line guarantee under an injected short write, the stream's per-run fault isolation, the rules table.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeComparisonEnd } from '../../../src/commands/comparisonEnd';
import { METRICS_FILE, RESERVE_FILE, RUN_FILE, RunWriteError, RunWriter, newComparisonId, printable, runIdFor, type MetricRecord, type RunRecord } from '../../../src/runs';
import { parseFlagValue, settingToFlag, specFileProblems, FlagError } from '../../../src/runSpec/rules';
import { MetricsStream, type RecordSink } from '../../../src/trainer/stream';
import { writeFailureReason } from '../../../src/trainer/engine';
import { runSpec } from '../engine/specs';

const metric = (step: number): MetricRecord => ({ step, loss: 1, lr: 0.1, rhoT: null, rT: null, rectified: null, effectiveStepSize: 0.1, gradNorm: null, updateRatio: null, ms: step });

describe('issue 13: comparison end text', () => {
  it('all finished: info, counts', () => {
    const t = describeComparisonEnd('RAdam vs Adam', [
      { runId: 'a', label: 'RAdam', status: 'finished', step: 30 },
      { runId: 'b', label: 'Adam', status: 'finished', step: 30 },
    ], 2);
    assert.equal(t.level, 'info');
    assert.equal(t.statusText, '$(check) RAdam: RAdam vs Adam: 2 finished');
    assert.equal(t.message, 'RAdam: RAdam vs Adam ended. RAdam finished (30 steps); Adam finished (30 steps).');
  });
  it('a failed run: error, with its reason; diverged: warning', () => {
    const t = describeComparisonEnd('RAdam vs Adam', [
      { runId: 'a', label: 'RAdam', status: 'finished', step: 30 },
      { runId: 'b', label: 'Adam', status: 'failed', reason: 'disk full after step 14,779 (ENOSPC writing metrics.jsonl)', step: 14779 },
    ], 2);
    assert.equal(t.level, 'error');
    assert.equal(t.statusText, '$(error) RAdam: RAdam vs Adam: 1 finished, 1 failed');
    assert.match(t.message, /Adam failed: disk full after step 14,779/);
    const d = describeComparisonEnd('x', [{ runId: 'a', label: 'Adam', status: 'diverged', reason: 'loss became NaN at step 9' }], 1);
    assert.equal(d.level, 'warning');
    assert.match(d.message, /Adam diverged: loss became NaN at step 9/);
  });
  it('runs without an end message and a comparison that could not start are errors', () => {
    assert.equal(describeComparisonEnd('x', [], 2, 'dataset not found').level, 'error');
    assert.match(describeComparisonEnd('x', [], 2, 'dataset not found').message, /dataset not found/);
    assert.match(describeComparisonEnd('x', [], 2).statusText, /2 without a status/);
  });
});

describe('issue 13: printable', () => {
  it('makes control characters visible and keeps ordinary text', () => {
    assert.equal(printable('Adam, warmup 500 (β₂=0.999)'), 'Adam, warmup 500 (β₂=0.999)');
    assert.equal(printable('\u001b[2Jx\ny\u202e'), '\\x1b[2Jx\\ny\\u202e');
    assert.equal(printable('a'.repeat(10), 5), 'aaaa…');
  });
});

describe('issue 13: writer and stream under injected write faults', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-i13-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function record(): RunRecord {
    const id = runIdFor(newComparisonId(), 0, 'radam');
    return {
      format: 1, id, comparisonId: id.slice(0, 24), comparisonKind: 'single', index: 0, label: 'RAdam', spec: runSpec(), status: 'running',
      startedAt: new Date().toISOString(), endedAt: null, backend: { name: 'cpu', native: false }, pid: process.pid, parameters: 1,
      dataset: { task: 'classification', inputShape: [2], outputSize: 3, trainExamples: 1, validationExamples: 0 }, summary: null,
    };
  }

  it('a short write then ENOSPC: the file is cut back to the last whole line; the error says how many lines landed', () => {
    const w = RunWriter.create(dir, record());
    assert.ok(fs.existsSync(path.join(w.dir, RESERVE_FILE)), 'a space reserve while the run trains');
    assert.ok(w.record.processStart === undefined || /\/\d+$/.test(w.record.processStart));
    w.appendMetrics([metric(1)]);
    // The module object itself (the writer's `import * as fs` reads through to it at each call).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require('node:fs') as { writeSync: typeof fs.writeSync };
    const real = nodeFs.writeSync;
    let calls = 0;
    // The kernel accepts 1.5 lines, then refuses: what a filling disk does.
    nodeFs.writeSync = ((fd: number, buf: Buffer, off: number, len: number, pos: number | null) => {
      calls++;
      if (calls === 1) return real(fd, buf, off, Math.floor(Buffer.byteLength(JSON.stringify(metric(2)) + '\n') * 1.5), pos);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync;
    let err: unknown;
    try {
      w.appendMetrics([metric(2), metric(3), metric(4)]);
    } catch (e) {
      err = e;
    } finally {
      nodeFs.writeSync = real;
    }
    assert.ok(err instanceof RunWriteError);
    assert.equal(err.code, 'ENOSPC');
    assert.equal(err.kept, 1);
    const text = fs.readFileSync(path.join(w.dir, METRICS_FILE), 'utf8');
    assert.deepEqual(text.split('\n'), [JSON.stringify(metric(1)), JSON.stringify(metric(2)), '']);
    assert.equal(writeFailureReason(err, 2), 'disk full after step 2 (ENOSPC writing metrics.jsonl)');
    w.finish({ status: 'failed', reason: 'x' });
    assert.equal(JSON.parse(fs.readFileSync(path.join(w.dir, RUN_FILE), 'utf8')).status, 'failed');
    assert.equal(fs.existsSync(path.join(w.dir, RESERVE_FILE)), false);
  });

  it('a run whose sink fails is dropped from the stream; its partner is written and sent; nothing is written twice', () => {
    const written: Record<string, number[]> = { a: [], b: [] };
    const sink = (id: string, fail: boolean): RecordSink => ({
      appendMetrics: (rs) => {
        if (fail) throw Object.assign(new Error('EFBIG'), { code: 'EFBIG', kept: 1 });
        written[id].push(...rs.map((r) => r.step));
      },
      appendHistograms: () => {},
    });
    const sent: string[] = [];
    const s = new MetricsStream((b) => sent.push(...b.map((x) => `${x.runId}:${x.metrics.map((m) => m.step).join(',')}`)), 50, () => 0);
    s.register('a', sink('a', true));
    s.register('b', sink('b', false));
    for (const id of ['a', 'b']) for (const k of [1, 2]) s.pushMetric(id, metric(k));
    const faults = s.flush();
    assert.deepEqual(faults.map((f) => [f.runId, f.metricsKept.map((m) => m.step)]), [['a', [1]]]);
    assert.deepEqual(sent, ['a:1', 'b:1,2']);
    s.pushMetric('a', metric(3));
    s.pushMetric('b', metric(3));
    assert.deepEqual(s.flush(), [], 'the failed run is gone: no second failure for the same records');
    assert.deepEqual(written.b, [1, 2, 3]);
  });
});

describe('issue 13: rules', () => {
  it('flags take the setting ranges; errors name the flag', () => {
    assert.equal(parseFlagValue('--lr', '0.01'), 0.01);
    assert.deepEqual(parseFlagValue('--hidden', '8, 16'), [8, 16]);
    assert.deepEqual(parseFlagValue('--hidden', ''), []);
    assert.throws(() => parseFlagValue('--lr', '0'), (e: Error) => e instanceof FlagError && /^--lr: expected a number greater than 0 and at most 10/.test(e.message));
    assert.throws(() => parseFlagValue('--steps', '0x10'), FlagError);
    assert.throws(() => parseFlagValue('--steps', 'Infinity'), FlagError);
  });
  it('spec files: partial is fine, unknown keys and wrong shapes are errors with key paths', () => {
    assert.deepEqual(specFileProblems({ steps: 12, optimizer: { name: 'adam' } }), []);
    assert.deepEqual(specFileProblems({ runs: [{ metrics: { histogramRange: [0, -1] } }] }).map((p) => p.path), ['runs[0].metrics.histogramRange']);
    assert.deepEqual(specFileProblems({ dataset: 'spiral' }).map((p) => p.path), ['dataset']);
  });
  it('engine messages that name settings name flags on the CLI', () => {
    assert.equal(settingToFlag('radam.training.model: "cnn" needs images; set radam.training.dataset'), '--model: "cnn" needs images; set --dataset');
    assert.equal(settingToFlag('radam.transformer.layers: expected'), 'spec key model.layers: expected');
  });
});
