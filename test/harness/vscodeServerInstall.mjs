// Installing a VS Code server target (./targets.mjs) once into .vscode-test/code-server-<version>/ (or
// RADAM_CODE_SERVER_DIR): the code-server npm package under the target's own Node, with the native
// modules rebuilt for it. See ../../../shared/notes/environment.md, "A real VS Code here", for why each
// install step is needed. Starting the installed server is ./vscodeServer.mjs.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, statSync, copyFileSync, chmodSync, symlinkSync, lstatSync, rmSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { ROOT, targetById, ensureNode, nodeEnv } from './targets.mjs';

/** Where a target's code-server lives. RADAM_CODE_SERVER_DIR lets several checkouts share installs. */
export function serverPaths(target) {
  const base = process.env.RADAM_CODE_SERVER_DIR ? resolve(process.env.RADAM_CODE_SERVER_DIR) : join(ROOT, '.vscode-test');
  const cacheDir = join(base, `code-server-${target.codeServer}`);
  const codeServerDir = join(cacheDir, 'node_modules', 'code-server');
  const vscodeDir = join(codeServerDir, 'lib', 'vscode');
  return { cacheDir, codeServerDir, vscodeDir, marker: join(cacheDir, '.install-complete') };
}

export const log = (...a) => console.log('[vscode-server]', ...a);

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
