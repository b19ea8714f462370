#!/usr/bin/env node
// `npm start`: a real VS Code with RAdam Lab loaded, on the sample workspace (or argv[2]).
//  - VS Code desktop, if one is installed (`code` on PATH, or RADAM_VSCODE_EXECUTABLE) and there
//    is a display: opened with --extensionDevelopmentPath, and this script exits.
//  - Otherwise (this headless machine), the VS Code server from the code-server npm package
//    (installed once into .vscode-test/code-server/) with the extension loaded, at the printed
//    URL; Ctrl+C stops it. RADAM_START=web forces this; RADAM_PORT / RADAM_HOST choose the port
//    (default: a free one) and the interface (default 127.0.0.1).
//   node scripts/start.mjs [folder]
import { existsSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureVSCodeServer, startServer, ROOT, VSCODE_VERSION } from '../test/harness/vscodeServer.mjs';

const folder = resolve(process.argv[2] ?? join(ROOT, 'test', 'fixtures', 'workspace'));
if (!existsSync(folder)) {
  console.error(`No such folder: ${folder}`);
  process.exit(1);
}
if (!existsSync(join(ROOT, 'dist', 'extension.js'))) console.warn('warning: dist/extension.js is missing; run `node scripts/build.mjs` (npm start does).');

function desktopCode() {
  if (process.env.RADAM_START === 'web') return null;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  const exe = process.env.RADAM_VSCODE_EXECUTABLE || process.env.VSCODE_EXECUTABLE;
  if (exe) return exe;
  try {
    return execFileSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function startDesktop(code) {
  console.log(`Opening VS Code desktop (${code}) with RAdam Lab loaded on ${folder}.`);
  console.log('(RADAM_START=web npm start runs the browser-based VS Code instead.)');
  const child = spawn(code, ['--new-window', `--extensionDevelopmentPath=${ROOT}`, folder], { stdio: 'inherit', detached: true });
  await new Promise((res, rej) => {
    child.once('spawn', res);
    child.once('error', rej);
  });
  child.unref();
}

async function startWeb() {
  await ensureVSCodeServer();
  const dataDir = join(ROOT, '.vscode-test', 'run', 'start');
  const server = await startServer({
    port: process.env.RADAM_PORT ? Number(process.env.RADAM_PORT) : undefined,
    host: process.env.RADAM_HOST || '127.0.0.1',
    dataDir,
    fresh: false, // keep settings and state between sessions
    logFile: join(dataDir, 'server.log'),
  });
  const url = server.workbenchUrl({ folder, extensionDevelopmentPath: ROOT, skipWelcome: false });
  console.log(`
RAdam Lab is loaded in VS Code ${VSCODE_VERSION} (the browser-based VS Code server) on ${folder}.
Open this URL in a browser:

  ${url}

Then run "RAdam: Open Dashboard" from the command palette (F1). After a rebuild (npm run build), reload the page.
Server log: ${server.logFile}
Press Ctrl+C to stop.
`);
  // Runs until SIGINT/SIGTERM/SIGHUP: vscodeServer.mjs then stops the server and its extension hosts.
}

const code = desktopCode();
try {
  if (code) await startDesktop(code);
  else await startWeb();
} catch (err) {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
}
