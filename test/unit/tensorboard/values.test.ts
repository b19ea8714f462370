import assert from 'node:assert/strict';
import { EventStream, type Sample } from '../../../src/tensorboard/eventFile';
import { DT, encodeEvent, type PbTensor } from '../../../src/tensorboard/proto';
import { frameRecord } from '../../../src/tensorboard/tfrecord';
import { bfloat16ToNumber, halfToNumber, histogramFromProto, readSummaryValue, tensorNumbers } from '../../../src/tensorboard/values';
import { concat } from './helpers';

const tensor = (over: Partial<PbTensor>): PbTensor => ({
  dtype: DT.FLOAT,
  tensorContent: new Uint8Array(0),
  halfVal: [],
  floatVal: [],
  doubleVal: [],
  intVal: [],
  stringVal: [],
  int64Val: [],
  boolVal: [],
  uint32Val: [],
  uint64Val: [],
  ...over,
});
const le = (ctor: Float32ArrayConstructor | Float64ArrayConstructor, xs: number[]) => new Uint8Array(new ctor(xs).buffer);
const shape = (...d: number[]) => ({ dim: d.map((size) => ({ size, name: '' })), unknownRank: false });

describe('tensorboard: summary values', () => {
  it('scalar tensors from tensor_content, float_val and double_val', () => {
    assert.deepEqual(readSummaryValue({ tag: 'a', nodeName: '', simpleValue: 0, value: 'tensor', tensor: tensor({ tensorContent: le(Float32Array, [0.75]) }) }, 'scalars'), {
      kind: 'scalar',
      value: 0.75,
    });
    assert.deepEqual(readSummaryValue({ tag: 'a', nodeName: '', simpleValue: 0, value: 'tensor', tensor: tensor({ floatVal: [1.5] }) }, 'scalars'), { kind: 'scalar', value: 1.5 });
    assert.deepEqual(
      readSummaryValue({ tag: 'a', nodeName: '', simpleValue: 0, value: 'tensor', tensor: tensor({ dtype: DT.DOUBLE, doubleVal: [0.1] }) }, 'scalars'),
      { kind: 'scalar', value: 0.1 },
    );
    assert.deepEqual(
      readSummaryValue({ tag: 'a', nodeName: '', simpleValue: 0, value: 'tensor', tensor: tensor({ dtype: DT.DOUBLE, tensorContent: le(Float64Array, [0.1]) }) }, undefined),
      { kind: 'scalar', value: 0.1 },
    );
  });

  it('half, bfloat16 and int64 scalars', () => {
    assert.equal(halfToNumber(0x3c00), 1);
    assert.equal(halfToNumber(0xc000), -2);
    assert.equal(halfToNumber(0x0001), 2 ** -24);
    assert.ok(Number.isNaN(halfToNumber(0x7e00)));
    assert.equal(bfloat16ToNumber(0x3fc0), 1.5);
    assert.deepEqual([...(tensorNumbers(tensor({ dtype: DT.HALF, halfVal: [0x3800] }), 1) ?? [])], [0.5]);
    assert.deepEqual([...(tensorNumbers(tensor({ dtype: DT.INT64, int64Val: [42] }), 1) ?? [])], [42]);
    const i64 = new Uint8Array(8);
    new DataView(i64.buffer).setBigInt64(0, -7n, true);
    assert.deepEqual([...(tensorNumbers(tensor({ dtype: DT.INT64, tensorContent: i64 }), 1) ?? [])], [-7]);
  });

  it('content that does not match the shape is not read', () => {
    assert.equal(tensorNumbers(tensor({ tensorContent: new Uint8Array(5) }), 1), null);
    assert.equal(tensorNumbers(tensor({ floatVal: [1, 2] }), 1), null);
    assert.equal(tensorNumbers(tensor({ dtype: DT.STRING }), 1), null);
    // TensorFlow's rule: fewer values than elements repeat the last one.
    assert.deepEqual([...(tensorNumbers(tensor({ floatVal: [1, 2] }), 4) ?? [])], [1, 2, 2, 2]);
  });

  it('[k,3] histogram tensors (TF2), with or without plugin metadata', () => {
    const t = tensor({ dtype: DT.DOUBLE, tensorShape: shape(2, 3), tensorContent: le(Float64Array, [0, 1, 5, 1, 3, 7]) });
    const want = { kind: 'histogram', buckets: [{ left: 0, right: 1, count: 5 }, { left: 1, right: 3, count: 7 }] };
    assert.deepEqual(readSummaryValue({ tag: 'h', nodeName: '', simpleValue: 0, value: 'tensor', tensor: t }, 'histograms'), want);
    assert.deepEqual(readSummaryValue({ tag: 'h', nodeName: '', simpleValue: 0, value: 'tensor', tensor: t }, undefined), want);
    const empty = tensor({ dtype: DT.DOUBLE, tensorShape: shape(0, 3) });
    assert.deepEqual(readSummaryValue({ tag: 'h', nodeName: '', simpleValue: 0, value: 'tensor', tensor: empty }, 'histograms'), { kind: 'histogram', buckets: [] });
  });

  it('text, images and other plugins are not charted', () => {
    const s = tensor({ dtype: DT.STRING, tensorShape: shape(1), stringVal: [new Uint8Array([104, 105])] });
    assert.equal(readSummaryValue({ tag: 't', nodeName: '', simpleValue: 0, value: 'tensor', tensor: s }, 'text').kind, 'other');
    assert.equal(readSummaryValue({ tag: 'x', nodeName: '', simpleValue: 0, value: 'tensor', tensor: tensor({ floatVal: [1] }) }, 'pr_curves').kind, 'other');
    assert.equal(readSummaryValue({ tag: 'x', nodeName: '', simpleValue: 0, value: 'tensor', tensor: tensor({ tensorShape: shape(4), floatVal: [1, 2, 3, 4] }) }, undefined).kind, 'other');
  });

  it('HistogramProto with TF1 +-DBL_MAX outer limits keeps edges finite and ordered', () => {
    const h = histogramFromProto({ min: -2, max: 3, num: 6, sum: 0, sumSquares: 0, bucketLimit: [-1, 0, 1.7976931348623157e308], bucket: [1, 2, 3] });
    assert.deepEqual(h, {
      kind: 'histogram',
      buckets: [
        { left: -2, right: -1, count: 1 },
        { left: -1, right: 0, count: 2 },
        { left: 0, right: 3, count: 3 },
      ],
    });
    assert.equal(histogramFromProto({ min: 0, max: 1, num: 1, sum: 0, sumSquares: 0, bucketLimit: [1], bucket: [1, 2] }).kind, 'other');
  });

  it('plugin metadata on a tag’s first value only still names the later values', () => {
    // A [1,3] histogram-plugin tensor later in the stream has no metadata, like TF2 writes it.
    const meta = { pluginData: { pluginName: 'histograms', content: new Uint8Array(0) } };
    const h = (step: number, withMeta: boolean) =>
      frameRecord(
        encodeEvent({
          wallTime: 1,
          step,
          summary: { value: [{ tag: 'w', metadata: withMeta ? meta : undefined, tensor: { dtype: DT.FLOAT, tensorShape: { dim: [{ size: 1 }, { size: 3 }] }, floatVal: [0, 1, 4] } }] },
        }),
      );
    // A scalar-plugin tensor of shape [1]: a scalar, not a histogram.
    const s = (step: number, withMeta: boolean) =>
      frameRecord(
        encodeEvent({
          wallTime: 1,
          step,
          summary: { value: [{ tag: 'acc', metadata: withMeta ? { pluginData: { pluginName: 'scalars' } } : undefined, tensor: { dtype: DT.FLOAT, tensorShape: { dim: [{ size: 1 }] }, floatVal: [0.5] } }] },
        }),
      );
    const stream = new EventStream();
    const out: Sample[] = [];
    stream.push(concat([h(1, true), h(2, false), s(1, true), s(2, false)]));
    stream.drain((x) => out.push(x));
    assert.deepEqual(
      out.map((x) => `${x.kind === 'restart' ? '' : x.tag}:${x.kind}:${x.step}`),
      ['w:histogram:1', 'w:histogram:2', 'acc:scalar:1', 'acc:scalar:2'],
    );
    assert.equal(stream.tags.plugin('w'), 'histograms');
  });
});
