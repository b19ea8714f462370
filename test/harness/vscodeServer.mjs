// A real VS Code on a machine where VS Code desktop cannot be downloaded: the VS Code server
// build shipped inside the `code-server` npm package, driven by Playwright in Debian's chromium.
// Which code-server, on which Node: a *target* of ./targets.mjs (today's VS Code on Node 24, and the
// oldest VS Code that engines.vscode claims). See ../../../shared/notes/environment.md, "A real VS
// Code here", for why each install step is needed.
//
//   ensureVSCodeServer(target)    install into .vscode-test/code-server-<version>/ once (marker file)
//   startServer({ target, ... })  -> { url, port, workbenchUrl(), stop() }
//   installVsix(target, vsix, extensionsDir)   what a user's `--install-extension` does
//   launchBrowser()               -> playwright Browser (headless chromium)
//   openWorkbench(browser, url)   -> Page with the workbench loaded
//   runCommand(page, title)       command palette, robustly
//   closePage(page)               page.close({ runBeforeUnload: true })
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, statSync, copyFileSync, chmodSync, symlinkSync, lstatSync, createWriteStream, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname, resolve } from 'node:path';
import { ROOT, VSCODE_TARGETS, targetById, ensureNode, nodeEnv, describeTarget } from './targets.mjs';

export { ROOT, VSCODE_TARGETS, targetById, describeTarget };

/** Where a target's code-server lives. RADAM_CODE_SERVER_DIR lets several checkouts share installs. */
export function serverPaths(target) {
  const base = process.env.RADAM_CODE_SERVER_DIR ? resolve(process.env.RADAM_CODE_SERVER_DIR) : join(ROOT, '.vscode-test');
  const cacheDir = join(base, `code-server-${target.codeServer}`);
  const codeServerDir = join(cacheDir, 'node_modules', 'code-server');
  const vscodeDir = join(codeServerDir, 'lib', 'vscode');
  return { cacheDir, codeServerDir, vscodeDir, marker: join(cacheDir, '.install-complete') };
}

const log = (...a) => console.log('[vscode-server]', ...a);

