// Histogram slices as the run-loading worker hands them to the extension host: a few typed arrays instead
// of an array of objects. A thousand slices as objects (two number arrays each) are deserialized on the
// host's thread in one go when the worker's reply arrives (measured: the longest block of a 3-run open);
// as typed arrays they are transferred, and the host makes the objects the webview protocol wants a
// message's worth at a time (`slicesOf`), between which it can yield. Bin edges are stored once per
// distinct set (a run's histograms share one), not per slice. Pure: no fs, no vscode; unit-tested.
import type { HistogramSlice } from '../protocol/webview';

export interface HistogramTable {
  /** Per slice. */
  steps: Float64Array;
  zeros: Float64Array;
  total: Float64Array;
  /** Index into layerNames, or -1 for a slice of all parameters. */
  layer: Int32Array;
  layerNames: string[];
  /** Slice i's counts are counts[countsStart[i] .. countsStart[i + 1]). */
  countsStart: Uint32Array;
  counts: Float64Array;
  /** Slice i's edges are edge set edgeSet[i]: edges[edgesStart[k] .. edgesStart[k + 1]). */
  edgeSet: Uint32Array;
  edgesStart: Uint32Array;
  edges: Float64Array;
}

const sameValues = (a: readonly number[], b: Float64Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

export function packHistogramSlices(slices: readonly HistogramSlice[]): HistogramTable {
  const n = slices.length;
  const t: HistogramTable = {
    steps: new Float64Array(n),
    zeros: new Float64Array(n),
    total: new Float64Array(n),
    layer: new Int32Array(n),
    layerNames: [],
    countsStart: new Uint32Array(n + 1),
    counts: new Float64Array(slices.reduce((a, s) => a + s.counts.length, 0)),
    edgeSet: new Uint32Array(n),
    edgesStart: new Uint32Array(0),
    edges: new Float64Array(0),
  };
  const layerIndex = new Map<string, number>();
  // Edge sets, found by identity (slices of one record share their array) or by value (the last set).
  const setOf = new Map<readonly number[], number>();
  const sets: Float64Array[] = [];
  let c = 0;
  slices.forEach((s, i) => {
    t.steps[i] = s.step;
    t.zeros[i] = s.zeros;
    t.total[i] = s.total;
    if (s.layer === undefined) t.layer[i] = -1;
    else {
      let k = layerIndex.get(s.layer);
      if (k === undefined) {
        k = t.layerNames.push(s.layer) - 1;
        layerIndex.set(s.layer, k);
      }
      t.layer[i] = k;
    }
    t.counts.set(s.counts, c);
    c += s.counts.length;
    t.countsStart[i + 1] = c;
    let k = setOf.get(s.edges);
    if (k === undefined) {
      k = sets.length && sameValues(s.edges, sets[sets.length - 1]) ? sets.length - 1 : sets.push(Float64Array.from(s.edges)) - 1;
      setOf.set(s.edges, k);
    }
    t.edgeSet[i] = k;
  });
  t.edgesStart = new Uint32Array(sets.length + 1);
  t.edges = new Float64Array(sets.reduce((a, e) => a + e.length, 0));
  sets.forEach((e, k) => {
    t.edges.set(e, t.edgesStart[k]);
    t.edgesStart[k + 1] = t.edgesStart[k] + e.length;
  });
  return t;
}

/** Slices in the table. */
export const histogramTableLength = (t: HistogramTable): number => t.steps.length;

/** The table's buffers, to transfer rather than copy. */
export function histogramTableBuffers(t: HistogramTable): ArrayBuffer[] {
  return [t.steps, t.zeros, t.total, t.layer, t.countsStart, t.counts, t.edgeSet, t.edgesStart, t.edges].map((a) => a.buffer as ArrayBuffer);
}

/**
 * Slices [from, to) as the webview protocol's objects. Slices of one edge set share one edges array
 * (they are serialized per message anyway); `edgeArrays` carries those arrays from call to call.
 */
export function slicesOf(t: HistogramTable, from: number, to: number, edgeArrays: number[][] = []): HistogramSlice[] {
  const out: HistogramSlice[] = [];
  for (let i = from; i < Math.min(to, t.steps.length); i++) {
    const k = t.edgeSet[i];
    const edges = (edgeArrays[k] ??= Array.from(t.edges.subarray(t.edgesStart[k], t.edgesStart[k + 1])));
    const s: HistogramSlice = { step: t.steps[i], edges, counts: Array.from(t.counts.subarray(t.countsStart[i], t.countsStart[i + 1])), zeros: t.zeros[i], total: t.total[i] };
    if (t.layer[i] >= 0) s.layer = t.layerNames[t.layer[i]];
    out.push(s);
  }
  return out;
}
