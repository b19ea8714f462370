// The binary columnar side files of a run (docs/run-format.md): fixed-width little-endian float64 rows,
// written by the same RunWriter batch as the JSON lines, so that a long run opens by reading bytes
// instead of parsing text (1,000,000 steps: 96 MB read in tens of milliseconds, against seconds of
// JSON.parse). The JSON lines stay the readable record; these files are an index that can always be
// rebuilt from them, which is why any doubt about one (bad header, fewer steps than run.json says)
// sends readers back to the JSON lines.
//
//   metrics.f64     header (16 bytes): "RADAMMF1", u32 header bytes, u32 columns; then one row per step
//                   of `columns` float64 in METRIC_BIN_COLUMNS order (a newer version may append columns)
//   histograms.f64  header: "RADAMHF1", u32 header bytes, u32 bins, u32 groups, u32 0, f64 lo, f64 hi,
//                   f64 edges[bins + 1] (the bin edges, once per run), the layer names as a JSON array
//                   (groups - 1 of them) padded with spaces to a multiple of 8 bytes; then one row per
//                   histogram: step, and per group (all parameters first, then each layer) zeros, total,
//                   counts[bins]
//
// null (and absent, and non-finite: JSON writes those as null too) is NaN; `rectified` is 1, 0 or NaN.
// A row cut by a killed writer is detected by length (the file is not header + k whole rows) and ignored
// by readers, trimmed by recovery (recover.ts), like a cut JSON line.
import { histogramEdges, type HistogramRecord, type LayerHistogram, type MetricRecord } from './format';

export const METRICS_BIN_FILE = 'metrics.f64';
export const HISTOGRAMS_BIN_FILE = 'histograms.f64';

export const METRIC_BIN_COLUMNS = ['step', 'loss', 'lr', 'rhoT', 'rT', 'rectified', 'effectiveStepSize', 'gradNorm', 'updateRatio', 'valLoss', 'valAccuracy', 'ms'] as const;
export type MetricBinColumn = (typeof METRIC_BIN_COLUMNS)[number];
/** Column index by name, for readers of the row-major table. */
export const COL = Object.fromEntries(METRIC_BIN_COLUMNS.map((k, i) => [k, i])) as Record<MetricBinColumn, number>;

const METRICS_MAGIC = 'RADAMMF1';
const HISTOGRAMS_MAGIC = 'RADAMHF1';
export const METRICS_HEADER_BYTES = 16;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

export function metricsBinHeader(): Buffer {
  const b = Buffer.alloc(METRICS_HEADER_BYTES);
  b.write(METRICS_MAGIC, 0, 'latin1');
  b.writeUInt32LE(METRICS_HEADER_BYTES, 8);
  b.writeUInt32LE(METRIC_BIN_COLUMNS.length, 12);
  return b;
}

/** Metric records as whole binary rows (no header). */
export function encodeMetricRows(records: readonly MetricRecord[]): Buffer {
  const n = METRIC_BIN_COLUMNS.length;
  const b = Buffer.alloc(records.length * n * 8);
  let o = 0;
  for (const r of records) {
    for (const k of METRIC_BIN_COLUMNS) {
      const v = k === 'rectified' ? (r.rectified === true ? 1 : r.rectified === false ? 0 : NaN) : num(r[k]);
      b.writeDoubleLE(v, o);
      o += 8;
    }
  }
  return b;
}

export interface MetricsBinLayout {
  headerBytes: number;
  columns: number;
}

/** The layout a metrics.f64 header declares, or a reason it is not one this version reads. */
export function parseMetricsHeader(head: Buffer): MetricsBinLayout | string {
  if (head.length < METRICS_HEADER_BYTES || head.toString('latin1', 0, 8) !== METRICS_MAGIC) return 'not a metrics.f64 file';
  const headerBytes = head.readUInt32LE(8);
  const columns = head.readUInt32LE(12);
  if (headerBytes < METRICS_HEADER_BYTES || headerBytes % 8 || columns < METRIC_BIN_COLUMNS.length || columns > 256) return 'metrics.f64 header is not valid';
  return { headerBytes, columns };
}

/** The shape every histogram row of a run shares: set by its first histogram. */
export interface HistogramsBinLayout {
  headerBytes: number;
  bins: number;
  lo: number;
  hi: number;
  edges: number[];
  /** Layer names, in row order (after the all-parameters group). */
  layers: string[];
}

export const histogramRowFloats = (l: Pick<HistogramsBinLayout, 'bins' | 'layers'>): number => 1 + (1 + l.layers.length) * (l.bins + 2);

