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
import { ensureVSCodeServer, startServer, ROOT, targetById } from '../test/harness/vscodeServer.mjs';

// Today's VS Code (Node 24) unless RADAM_VSCODE_TARGET=oldest.
const target = targetById();

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
  await ensureVSCodeServer(target);
  const dataDir = join(ROOT, '.vscode-test', 'run', `start-${target.id}`);
  const server = await startServer({
    target,
    port: process.env.RADAM_PORT ? Number(process.env.RADAM_PORT) : undefined,
    host: process.env.RADAM_HOST || '127.0.0.1',
    dataDir,
    fresh: false, // keep settings and state between sessions
    logFile: join(dataDir, 'server.log'),
    // The extension opens its own Getting Started walkthrough in front (src/commands/walkthrough.ts);
    // VS Code's welcome page (its "Setup VS Code Web" walkthrough) is skipped.
    env: { RADAM_OPEN_WALKTHROUGH: '1' },
  });
  const url = server.workbenchUrl({ folder, extensionDevelopmentPath: ROOT, skipWelcome: true });
  console.log(`
RAdam Lab is loaded in ${server.description} (the browser-based VS Code server) on ${folder}.
Open this URL in a browser:

  ${url}

It opens on RAdam Lab's Getting Started walkthrough; "RAdam: Start Training" (F1) trains. After a rebuild (npm run build), reload the page.
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
