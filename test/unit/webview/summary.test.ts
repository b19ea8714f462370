import assert from 'node:assert/strict';
import { RunStore } from '../../../webview/data/runStore';
import { autoLossTarget, fmt, fmtStep, summarize } from '../../../webview/data/summary';
import { metricsCsv, csvField } from '../../../src/panel/metricsCsv';
import { toMetricColumns } from '../../../src/protocol/webview';

function input(store: RunStore, id: string) {
  const r = store.get(id)!;
  return { runId: id, loss: r.series.loss, smoothed: r.series.smoothed, valLoss: r.series.valLoss, valAccuracy: r.series.valAccuracy, divergedAt: r.divergedAt };
}

describe('webview: run summaries', () => {
  const store = new RunStore(0);
  store.ingestColumns('fast', toMetricColumns([
    { step: 1, loss: 2 },
    { step: 2, loss: 1, valLoss: 1.5, valAccuracy: 0.5 },
    { step: 3, loss: 0.5 },
    { step: 4, loss: 0.25, valLoss: 0.7, valAccuracy: 0.8 },
  ]));
  store.ingestColumns('slow', toMetricColumns([
    { step: 1, loss: 2 },
    { step: 2, loss: 1.8 },
    { step: 3, loss: 1.2, valLoss: 1.1, valAccuracy: 0.6 },
    { step: 4, loss: 1.0 },
  ]));
  store.ingestColumns('nan', toMetricColumns([
    { step: 1, loss: 2 },
    { step: 2, loss: 50 },
    { step: 3, loss: null },
  ]));

  it('final loss, best validation loss and accuracy with their steps', () => {
    const s = summarize(input(store, 'fast'), null);
    assert.equal(s.finalLoss, 0.25);
    assert.equal(s.lastStep, 4);
    assert.deepEqual(s.bestValLoss, { value: 0.7, step: 4 });
    assert.deepEqual(s.bestValAccuracy, { value: 0.8, step: 4 });
    assert.equal(s.divergedAt, null);
  });

  it('steps to reach a loss target (on the smoothed loss)', () => {
    assert.equal(summarize(input(store, 'fast'), 1).stepsToTarget, 2);
    assert.equal(summarize(input(store, 'slow'), 1).stepsToTarget, 4);
    assert.equal(summarize(input(store, 'slow'), 0.5).stepsToTarget, null);
  });

  it('diverged at: the first step with a non-finite loss', () => {
    const s = summarize(input(store, 'nan'), 1);
    assert.equal(s.divergedAt, 3);
    assert.equal(s.finalLoss, 50);
  });

  it('the automatic target is the worst final smoothed loss among runs that did not diverge', () => {
    assert.equal(autoLossTarget(['fast', 'slow', 'nan'].map((id) => input(store, id))), 1.0);
    assert.equal(autoLossTarget([input(store, 'nan')]), null);
  });

  it('formats numbers compactly', () => {
    assert.equal(fmt(null), '—');
    assert.equal(fmt(0.123456), '0.1235');
    assert.equal(fmt(1.5e-5), '1.50e-5');
    assert.equal(fmt(12), '12');
  });
});

describe('webview: metrics CSV', () => {
  it('a run column, the known columns in order, extra scalar columns after; nulls empty', () => {
    const csv = metricsCsv([
      { runId: 'a', rows: [{ step: 1, loss: 0.5, rT: null, rectified: false, lr: 0.001 }] },
      { runId: 'b', rows: [{ step: 1, loss: 0.25, extra: 3, nested: { x: 1 } }] },
    ]);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'run,step,loss,lr,rhoT,rT,rectified,effectiveStepSize,gradNorm,updateRatio,valLoss,valAccuracy,extra');
    assert.equal(lines[1], 'a,1,0.5,0.001,,,false,,,,,,');
    assert.equal(lines[2], 'b,1,0.25,,,,,,,,,,3');
    assert.equal(lines[3], '');
  });

  it('quotes fields with commas, quotes or newlines', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('x\ny'), '"x\ny"');
    assert.equal(csvField(NaN), 'NaN');
    assert.equal(csvField(-Infinity), '-Infinity');
  });
});

describe('webview: step labels', () => {
  it('groups thousands', () => {
    assert.equal(fmtStep(100000), '100,000');
    assert.equal(fmtStep(999), '999');
    assert.equal(fmtStep(1000), '1,000');
    assert.equal(fmtStep(-12345), '-12,345');
    assert.equal(fmtStep(2.5), '2.5');
  });
});