export function histogramsLayoutOf(first: HistogramRecord): Omit<HistogramsBinLayout, 'headerBytes'> {
  const bins = first.counts.length;
  return { bins, lo: first.lo, hi: first.hi, edges: histogramEdges(first.lo, first.hi, bins), layers: (first.layers ?? []).map((l) => l.name) };
}

export function histogramsBinHeader(layout: Omit<HistogramsBinLayout, 'headerBytes'>): { header: Buffer; layout: HistogramsBinLayout } {
  const names = Buffer.from(JSON.stringify(layout.layers));
  const fixed = 40 + (layout.bins + 1) * 8;
  const headerBytes = Math.ceil((fixed + names.length) / 8) * 8;
  const b = Buffer.alloc(headerBytes, 0x20);
  b.write(HISTOGRAMS_MAGIC, 0, 'latin1');
  b.writeUInt32LE(headerBytes, 8);
  b.writeUInt32LE(layout.bins, 12);
  b.writeUInt32LE(layout.layers.length + 1, 16);
  b.writeUInt32LE(0, 20);
  b.writeDoubleLE(layout.lo, 24);
  b.writeDoubleLE(layout.hi, 32);
  layout.edges.forEach((e, i) => b.writeDoubleLE(e, 40 + i * 8));
  names.copy(b, 40 + (layout.bins + 1) * 8);
  return { header: b, layout: { ...layout, headerBytes } };
}

export function parseHistogramsHeader(head: Buffer): HistogramsBinLayout | string {
  if (head.length < 40 || head.toString('latin1', 0, 8) !== HISTOGRAMS_MAGIC) return 'not a histograms.f64 file';
  const headerBytes = head.readUInt32LE(8);
  const bins = head.readUInt32LE(12);
  const groups = head.readUInt32LE(16);
  if (headerBytes % 8 || bins < 1 || bins > 100_000 || groups < 1 || headerBytes > head.length || 40 + (bins + 1) * 8 > headerBytes) return 'histograms.f64 header is not valid';
  const lo = head.readDoubleLE(24);
  const hi = head.readDoubleLE(32);
  const edges = Array.from({ length: bins + 1 }, (_, i) => head.readDoubleLE(40 + i * 8));
  let layers: unknown;
  try {
    layers = JSON.parse(head.toString('utf8', 40 + (bins + 1) * 8, headerBytes));
  } catch {
    return 'histograms.f64 layer names are not valid';
  }
  if (!Array.isArray(layers) || layers.length !== groups - 1 || !layers.every((n) => typeof n === 'string')) return 'histograms.f64 layer names are not valid';
  return { headerBytes, bins, lo, hi, edges, layers: layers };
}

/** Bytes to read to be sure of holding a histograms.f64 header (bins and names are bounded). */
export const histogramsHeaderProbeBytes = (bins = 1024, names = 64 * 1024): number => 40 + (bins + 1) * 8 + names;

/**
 * Histogram records as binary rows of `layout`, or null when one does not fit it (other bins or
 * layers: the writer then gives up the binary file and readers use the JSON lines).
 */
export function encodeHistogramRows(layout: HistogramsBinLayout, records: readonly HistogramRecord[]): Buffer | null {
  const w = histogramRowFloats(layout);
  const b = Buffer.alloc(records.length * w * 8);
  let o = 0;
  const put = (v: number) => {
    b.writeDoubleLE(v, o);
    o += 8;
  };
  const group = (g: { counts: number[]; zeros: number; total: number }) => {
    put(num(g.zeros));
    put(num(g.total));
    for (const c of g.counts) put(num(c));
  };
  for (const r of records) {
    const layers = r.layers ?? [];
    if (r.counts.length !== layout.bins || r.lo !== layout.lo || r.hi !== layout.hi || layers.length !== layout.layers.length) return null;
    if (layers.some((l, i) => l.name !== layout.layers[i] || l.counts.length !== layout.bins)) return null;
    put(num(r.step));
    group(r);
    for (const l of layers) group(l);
  }
  return b;
}

/** Row `i` of a histogram table back to the record the JSON line holds. */
export function decodeHistogramRow(layout: HistogramsBinLayout, data: Float64Array, i: number): HistogramRecord {
  const w = histogramRowFloats(layout);
  let o = i * w;
  const step = data[o++];
  const group = (): { counts: number[]; zeros: number; total: number } => {
    const zeros = data[o++];
    const total = data[o++];
    const counts = Array.from(data.subarray(o, o + layout.bins));
    o += layout.bins;
    return { counts, zeros, total };
  };
  const all = group();
  const rec: HistogramRecord = { step, lo: layout.lo, hi: layout.hi, bins: layout.bins, edges: layout.edges, ...all };
  if (layout.layers.length) rec.layers = layout.layers.map((name): LayerHistogram => ({ name, ...group() }));
  return rec;
}
