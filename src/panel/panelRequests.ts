// The webview's requests (each answered by one reply, src/protocol/requests.ts): run records and zoomed
// ranges from RunData, the run list again, delete and export (./runActions.ts), a chart saved as PNG.
import type { WebviewRequest, WebviewRequestResults } from '../protocol/webview';
import { exportPng } from './exports';
import type { RunData } from './runData';
import { deleteRun, deleteRuns, exportData, type RunActionDeps } from './runActions';

export interface RequestDeps extends RunActionDeps {
  data: RunData;
}

/** Runs a webview request; its result (or the error it throws) is the reply. */
export async function handleRequest<T extends WebviewRequest>(d: RequestDeps, msg: T): Promise<WebviewRequestResults[T['type']]>;
export async function handleRequest(d: RequestDeps, msg: WebviewRequest): Promise<WebviewRequestResults[WebviewRequest['type']]> {
  switch (msg.type) {
    case 'requestRunData': {
      const failed: { runId: string; error: string }[] = [];
      for (const runId of msg.runIds) {
        try {
          await d.data.send(runId);
        } catch (e) {
          failed.push({ runId, error: e instanceof Error ? e.message : String(e) });
        }
      }
      return { failed };
    }
    case 'refreshRuns':
      await d.list.refresh();
      return null;
    case 'deleteRun':
      return { deleted: await deleteRun(d, msg.runId) };
    case 'deleteRuns':
      return { deleted: await deleteRuns(d, msg.runIds) };
    case 'exportData':
      return { savedTo: await exportData(d, msg.format, msg.runIds) };
    case 'requestRange':
      return { runs: await d.data.range(msg.runIds, msg.fromStep, msg.toStep, msg.maxPoints) };
    case 'exportImage': {
      const r = await exportPng(d.runsDir(), msg.chart, msg.dataUrl);
      if (r) await d.post({ type: 'notice', level: 'info', text: `Saved ${msg.chart} chart to ${r.uri.fsPath}` });
      return { savedTo: r?.uri.fsPath ?? null };
    }
  }
}
