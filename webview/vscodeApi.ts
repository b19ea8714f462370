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

/** Host messages, validated; anything unknown or malformed is ignored and logged (here and to the host). */
export function onHostMessage(handler: (msg: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    if (isHostToWebview(event.data)) {
      handler(event.data);
      return;
    }
    const type = event.data && typeof event.data === 'object' ? String((event.data as { type?: unknown }).type) : typeof event.data;
    console.warn('[dashboard] ignored an unknown or malformed message from the host', event.data);
    post({ type: 'log', level: 'warn', text: `dashboard ignored an unknown or malformed host message (type ${type.slice(0, 60)})` });
  });
}

/** Whatever VS Code kept for this panel (sanitize before use: see state.ts). */
export function loadState(): unknown {
  return api.getState();
}

export function saveState(state: WebviewState): void {
  api.setState(state);
}
