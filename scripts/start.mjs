#!/usr/bin/env node
// `npm start`: a real VS Code with RAdam Lab loaded, on the sample workspace (or argv[2]).
// Here that is the VS Code server from the code-server npm package (installed once into
// .vscode-test/code-server/), opened in your browser at the printed URL. Ctrl+C stops it.
//   node scripts/start.mjs [folder]        PORT=8080 to choose the port, HOST=0.0.0.0 to listen on all interfaces
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureVSCodeServer, startServer, ROOT, VSCODE_VERSION } from '../test/harness/vscodeServer.mjs';

const folder = resolve(process.argv[2] ?? join(ROOT, 'test', 'fixtures', 'workspace'));
if (!existsSync(folder)) {
  console.error(`No such folder: ${folder}`);
  process.exit(1);
}
if (!existsSync(join(ROOT, 'dist', 'extension.js'))) console.warn('warning: dist/extension.js is missing; run `node scripts/build.mjs` (npm start does).');

await ensureVSCodeServer();
const server = await startServer({
  port: process.env.PORT ? Number(process.env.PORT) : undefined,
  host: process.env.HOST || '127.0.0.1',
  dataDir: join(ROOT, '.vscode-test', 'run', 'start'),
  fresh: false, // keep settings, state and extensions between sessions
  logFile: join(ROOT, '.vscode-test', 'run', 'start', 'server.log'),
});
const url = server.workbenchUrl({ folder, extensionDevelopmentPath: ROOT, skipWelcome: false });
console.log(`
RAdam Lab is loaded in VS Code ${VSCODE_VERSION} (browser-based VS Code server) on ${folder}.
Open this URL in a browser:

  ${url}

Run "RAdam: Open Dashboard" from the command palette (F1). After a rebuild (npm run build), reload the page.
Server log: ${server.logFile}
Press Ctrl+C to stop.
`);
// Runs until SIGINT/SIGTERM; vscodeServer.mjs stops the server (and its extension hosts) then.
