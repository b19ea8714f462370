// The webview side of the host channel: acquireVsCodeApi() may be called once per page.
import { Requester } from '../src/protocol/requests';
import { isHostToWebview, WEBVIEW_REQUEST_RESULTS, type HostToWebview, type WebviewRequest, type WebviewRequestResults, type WebviewState, type WebviewToHost } from '../src/protocol/webview';

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

/** Requests to the host: each resolves with the host's reply, or rejects with the error it replied. */
export const requester = new Requester<WebviewRequest, WebviewRequestResults>(post, WEBVIEW_REQUEST_RESULTS);
export const request: typeof requester.request = (msg) => requester.request(msg);

/**
 * Host messages, validated; anything unknown or malformed is ignored and logged (here and to the host).
 * Replies settle their request here; every other message goes to `handler`.
 */
export function onHostMessage(handler: (msg: Exclude<HostToWebview, { type: 'reply' }>) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    if (isHostToWebview(event.data)) {
      const msg = event.data;
      if (msg.type !== 'reply') handler(msg);
      else if (!requester.settle(msg)) post({ type: 'log', level: 'warn', text: `dashboard got a reply to no pending request (${msg.requestId})` });
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
