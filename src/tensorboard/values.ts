// Summary values -> numbers: what each common writer puts in an event file, and how it is read.
//
//   writer                                         on disk                                   read as
//   PyTorch/tensorboardX add_scalar, TF1            Value.simple_value                        scalar
//   PyTorch add_scalar(new_style=True)             Value.tensor, DT_FLOAT rank 0, float_val  scalar
//                                                   + metadata plugin "scalars"
//   TF2 tf.summary.scalar                          Value.tensor, DT_FLOAT rank 0, tensor_content
//                                                   + metadata plugin "scalars" (first value of a tag)
//   PyTorch/tensorboardX add_histogram, TF1         Value.histo (HistogramProto)             histogram
//   TF2 tf.summary.histogram                        Value.tensor [k,3] (left, right, count)  histogram
//                                                   + metadata plugin "histograms"
// Plugin metadata is often written only with a tag's first value, so the caller keeps it per tag
// (`TagKinds`) and passes it back for the later values, as TensorBoard does.
import { DT, type PbHistogram, type PbSummaryValue, type PbTensor } from './proto';

/** One bucket of a histogram: [left, right) holds `count` values. */
export interface Bucket {
  left: number;
  right: number;
  count: number;
}

export type ReadValue =
  | { kind: 'scalar'; value: number }
  | { kind: 'histogram'; buckets: Bucket[] }
  | { kind: 'other'; why: string };

/** Plugin name per tag, remembered from the first value that carried metadata. */
export class TagKinds {
  private readonly plugins = new Map<string, string>();
  plugin(tag: string): string | undefined {
    return this.plugins.get(tag);
  }
  note(v: PbSummaryValue): string | undefined {
    const name = v.metadata?.pluginData?.pluginName;
    if (name && !this.plugins.has(v.tag)) this.plugins.set(v.tag, name);
    return this.plugins.get(v.tag);
  }
}

/** Decodes a summary value; `plugin` is the tag's plugin name (from this value or an earlier one). */
export function readSummaryValue(v: PbSummaryValue, plugin: string | undefined): ReadValue {
  switch (v.value) {
    case 'simpleValue':
      return { kind: 'scalar', value: v.simpleValue };
    case 'histo':
      return v.histo ? histogramFromProto(v.histo) : { kind: 'other', why: 'empty histogram' };
    case 'tensor':
      return v.tensor ? fromTensor(v.tensor, plugin) : { kind: 'other', why: 'empty tensor' };
    default:
      return { kind: 'other', why: v.value ? `unsupported value ${v.value}` : 'metadata only' };
  }
}

/**
 * HistogramProto -> buckets. summary.proto: `bucket_limit[i]` is the right edge of bucket i, and bucket i
 * starts where bucket i-1 ends; the first bucket starts at -DBL_MAX. TF1 writes +-DBL_MAX as the outer
 * limits, PyTorch a first limit just below `min` (an empty first bucket). So: right edges are the limits,
 * the first left edge is `min` (or the first limit when `min` is above it), and a limit beyond +-1e300
 * or not finite is replaced by `min`/`max`. (TensorBoard's own conversion takes `min` and `max` as the
 * outer edges even when that makes an empty outer bucket's edges cross; this keeps edges in order.)
 */
export function histogramFromProto(h: PbHistogram): ReadValue {
  const n = h.bucket.length;
  if (n !== h.bucketLimit.length) return { kind: 'other', why: 'bucket and bucket_limit differ in length' };
  if (n === 0) return { kind: 'histogram', buckets: [] };
  const huge = (x: number) => !Number.isFinite(x) || Math.abs(x) > 1e300;
  const lo = Number.isFinite(h.min) ? h.min : 0;
  const hi = Number.isFinite(h.max) ? h.max : lo;
  const buckets: Bucket[] = new Array(n);
  let left = huge(h.bucketLimit[0]) ? lo : Math.min(lo, h.bucketLimit[0]);
  for (let i = 0; i < n; i++) {
    let right = h.bucketLimit[i];
    if (huge(right)) right = right < 0 ? lo : Math.max(hi, left);
    if (right < left) right = left;
    buckets[i] = { left, right, count: h.bucket[i] };
    left = right;
  }
  return { kind: 'histogram', buckets };
}

function dims(t: PbTensor): number[] | null {
  const s = t.tensorShape;
  if (!s) return [];
  if (s.unknownRank) return null;
  return s.dim.map((d) => Number(d.size));
}

/** Bytes per element of the dtypes read from tensor_content. */
const ELEMENT_BYTES: Record<number, number> = {
  [DT.FLOAT]: 4,
  [DT.DOUBLE]: 8,
  [DT.INT32]: 4,
  [DT.UINT8]: 1,
  [DT.INT16]: 2,
  [DT.INT8]: 1,
  [DT.INT64]: 8,
  [DT.BOOL]: 1,
  [DT.BFLOAT16]: 2,
  [DT.UINT16]: 2,
  [DT.HALF]: 2,
  [DT.UINT32]: 4,
  [DT.UINT64]: 8,
};

