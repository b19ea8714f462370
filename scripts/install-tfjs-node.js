#!/usr/bin/env node
// postinstall: make sure @tensorflow/tfjs-node (the native TensorFlow backend) is usable.
//
// @tensorflow/tfjs-node is an *optional* dependency. Its own install script downloads libtensorflow
// 2.9.1 from Google's storage; where that works (a normal machine), npm installs it unchanged and this
// script only checks that it loads. Where the download cannot work (an offline or firewalled machine),
// npm removes the failed optional package and carries on, and this script puts it back:
//
//   1. find a libtensorflow:
//        - $RADAM_LIBTENSORFLOW: a folder or .tar.gz in the official libtensorflow layout (lib/, include/),
//          or a TensorFlow pip wheel (.whl), or a folder holding an unpacked wheel's `tensorflow/` dir;
//        - otherwise the TensorFlow pip wheel, fetched with `python3 -m pip download tensorflow-cpu`
//          ($RADAM_TENSORFLOW_PIP, default tensorflow-cpu==2.21.0); its libtensorflow_cc.so.2 exports the
//          whole TF_*/TFE_* C API the addon needs. Cached in .cache/libtensorflow/.
//   2. unpack the tfjs-node package from the npm registry into node_modules, with its runtime deps,
//   3. strip the libraries' static symbol tables (`strip --strip-unneeded`: libtensorflow_cc 788 -> 583 MB,
//      the dynamic symbols the addon links against stay), cached beside the wheel; this is what keeps the
//      packaged VSIX under the Marketplace/Open VSX limits (see README, "Packaging"),
//   4. lay the library out where tfjs-node's install script looks (deps/lib/libtensorflow.so.2.9.1),
//      so that script skips its download and builds the addon from source with node-gyp,
//   5. check, in a fresh process, that tf.getBackend() === 'tensorflow'.
// Every step prints what it does and how long it took.
//
// If no libtensorflow can be had at all, the install still succeeds: training then runs on the pure
// JavaScript backend of @tensorflow/tfjs, and the extension says so (output channel and dashboard).
// Set RADAM_SKIP_TFJS_NODE=1 to skip all of this.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const tfjsNodeVersion = pkg.optionalDependencies['@tensorflow/tfjs-node'];
const tfjsNodeDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const cacheDir = path.join(root, '.cache', 'libtensorflow');
// tfjs-node 4.x links against libtensorflow 2.9.1 by name; the C API is stable across 2.x, so a newer
// library answers to that name.
const LINKED_NAME = 'libtensorflow.so.2.9.1';
const FRAMEWORK_LINKED_NAME = 'libtensorflow_framework.so.2.9.1';

const log = (msg) => console.log(`[radam-lab install] ${msg}`);
const warn = (msg) => console.warn(`[radam-lab install] WARNING: ${msg}`);

/** Runs one install step, printing what it does and how long it took. */
function step(what, fn) {
  const t0 = Date.now();
  log(`${what}…`);
  const result = fn();
  log(`  ${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

function run(cmd, args, opts = {}) {
  const r = cp.spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

/** Loads tfjs-node in a fresh process; returns the backend name or throws with the reason. */
function probeNative() {
  const r = cp.spawnSync(
    process.execPath,
    ['-e', "const tf=require('@tensorflow/tfjs-node');process.stdout.write('BACKEND='+tf.getBackend())"],
    { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
  );
  const m = /BACKEND=(\S+)/.exec(r.stdout || '');
  if (r.status === 0 && m) return m[1];
  throw new Error((r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | '));
}

/** Extracts members of a zip (a wheel) whose names pass `keep`, using Python's zipfile (pip implies Python). */
function unzipMembers(zipPath, dest, prefixes) {
  const py = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'pre = tuple(sys.argv[3:])',
    'names = [n for n in z.namelist() if n.startswith(pre)]',
    'z.extractall(sys.argv[2], names)',
    'print(len(names))',
  ].join('\n');
  const r = cp.spawnSync('python3', ['-c', py, zipPath, dest, ...prefixes], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not unpack ${zipPath}: ${r.stderr}`);
}

