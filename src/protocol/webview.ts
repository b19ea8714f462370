// Extension host ⇄ dashboard webview messages. Imported by both ends: src/panel/ (host) and webview/ (browser).
// Keep this file free of Node and vscode imports: it is bundled into the webview too.
import { isString, message, oneOf, type Validator } from './validate';
import type { BackendReport } from './trainer';

// ---- host → webview ----
export interface BackendUpdate {
  type: 'backend';
  /** null while the probe is still running; `error` when the trainer could not start. */
  backend: BackendReport | null;
  error?: string;
}
export type HostToWebview = BackendUpdate;

// ---- webview → host ----
export interface ReadyMessage {
  type: 'ready';
}
export type WebviewToHost = ReadyMessage;

export const isWebviewToHost: Validator<WebviewToHost> = oneOf<WebviewToHost>({
  ready: message<ReadyMessage>('ready'),
});

export const isHostToWebview: Validator<HostToWebview> = oneOf<HostToWebview>({
  backend: message<BackendUpdate>('backend', {
    backend: (b) => b === null || (typeof b === 'object' && isString((b as BackendReport).name)),
  }),
});

/** What the webview keeps with setState, so a reloaded window restores the same view. */
export interface WebviewState {
  version: 1;
}
