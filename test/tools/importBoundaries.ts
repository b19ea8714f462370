// Which code may import which: the sides of the extension (docs/architecture.md, "Folders") and the one
// rule that keeps them apart. A side reaches another only through the folders every side may import:
// src/shared/ (pure modules two sides use), src/protocol/ (the messages between them), src/runSpec/ (the run
// spec) and src/runs/ (the run files).
//
//   host      src/extension.ts, src/commands/, src/host/, src/panel/, src/tensorboard/: never the trainer's
//             code (nor tfjs: the extension host never loads TensorFlow), nor the webview's
//   trainer   src/trainer/, src/optim/, src/tf/: never the host's code (nor vscode), nor the webview's
//   webview   webview/: nothing of src/ but src/protocol/ and src/shared/
//   shared    src/shared/: only itself, the run spec and the protocol (types), so both sides can take it
//   cli       src/cli/: the engine in its own process; anything but the webview and vscode
// The common folders (protocol, spec, runs) may not import the webview nor vscode.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Side = 'host' | 'trainer' | 'webview' | 'shared' | 'cli' | 'protocol' | 'spec' | 'runs';

const SIDE_OF: ReadonlyArray<[prefix: string, side: Side]> = [
  ['src/extension.ts', 'host'],
  ['src/commands/', 'host'],
  ['src/host/', 'host'],
  ['src/panel/', 'host'],
  ['src/tensorboard/', 'host'],
  ['src/trainer/', 'trainer'],
  ['src/optim/', 'trainer'],
  ['src/tf/', 'trainer'],
  ['src/cli/', 'cli'],
  ['src/shared/', 'shared'],
  ['src/protocol/', 'protocol'],
  ['src/runSpec/', 'spec'],
  ['src/runSpec/', 'spec'],
  ['src/runs/', 'runs'],
  ['webview/', 'webview'],
];

const COMMON: readonly Side[] = ['shared', 'protocol', 'spec', 'runs'];

/** The sides each side may import (its own always). */
const MAY_IMPORT: Readonly<Record<Side, readonly Side[]>> = {
  host: COMMON,
  trainer: COMMON,
  webview: ['shared', 'protocol'],
  shared: ['spec', 'protocol'],
  cli: ['host', 'trainer', ...COMMON],
  protocol: ['host', 'trainer', 'cli', ...COMMON],
  spec: ['host', 'trainer', 'cli', ...COMMON],
  runs: ['host', 'trainer', 'cli', ...COMMON],
};

/** Packages a side must not load: vscode exists only in the extension host, tfjs must not load there. */
const FORBIDDEN_PACKAGES: Readonly<Record<Side, readonly RegExp[]>> = {
  host: [/^@tensorflow\//],
  trainer: [/^vscode$/],
  webview: [/^vscode$/, /^@tensorflow\//, /^node:/],
  shared: [/^vscode$/, /^@tensorflow\//],
  cli: [/^vscode$/],
  protocol: [/^vscode$/, /^@tensorflow\//],
  spec: [/^vscode$/, /^@tensorflow\//],
  runs: [/^vscode$/, /^@tensorflow\//],
};

export function sideOf(repoPath: string): Side | null {
  const p = repoPath.split(path.sep).join('/');
  for (const [prefix, side] of SIDE_OF) if (p === prefix || p.startsWith(prefix)) return side;
  return null;
}

/** Every module a source text names: import/export ... from, bare import, import(), require(). */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[^\w$.])(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w$.])import\s*['"]([^'"]+)['"]|(?:^|[^\w$.])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of source.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

export interface CrossedImport {
  file: string;
  imports: string;
  why: string;
}

/** The crossed wires of one file (`file` relative to the repository root, `source` its text). */
export function crossedImports(file: string, source: string): CrossedImport[] {
  const from = sideOf(file);
  if (!from) return [];
  const out: CrossedImport[] = [];
  for (const spec of importSpecifiers(source)) {
    if (spec.startsWith('.')) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const to = sideOf(target) ?? sideOf(`${target}/`);
      if (to === null) {
        out.push({ file, imports: spec, why: `${target} is outside the sides (src/, webview/)` });
      } else if (to !== from && !MAY_IMPORT[from].includes(to)) {
        out.push({ file, imports: spec, why: `${from} code may not import ${to} code (${target}); move what both use to src/shared/` });
      }
    } else {
      const bad = FORBIDDEN_PACKAGES[from].find((re) => re.test(spec));
      if (bad) out.push({ file, imports: spec, why: `${from} code may not load ${spec}` });
    }
  }
  return out;
}

/** Every .ts file under the given folders (relative to root), as repository paths with `/`. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isFile()) {
      if (rel.endsWith('.ts')) out.push(rel);
      return;
    }
    for (const name of fs.readdirSync(abs).sort()) walk(`${rel}/${name}`);
  };
  for (const f of folders) walk(f);
  return out;
}

/** The crossed wires of the whole tree. */
export function crossedImportsIn(root: string): CrossedImport[] {
  return sourceFiles(root, ['src', 'webview']).flatMap((f) => crossedImports(f, fs.readFileSync(path.join(root, f), 'utf8')));
}
