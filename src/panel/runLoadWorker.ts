// The run-loading worker thread (bundled as dist/runLoadWorker.js by scripts/build.mjs): reads run files
// and makes their bounded views (runRead.ts) so that the extension host's event loop never parses them.
// Requests are served one at a time, in order.
import { parentPort } from 'node:worker_threads';
import type { MetricColumns } from '../protocol/webview';
import { histogramTableBuffers, packHistogramSlices } from './histogramTable';
import type { LoadReply, LoadRequest } from './runLoadProtocol';
import { readOverview, readRange } from './runRead';

/** The buffers of a column set, to transfer rather than copy. */
export function columnBuffers(c: MetricColumns): ArrayBuffer[] {
  return Object.values(c).map((a: ArrayBufferView) => a.buffer as ArrayBuffer);
}

function serve(msg: LoadRequest): { reply: LoadReply; transfer: ArrayBuffer[] } {
  try {
    if (msg.kind === 'overview') {
      const o = readOverview(msg.req);
      const result = { ...o, histograms: packHistogramSlices(o.histograms) };
      return { reply: { id: msg.id, ok: true, kind: 'overview', result }, transfer: [...columnBuffers(result.columns), ...histogramTableBuffers(result.histograms)] };
    }
    const result = readRange(msg.req);
    return { reply: { id: msg.id, ok: true, kind: 'range', result }, transfer: columnBuffers(result.columns) };
  } catch (e) {
    return { reply: { id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) }, transfer: [] };
  }
}

parentPort?.on('message', (msg: LoadRequest) => {
  const { reply, transfer } = serve(msg);
  parentPort?.postMessage(reply, transfer);
});