const WHEEL_MEMBERS = [
  'tensorflow/libtensorflow_cc.so.2',
  'tensorflow/libtensorflow_framework.so.2',
  'tensorflow/include/tensorflow/',
  'tensorflow/include/tsl/',
  'tensorflow/include/xla/',
];

/**
 * A libtensorflow, normalised to { libDir, includeDir, files: {cc, framework} } where `cc` provides the
 * C API and `framework` is its companion library.
 */
function fromWheelDir(dir) {
  const tfDir = path.join(dir, 'tensorflow');
  const cc = path.join(tfDir, 'libtensorflow_cc.so.2');
  const framework = path.join(tfDir, 'libtensorflow_framework.so.2');
  if (!fs.existsSync(cc) || !fs.existsSync(framework)) return null;
  return { kind: 'wheel', cc, framework, includeDir: path.join(tfDir, 'include') };
}

function fromOfficialDir(dir) {
  // Official tarball layout: lib/libtensorflow.so.2.x.y, lib/libtensorflow_framework.so.2.x.y, include/.
  const libDir = path.join(dir, 'lib');
  if (!fs.existsSync(libDir)) return null;
  const names = fs.readdirSync(libDir);
  const pick = (re) => names.filter((n) => re.test(n)).sort((a, b) => b.length - a.length)[0];
  const cc = pick(/^libtensorflow\.so\.2(\.\d+)*$/);
  const framework = pick(/^libtensorflow_framework\.so\.2(\.\d+)*$/);
  if (!cc || !framework) return null;
  return {
    kind: 'official',
    cc: path.join(libDir, cc),
    framework: path.join(libDir, framework),
    includeDir: path.join(dir, 'include'),
  };
}

function unpackWheel(wheel) {
  const dest = path.join(cacheDir, path.basename(wheel, '.whl'));
  const found = fromWheelDir(dest);
  if (found) return found;
  log(`unpacking ${path.basename(wheel)} (libtensorflow_cc and C headers only)…`);
  fs.mkdirSync(dest, { recursive: true });
  unzipMembers(wheel, dest, WHEEL_MEMBERS);
  const lib = fromWheelDir(dest);
  if (!lib) throw new Error(`${wheel} holds no tensorflow/libtensorflow_cc.so.2`);
  return lib;
}

function fromEnv(source) {
  const abs = path.resolve(source);
  if (!fs.existsSync(abs)) throw new Error(`RADAM_LIBTENSORFLOW=${source}: no such file or folder`);
  if (fs.statSync(abs).isDirectory()) {
    const lib = fromOfficialDir(abs) || fromWheelDir(abs);
    if (!lib) {
      throw new Error(
        `RADAM_LIBTENSORFLOW=${source}: expected lib/libtensorflow.so.2* and include/ (the libtensorflow ` +
          'tarball layout) or tensorflow/libtensorflow_cc.so.2 (an unpacked TensorFlow wheel)',
      );
    }
    return lib;
  }
  if (abs.endsWith('.whl')) return unpackWheel(abs);
  if (/\.(tar\.gz|tgz)$/.test(abs)) {
    const dest = path.join(cacheDir, path.basename(abs).replace(/\.(tar\.gz|tgz)$/, ''));
    if (!fromOfficialDir(dest)) {
      fs.mkdirSync(dest, { recursive: true });
      run('tar', ['-xzf', abs, '-C', dest]);
    }
    const lib = fromOfficialDir(dest);
    if (!lib) throw new Error(`RADAM_LIBTENSORFLOW=${source}: the tarball has no lib/libtensorflow.so.2*`);
    return lib;
  }
  throw new Error(`RADAM_LIBTENSORFLOW=${source}: expected a folder, a .tar.gz or a .whl`);
}

