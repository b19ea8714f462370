// The dashboard's HTML shell: a strict Content-Security-Policy (no eval, no inline script; the one
// bundle runs by nonce) and resources only from the built webview folder and media/.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export function dashboardHtml(webview: vscode.Webview, extensionUri: vscode.Uri, uriJoin: typeof vscode.Uri.joinPath): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(uriJoin(extensionUri, 'dist', 'webview', 'dashboard.js'));
  const css = webview.asWebviewUri(uriJoin(extensionUri, 'media', 'dashboard.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    // The toolkit's web components attach constructed style sheets; styles may be inline, scripts never.
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${css}">
  <title>RAdam Dashboard</title>
</head>
<body>
  <div id="app" data-testid="app">Loading RAdam Dashboard…</div>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