/** IEEE 754 half precision bits -> number. */
export function halfToNumber(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
/** bfloat16 bits (the top half of a float32) -> number. */
export function bfloat16ToNumber(bits: number): number {
  U32[0] = (bits & 0xffff) << 16;
  return F32[0];
}

/**
 * The numbers of a numeric tensor, in row-major order, or null if the dtype is not numeric or the
 * content does not match the shape. Values come from `tensor_content` (raw little-endian bytes) when it
 * is set, else from the typed repeated field; TensorFlow lets a repeated field hold fewer values than
 * the shape (the last one repeats), which is honoured.
 */
export function tensorNumbers(t: PbTensor, count: number): Float64Array | null {
  const width = ELEMENT_BYTES[t.dtype];
  if (!width || count < 0 || !Number.isSafeInteger(count) || count > 1 << 26) return null;
  const out = new Float64Array(count);
  const content = t.tensorContent;
  if (content && content.length) {
    if (content.length !== count * width) return null;
    const dv = new DataView(content.buffer, content.byteOffset, content.byteLength);
    for (let i = 0; i < count; i++) {
      const o = i * width;
      switch (t.dtype) {
        case DT.FLOAT: out[i] = dv.getFloat32(o, true); break;
        case DT.DOUBLE: out[i] = dv.getFloat64(o, true); break;
        case DT.INT32: out[i] = dv.getInt32(o, true); break;
        case DT.UINT8: out[i] = dv.getUint8(o); break;
        case DT.INT16: out[i] = dv.getInt16(o, true); break;
        case DT.INT8: out[i] = dv.getInt8(o); break;
        case DT.INT64: out[i] = Number(dv.getBigInt64(o, true)); break;
        case DT.BOOL: out[i] = dv.getUint8(o) ? 1 : 0; break;
        case DT.BFLOAT16: out[i] = bfloat16ToNumber(dv.getUint16(o, true)); break;
        case DT.UINT16: out[i] = dv.getUint16(o, true); break;
        case DT.HALF: out[i] = halfToNumber(dv.getUint16(o, true)); break;
        case DT.UINT32: out[i] = dv.getUint32(o, true); break;
        case DT.UINT64: out[i] = Number(dv.getBigUint64(o, true)); break;
      }
    }
    return out;
  }
  let src: ArrayLike<number | boolean>;
  let map: (x: number) => number = (x) => x;
  switch (t.dtype) {
    case DT.FLOAT: src = t.floatVal; break;
    case DT.DOUBLE: src = t.doubleVal; break;
    case DT.INT32: case DT.UINT8: case DT.INT16: case DT.INT8: case DT.UINT16: src = t.intVal; break;
    case DT.INT64: src = t.int64Val; break;
    case DT.BOOL: src = t.boolVal; break;
    case DT.HALF: src = t.halfVal; map = halfToNumber; break;
    case DT.BFLOAT16: src = t.halfVal; map = bfloat16ToNumber; break;
    case DT.UINT32: src = t.uint32Val; break;
    case DT.UINT64: src = t.uint64Val; break;
    default: return null;
  }
  if (!src || src.length === 0) return count === 0 ? out : null;
  if (src.length > count) return null;
  for (let i = 0; i < count; i++) out[i] = map(Number(src[Math.min(i, src.length - 1)]));
  return out;
}

function fromTensor(t: PbTensor, plugin: string | undefined): ReadValue {
  const shape = dims(t);
  if (!shape) return { kind: 'other', why: 'tensor of unknown rank' };
  if (t.dtype === DT.STRING) return { kind: 'other', why: `string tensor${plugin ? ` (${plugin})` : ''}` };
  if (plugin && plugin !== 'scalars' && plugin !== 'histograms') return { kind: 'other', why: `plugin ${plugin}` };
  const count = shape.reduce((a, b) => a * b, 1);
  // A histogram: [k, 3] rows of (left, right, count); TF2 histograms and PyTorch's are exactly this.
  if (plugin === 'histograms' || (plugin === undefined && shape.length === 2 && shape[1] === 3)) {
    if (shape.length !== 2 || shape[1] !== 3) return { kind: 'other', why: `histogram tensor of shape [${shape.join(',')}]` };
    const xs = tensorNumbers(t, count);
    if (!xs) return { kind: 'other', why: 'histogram tensor content does not match its shape' };
    const buckets: Bucket[] = new Array(shape[0]);
    for (let i = 0; i < shape[0]; i++) buckets[i] = { left: xs[3 * i], right: xs[3 * i + 1], count: xs[3 * i + 2] };
    return { kind: 'histogram', buckets };
  }
  // A scalar: rank 0 (or a single element, which some writers give shape [1]).
  if (count === 1 && shape.length <= 1) {
    const xs = tensorNumbers(t, 1);
    if (!xs) return { kind: 'other', why: `tensor dtype ${t.dtype} is not numeric or is malformed` };
    return { kind: 'scalar', value: xs[0] };
  }
  return { kind: 'other', why: `tensor of shape [${shape.join(',')}]` };
}
