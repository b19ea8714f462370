// A real VS Code on a machine where VS Code desktop cannot be downloaded: the VS Code server
// build shipped inside the `code-server` npm package, driven by Playwright in Debian's chromium.
// Which code-server, on which Node: a *target* of ./targets.mjs (today's VS Code on Node 24, and the
// oldest VS Code that engines.vscode claims). See ../../../shared/notes/environment.md, "A real VS
// Code here", for why each install step is needed.
//
//   ensureVSCodeServer(target)    install into .vscode-test/code-server-<version>/ once (./vscodeServerInstall.mjs)
//   startServer({ target, ... })  -> { url, port, workbenchUrl(), stop() }
//   installVsix(target, vsix, extensionsDir)   what a user's `--install-extension` does
// The browser side (chromium, the workbench page, the command palette, webviews) is ./workbenchPage.mjs.
import { spawn } from 'node:child_process';
import { mkdirSync, createWriteStream, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname, resolve } from 'node:path';
import { ROOT, VSCODE_TARGETS, targetById, ensureNode, describeTarget } from './targets.mjs';
import { ensureVSCodeServer, isVSCodeServerInstalled, log, serverPaths } from './vscodeServerInstall.mjs';

export { ROOT, VSCODE_TARGETS, targetById, describeTarget, ensureVSCodeServer, isVSCodeServerInstalled, serverPaths };

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const WATCHDOG = `
const [parent, group] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
let stopping = false;
setInterval(() => {
  if (!alive(group)) process.exit(0);
  if (!stopping && !alive(parent)) {
    stopping = true;
    try { process.kill(-group, 'SIGTERM'); } catch {}
    setTimeout(() => { try { process.kill(-group, 'SIGKILL'); } catch {} process.exit(0); }, 8000);
  }
}, 1000);
`;

const liveServers = new Set();
let cleanupInstalled = false;

/** Kill every server this process started (synchronously; used on exit and on signals). */
function killAllServersSync(signal = 'SIGTERM') {
  for (const s of liveServers) {
    try {
      process.kill(-s.pid, signal); // the server's whole process group: server + extension hosts
    } catch {
      /* already gone */
    }
  }
}

function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => killAllServersSync('SIGTERM'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, async () => {
      log(`${sig}: stopping ${liveServers.size} server(s)`);
      await Promise.allSettled([...liveServers].map((s) => s.stop()));
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig] ?? 0));
    });
  }
}

/**
 * Start the bare VS Code server (not code-server's wrapper, which rejects
 * --extensionDevelopmentPath) and wait until it answers HTTP.
 * @returns {{ url: string, port: number, pid: number, logFile: string, workbenchUrl: (o?: object) => string, stop: () => Promise<void> }}
 */
export async function startServer({
  target = targetById(),
  port,
  host = '127.0.0.1',
  dataDir = join(ROOT, '.vscode-test', 'run', 'default'),
  userDataDir,
  serverDataDir,
  extensionsDir,
  fresh = true,
  env = {},
  logFile,
  echo = false,
  timeoutMs = 90_000,
} = {}) {
  await ensureVSCodeServer(target);
  const { codeServerDir, vscodeDir } = serverPaths(target);
  const node = ensureNode(target.nodeMajor);
  port ??= await freePort();
  if (fresh) rmSync(dataDir, { recursive: true, force: true });
  userDataDir ??= join(dataDir, 'user-data');
  serverDataDir ??= join(dataDir, 'server-data');
  extensionsDir ??= join(dataDir, 'extensions');
  logFile ??= join(dataDir, 'server.log');
  for (const d of [userDataDir, serverDataDir, extensionsDir, dirname(logFile)]) mkdirSync(d, { recursive: true });

  const args = [
    join(vscodeDir, 'out', 'server-main.js'),
    '--host', host,
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-workspace-trust', // accepted though --help omits it; the trust dialog swallows keys
    '--disable-telemetry',
    '--server-data-dir', serverDataDir,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    // Only where the target needs it to load the extension under development (./targets.mjs says why).
    ...(target.smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
  ];
  installCleanup();
  const t0 = Date.now();
  // The server runs on the target's Node, and so do its extension hosts and what they fork (our trainer).
  const child = spawn(node.bin, args, {
    cwd: codeServerDir,
    detached: true, // own process group, so stop() also reaches the extension hosts
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  // A watchdog outside both process groups: if this process dies without stopping the server
  // (SIGKILL, a crash), it takes the server's group (server + extension hosts) down with it.
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  const out = createWriteStream(logFile);
  let tail = '';
  const onData = (chunk) => {
    out.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
    if (echo) process.stdout.write(chunk);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  const exitPromise = new Promise((res) => child.on('exit', (code, signal) => { exited = { code, signal }; liveServers.delete(server); res(exited); }));

  const url = `http://${host}:${port}`;
  const server = {
    target,
    nodeVersion: node.version,
    description: describeTarget(target, node),
    url,
    port,
    host,
    pid: child.pid,
    logFile,
    /** Authority-qualified URI of a local path, as the browser workbench needs in its payload. */
    remoteUri: (p) => `vscode-remote://${host}:${port}${resolve(p)}`,
    /**
     * The workbench URL for a folder, with the extension(s) under development and an optional
     * test suite path (module path without .js, or a folder with an index).
     */
    workbenchUrl({ folder, extensionDevelopmentPath, extensionTestsPath, skipWelcome = true } = {}) {
      const payload = [];
      if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', server.remoteUri(extensionDevelopmentPath)]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(extensionTestsPath)]);
      if (skipWelcome) payload.push(['skipWelcome', 'true']);
      const q = [];
      if (folder) q.push(`folder=${encodeURIComponent(resolve(folder))}`);
      if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      return `${url}/${q.length ? '?' + q.join('&') : ''}`;
    },
    tail: () => tail,
    async stop() {
      if (exited) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
      await exitPromise;
      clearTimeout(timer);
      // The extension hosts are in the same group; make sure none outlives the server.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* all gone */ }
      out.end();
    },
  };
  liveServers.add(server);

  // Wait until it answers HTTP.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`VS Code server exited (${exited.signal ?? 'code ' + exited.code}) before answering; log ${logFile}:\n${tail}`);
    try {
      const res = await fetch(url + '/version', { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`VS Code server did not answer on ${url} within ${timeoutMs / 1000} s; log ${logFile}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`VS Code server ${target.vscode} (Node ${node.version}) up on ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${child.pid}, log ${logFile.replace(ROOT + '/', '')})`);
  return server;
}

/**
 * Install a VSIX as a user does (`code-server --install-extension FILE`): the server's CLI unpacks it
 * into extensionsDir and exits. Returns what it printed.
 */
export async function installVsix(target, vsix, { extensionsDir, serverDataDir, userDataDir }) {
  await ensureVSCodeServer(target);
  const { codeServerDir, vscodeDir } = serverPaths(target);
  const node = ensureNode(target.nodeMajor);
  for (const d of [extensionsDir, serverDataDir, userDataDir]) mkdirSync(d, { recursive: true });
  const args = [join(vscodeDir, 'out', 'server-main.js'), '--accept-server-license-terms', '--install-extension', resolve(vsix), '--force',
    '--extensions-dir', extensionsDir, '--server-data-dir', serverDataDir, '--user-data-dir', userDataDir];
  return await new Promise((res, rej) => {
    const child = spawn(node.bin, args, { cwd: codeServerDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`--install-extension ${vsix} exited with ${code}:\n${out}`))));
  });
}
