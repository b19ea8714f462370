#!/usr/bin/env node
// `npm run package`: the platform-specific VSIX a user installs (and a publisher uploads).
//
// RAdam Lab carries a native library (libtensorflow, under node_modules/@tensorflow/tfjs-node/deps/lib)
// and a native addon built against it, so one VSIX serves one platform: `vsce package --target T`, T =
// this machine's `<platform>-<arch>` (linux-x64 here) unless --target is given. The Marketplace and
// Open VSX pick the right file for each user. The other platforms are packaged the same way on a
// machine of that platform (CI runners): `npm ci` there installs tfjs-node with its own prebuilt
// libtensorflow for darwin-x64 / darwin-arm64 / win32-x64 (Google's download works on a normal
// network; RADAM_LIBTENSORFLOW takes a local copy otherwise), then `npm run package` makes
// radam-lab-<target>-<version>.vsix.
//
// Size: Open VSX refuses uploads over 256 MB. The library is the bulk: one copy of each of the two
// files the addon loads (.vscodeignore drops deps/lib's link-time symlinks, which vsce would otherwise
// pack as full copies) with their static symbol tables stripped at install (scripts/install-tfjs-node.js).
// This script prints the size and fails above the limit.
//   node scripts/package.mjs [--target linux-x64] [--out FILE]
import { spawnSync } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VSIX_LIMIT_BYTES = 256 * 1024 * 1024;

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const target = opt('--target', `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`);
const out = resolve(opt('--out', join(ROOT, `${pkg.name}-${target}-${pkg.version}.vsix`)));

function step(what, cmd, args) {
  const t0 = Date.now();
  console.log(`[package] ${what}…`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[package] ${what} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
  console.log(`[package]   ${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

step('production build', process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production']);
step(`vsce package --target ${target}`, process.execPath, [
  join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--no-yarn',
  '--no-rewrite-relative-links',
  '--allow-missing-repository',
  '--target',
  target,
  '--out',
  out,
]);
const size = statSync(out).size;
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(`[package] ${out}: ${mb(size)} (limit ${mb(VSIX_LIMIT_BYTES)})`);
if (size > VSIX_LIMIT_BYTES) {
  console.error(`[package] the VSIX is over the ${mb(VSIX_LIMIT_BYTES)} that Open VSX accepts`);
  process.exit(1);
}