// ---------------------------------------------------------------------------------------------
// Install
// ---------------------------------------------------------------------------------------------

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Run a command, inheriting stdio; throw with a clear message on failure. */
function run(cmd, args, cwd, extraEnv) {
  return new Promise((resolveRun, reject) => {
    const t0 = Date.now();
    log(`$ (cd ${cwd.replace(ROOT + '/', '')} && ${cmd} ${args.join(' ')})`);
    // Under `npm test` / `npm start`, npm exports npm_config_local_prefix, npm_package_* etc. for
    // the project; a nested npm must not see them (it re-reads the user's .npmrc itself).
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: extraEnv });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) {
        log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        resolveRun();
      } else reject(new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${signal ?? 'exit ' + code})`));
    });
  });
}

export function isVSCodeServerInstalled(target = targetById()) {
  const { marker, vscodeDir } = serverPaths(target);
  try {
    return readFileSync(marker, 'utf8').trim() === target.codeServer && existsSync(join(vscodeDir, 'out', 'server-main.js'));
  } catch {
    return false;
  }
}

/**
 * Install the target's code-server (VS Code server) into .vscode-test/code-server-<version>/, under the
 * target's Node (skipped when the marker from a complete earlier install is there). Needs the Debian
 * packages ripgrep and libkrb5-dev (and chromium to drive it), which .ci/run installs.
 */
export async function ensureVSCodeServer(target = targetById(), { force = false } = {}) {
  const { cacheDir, vscodeDir } = serverPaths(target);
  if (!force && isVSCodeServerInstalled(target)) return vscodeDir;
  // One installer at a time (two test runs may start together); a lock older than 15 min is stale.
  const lock = cacheDir + '.lock';
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let age;
      try { age = Date.now() - statSync(lock).mtimeMs; } catch { continue; }
      if (age > 15 * 60_000) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (waited === 0) log(`another process is installing the VS Code server (${lock}); waiting…`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    if (!force && isVSCodeServerInstalled(target)) return vscodeDir;
    return await install(target);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function install(target) {
  const t0 = Date.now();
  const { cacheDir: CACHE_DIR, vscodeDir: VSCODE_DIR, marker: MARKER } = serverPaths(target);
  const rg = process.env.RADAM_RG_PATH || which('rg');
  if (!rg) throw new Error('ripgrep (`rg`) not found: install the Debian package `ripgrep` (apt-get install ripgrep); .ci/run does this.');
  // npm, node-gyp and the native addons all under the target's Node (its ABI, its headers).
  const node = ensureNode(target.nodeMajor);
  const env = nodeEnv(node);
  const envYes = nodeEnv(node, { npm_config_yes: 'true' });
  log(`installing code-server@${target.codeServer} (VS Code ${target.vscode}) under Node ${node.version} into ${CACHE_DIR} …`);
  rmSync(MARKER, { force: true });
  mkdirSync(CACHE_DIR, { recursive: true });
  // A package.json of its own, so npm does not walk up to the project's.
  const pkg = join(CACHE_DIR, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, JSON.stringify({ name: 'radam-lab-vscode-server', private: true }, null, 2) + '\n');
  const npm = 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  const timings = [];
  const step = async (name, fn) => {
    const s = Date.now();
    await fn();
    timings.push([name, (Date.now() - s) / 1000]);
  };

  // 2. the package itself, without its postinstall (it wants --unsafe-perm as root and downloads ripgrep).
  await step('npm install code-server', () => run(npm, ['install', '--ignore-scripts', ...quiet, `code-server@${target.codeServer}`], CACHE_DIR, env));
  await step('npm rebuild argon2', () => run(npm, ['rebuild', ...quiet, 'argon2'], CACHE_DIR, env));
  // 3. the VS Code server's own dependencies.
  await step('lib/vscode npm install', () => run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], VSCODE_DIR, env));
  // ripgrep's postinstall skips its (unreachable) download only if bin/ already exists.
  const rgBin = join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  copyFileSync(rg, join(rgBin, 'rg'));
  chmodSync(join(rgBin, 'rg'), 0o755);
  // npm_config_yes=true: this machine's npm config says yes=false, which cancels node-pty's `npx node-gyp`.
  await step('lib/vscode npm rebuild', () => run(npm, ['rebuild', ...quiet], VSCODE_DIR, envYes));
  const asar = join(VSCODE_DIR, 'node_modules.asar');
  if (!lexists(asar)) symlinkSync('node_modules', asar);
  // The built-in extensions' dependencies.
  const extDir = join(VSCODE_DIR, 'extensions');
  await step('lib/vscode/extensions npm install', () => run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], extDir, env));
  await step('lib/vscode/extensions npm rebuild', () => run(npm, ['rebuild', ...quiet], extDir, envYes));
  const extAsar = join(extDir, 'node_modules.asar');
  if (existsSync(join(extDir, 'node_modules')) && !lexists(extAsar)) symlinkSync('node_modules', extAsar);

  if (!existsSync(join(VSCODE_DIR, 'out', 'server-main.js'))) throw new Error('install finished but lib/vscode/out/server-main.js is missing');
  writeFileSync(MARKER, target.codeServer + '\n');
  const total = (Date.now() - t0) / 1000;
  log('install timings:');
  for (const [name, s] of timings) log(`  ${name.padEnd(36)} ${s.toFixed(1)} s`);
  log(`VS Code server ${target.vscode} (Node ${node.version}) installed in ${total.toFixed(1)} s`);
  return VSCODE_DIR;
}

function lexists(p) {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

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

// ---------------------------------------------------------------------------------------------
// Browser
// ---------------------------------------------------------------------------------------------

/** The real chromium binary (/usr/bin/chromium is a wrapper shell script). */
export function findChromium() {
  const candidates = [
    process.env.RADAM_CHROMIUM,
    process.env.CHROMIUM_PATH,
    '/usr/lib/chromium/chromium',
    '/usr/lib/chromium-browser/chromium-browser',
    '/usr/lib64/chromium-browser/chromium-browser',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/usr/bin/chromium-browser',
    '/usr/bin/chromium',
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('No chromium found: install the Debian package `chromium` (.ci/run does), or set RADAM_CHROMIUM to a Chrome/Chromium binary.');
  return found;
}

export async function launchBrowser({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: findChromium(),
    headless,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Open the workbench at url in a fresh page and wait until it is interactive. */
export async function openWorkbench(browser, url, { timeoutMs = 60_000, viewport = { width: 1400, height: 900 }, onConsole } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (onConsole) page.on('console', onConsole);
  // Leave when asked to (closePage runs beforeunload); refuse any other dialog.
  page.on('dialog', (d) => (d.type() === 'beforeunload' ? d.accept() : d.dismiss()).catch(() => {}));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  // The status bar is one of the last parts restored.
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
  return page;
}

/** Close a page so the server drops its extension host at once (not hours later). */
export async function closePage(page) {
  if (!page || page.isClosed()) return;
  const context = page.context();
  try {
    await page.close({ runBeforeUnload: true });
    // runBeforeUnload returns before the page is gone; wait for it (bounded).
    for (let i = 0; i < 50 && !page.isClosed(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!page.isClosed()) await page.close();
  } catch { /* browser already gone */ }
  try { await context.close(); } catch { /* ignore */ }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Run a command by its palette title (e.g. "RAdam: Open Dashboard"): F1, wait for the quick-input
 * box to have focus, type, check that the first row is that command (it says "No matching
 * commands" until the extension's contributions are registered), Enter; on a mismatch Escape and
 * retry until timeoutMs.
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const want = title.trim().toLowerCase();
  let attempt = 0;
  let lastSeen = '';
  while (Date.now() < deadline) {
    attempt++;
    await page.keyboard.press('Escape').catch(() => {});
    await page.keyboard.press('F1');
    const focused = await page
      .waitForFunction(() => {
        const a = document.activeElement;
        return !!a && a.tagName === 'INPUT' && !!a.closest('.quick-input-widget');
      }, null, { timeout: 5000 })
      .then(() => true, () => false);
    if (!focused) {
      await sleep(500);
      continue;
    }
    await page.keyboard.type(title, { delay: 10 });
    // Let the list filter settle, then look at the first row.
    let first = '';
    const settleUntil = Date.now() + 3000;
    while (Date.now() < settleUntil) {
      await sleep(200);
      const state = await page.evaluate(() => {
        const w = document.querySelector('.quick-input-widget');
        const input = w?.querySelector('input');
        const row = w?.querySelector('.quick-input-list .monaco-list-row[data-index="0"]');
        const label = row?.querySelector('.label-name')?.textContent ?? row?.getAttribute('aria-label') ?? '';
        return { value: input?.value ?? '', label, focused: document.activeElement === input };
      });
      first = state.label.trim();
      if (!state.focused) break;
      if (first.toLowerCase() === want || first.toLowerCase().startsWith(want)) break;
    }
    lastSeen = first;
    if (first.toLowerCase() === want || first.toLowerCase().startsWith(want)) {
      await page.keyboard.press('Enter');
      await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 5000 }).catch(() => {});
      return { attempts: attempt };
    }
    await page.keyboard.press('Escape');
    await sleep(1000);
  }
  throw new Error(`command palette: "${title}" not found as first row after ${attempt} attempt(s) (last first row: "${lastSeen || 'none'}")`);
}

/** Locator root of the active webview's content document. */
export function webviewFrame(page, { ready = true } = {}) {
  return page.frameLocator(ready ? 'iframe.webview.ready' : 'iframe.webview').frameLocator('#active-frame');
}
