// The webview side of the host channel: acquireVsCodeApi() may be called once per page.
import { isHostToWebview, type HostToWebview, type WebviewState, type WebviewToHost } from '../src/protocol/webview';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(msg: WebviewToHost): void {
  api.postMessage(msg);
}

export function onHostMessage(handler: (msg: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    if (isHostToWebview(event.data)) handler(event.data);
    else console.warn('[dashboard] ignored an unknown message from the host', event.data);
  });
}

export function loadState(): WebviewState | undefined {
  const s = api.getState() as WebviewState | undefined;
  return s && s.version === 2 ? s : undefined;
}

export function saveState(state: WebviewState): void {
  api.setState(state);
}