function fromPip() {
  const requirement = process.env.RADAM_TENSORFLOW_PIP || 'tensorflow-cpu==2.21.0';
  const wheelDir = path.join(cacheDir, 'wheels');
  const cached = () =>
    fs.existsSync(wheelDir) ? fs.readdirSync(wheelDir).filter((n) => /^tensorflow_cpu-.*\.whl$/.test(n)) : [];
  if (!cached().length) {
    log(`downloading the TensorFlow pip wheel (${requirement}) for its libtensorflow…`);
    fs.mkdirSync(wheelDir, { recursive: true });
    const t0 = Date.now();
    const r = cp.spawnSync(
      'python3',
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', requirement, '-d', wheelDir],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (r.error || r.status !== 0) {
      throw new Error(`pip download ${requirement} failed: ${(r.error && r.error.message) || r.stderr.trim().split('\n').pop()}`);
    }
    log(`wheel downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  return unpackWheel(path.join(wheelDir, cached()[0]));
}

/** Puts the tfjs-node package (and its runtime dependencies) back after npm removed it. */
function ensureTfjsNodePackage() {
  if (fs.existsSync(path.join(tfjsNodeDir, 'package.json'))) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-tfjs-node-'));
  try {
    const r = cp.spawnSync('npm', ['pack', `@tensorflow/tfjs-node@${tfjsNodeVersion}`, '--silent'], {
      cwd: tmp,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
    const tgz = path.join(tmp, r.stdout.trim().split('\n').pop());
    fs.mkdirSync(tfjsNodeDir, { recursive: true });
    run('tar', ['-xzf', tgz, '-C', tfjsNodeDir, '--strip-components=1']);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // Its runtime and build dependencies, nested inside it; no scripts (we drive the build below).
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock', '--no-audit', '--no-fund', '--silent'], {
    cwd: tfjsNodeDir,
  });
  // tfjs-node registers its backend into the @tensorflow/tfjs-core it resolves. That must be the
  // project's single copy (same version, pinned in package.json), not a nested duplicate.
  fs.rmSync(path.join(tfjsNodeDir, 'node_modules', '@tensorflow'), { recursive: true, force: true });
}

/** Hard link when possible (no copy of ~800 MB), else copy: the VSIX must contain real files. */
function place(src, dest) {
  fs.rmSync(dest, { force: true });
  try {
    fs.linkSync(src, dest);
  } catch {
    fs.copyFileSync(src, dest);
  }
}

/**
 * A copy of `file` without its static symbol table and debug sections, cached under .cache/; the
 * original when `strip` (binutils) is missing or fails. `--strip-unneeded` keeps the dynamic symbols
 * (the TF_ and TFE_ C API the addon links against): only names no loader ever reads are dropped.
 */
function stripped(file) {
  const st = fs.statSync(file);
  const out = path.join(cacheDir, 'stripped', `${path.basename(file)}-${st.size}-${Math.floor(st.mtimeMs)}`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const r = cp.spawnSync('strip', ['--strip-unneeded', '-o', tmp, file], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    warn(`could not strip ${path.basename(file)} (${(r.error && r.error.message) || r.stderr.trim()}); using it as it is`);
    return file;
  }
  fs.renameSync(tmp, out);
  log(`  ${path.basename(file)}: ${(st.size / 1e6).toFixed(0)} MB -> ${(fs.statSync(out).size / 1e6).toFixed(0)} MB`);
  return out;
}

function layOut(lib) {
  const depsDir = path.join(tfjsNodeDir, 'deps');
  const libDir = path.join(depsDir, 'lib');
  fs.rmSync(depsDir, { recursive: true, force: true });
  fs.mkdirSync(libDir, { recursive: true });
  // The addon links -ltensorflow -ltensorflow_framework and is loaded through rpath $ORIGIN/../../deps/lib,
  // asking for the libraries by their SONAMEs; give it every name it may ask for.
  const ccSoname = lib.kind === 'wheel' ? 'libtensorflow_cc.so.2' : 'libtensorflow.so.2';
  place(lib.cc, path.join(libDir, ccSoname));
  place(lib.framework, path.join(libDir, 'libtensorflow_framework.so.2'));
  // The addon needs only these two files at run time (by SONAME, via rpath); the links below exist for
  // its link step and for tfjs-node's install script, and .vscodeignore keeps them out of the VSIX.
  for (const [link, target] of [
    [LINKED_NAME, ccSoname],
    ['libtensorflow.so', ccSoname],
    [FRAMEWORK_LINKED_NAME, 'libtensorflow_framework.so.2'],
    ['libtensorflow_framework.so', 'libtensorflow_framework.so.2'],
  ]) {
    if (!fs.existsSync(path.join(libDir, link))) fs.symlinkSync(target, path.join(libDir, link));
  }
  fs.cpSync(lib.includeDir, path.join(depsDir, 'include'), { recursive: true });
}

function buildAddon() {
  const bin = [path.join(tfjsNodeDir, 'node_modules', '.bin'), path.join(root, 'node_modules', '.bin')];
  const env = { ...process.env, PATH: [...bin, process.env.PATH].join(path.delimiter) };
  // node-gyp must use the local Node headers (this machine's npm config sets nodedir) instead of downloading them.
  if (!env.npm_config_nodedir) {
    const r = cp.spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' });
    const nodedir = (r.stdout || '').trim();
    if (r.status === 0 && nodedir && nodedir !== 'undefined') env.npm_config_nodedir = nodedir;
  }
  // tfjs-node's own script: it finds deps/lib/libtensorflow.so.2.9.1, skips its download and runs
  // `node-pre-gyp install --fallback-to-build` (the prebuilt-addon download fails offline, then it builds).
  run(process.execPath, ['scripts/install.js'], { cwd: tfjsNodeDir, env });
}

function main() {
  if (process.env.RADAM_SKIP_TFJS_NODE === '1') {
    log('RADAM_SKIP_TFJS_NODE=1: not setting up @tensorflow/tfjs-node.');
    return;
  }
  const t0 = Date.now();
  try {
    const backend = probeNative();
    log(`native TensorFlow backend ready (tf.getBackend() = '${backend}').`);
    return;
  } catch (e) {
    if (fs.existsSync(tfjsNodeDir)) log(`@tensorflow/tfjs-node does not load yet (${e.message}); setting it up.`);
    else log('@tensorflow/tfjs-node was not installed (its libtensorflow download is unreachable); setting it up.');
  }
  let lib;
  try {
    lib = step('finding a libtensorflow', () =>
      process.env.RADAM_LIBTENSORFLOW ? fromEnv(process.env.RADAM_LIBTENSORFLOW) : fromPip(),
    );
    log(`using libtensorflow from ${path.dirname(lib.cc)}`);
    const slim = step('stripping symbol tables from libtensorflow (strip --strip-unneeded)', () => ({
      ...lib,
      cc: stripped(lib.cc),
      framework: stripped(lib.framework),
    }));
    step(`fetching @tensorflow/tfjs-node@${tfjsNodeVersion} and its runtime dependencies`, ensureTfjsNodePackage);
    step('laying libtensorflow out in tfjs-node/deps', () => layOut(slim));
    step('building the tfjs-node addon against it (node-gyp)', buildAddon);
    const backend = step('checking the native backend in a fresh process', probeNative);
    log(`native TensorFlow backend ready (tf.getBackend() = '${backend}') in ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
  } catch (e) {
    warn(
      `no native TensorFlow: ${e.message}\n` +
        'RAdam Lab will train on the pure-JavaScript backend of @tensorflow/tfjs (much slower) and says so in ' +
        'its output channel and dashboard. To fix: set RADAM_LIBTENSORFLOW to a libtensorflow folder, ' +
        'tarball or TensorFlow wheel and run `npm install` again.',
    );
    // Leave no half-built tfjs-node behind: a package that fails to load is worse than none.
    if (lib !== undefined) fs.rmSync(tfjsNodeDir, { recursive: true, force: true });
  }
}

main();
