import assert from 'node:assert/strict';
import { fastGuard, guard } from '../../../src/protocol/check';
import { HistogramRecordSchema, MetricRecordSchema } from '../../../src/runs/format';

describe('protocol/check: fastGuard answers as the schema does', () => {
  const record = { step: 3, loss: 0.5, lr: 1e-3, rhoT: 4.2, rT: 0.3, rectified: true, effectiveStepSize: 3e-4, gradNorm: null, updateRatio: null, ms: 12 };
  const variants: [string, unknown][] = [
    ['whole', record],
    ['with validation', { ...record, valLoss: 0.4, valAccuracy: 0.9 }],
    ['optional present as undefined', { ...record, valLoss: undefined }],
    ['unknown key', { ...record, extra: 1 }],
    ['missing ms', { ...record, ms: undefined }],
    ['NaN loss', { ...record, loss: NaN }],
    ['null loss', { ...record, loss: null }],
    ['string step', { ...record, step: '3' }],
    ['rectified null', { ...record, rectified: null }],
    ['rectified number', { ...record, rectified: 1 }],
    ['array', [record]],
    ['null', null],
    ['number', 5],
  ];
  const fast = fastGuard(MetricRecordSchema);
  const slow = guard(MetricRecordSchema);
  for (const [name, value] of variants) {
    it(`metric record, ${name}`, () => assert.equal(fast(value), slow(value)));
  }
  it('both accept the whole record and refuse an unknown key (so the comparison is not vacuous)', () => {
    assert.equal(fast(record), true);
    assert.equal(fast({ ...record, extra: 1 }), false);
    const { ms: _ms, ...noMs } = record;
    assert.equal(fast(noMs), false);
  });
  it('a piped schema (histograms: edges one longer than counts) falls back to valibot', () => {
    const h = { step: 10, lo: -20, hi: 0, bins: 2, edges: [-20, -10, 0], counts: [1, 2], zeros: 0, total: 3 };
    const g = fastGuard(HistogramRecordSchema);
    assert.equal(g(h), true);
    assert.equal(g({ ...h, edges: [-20, 0] }), false);
  });
});
