// No crossed wires: host code imports the trainer's or the webview's code only through src/shared/ (and
// the common protocol, run spec and run files), the webview nothing of src/ but src/protocol/ and
// src/shared/. The rule and the sides: test/tools/importBoundaries.ts.
import assert from 'node:assert/strict';
import { crossedImports, crossedImportsIn, importSpecifiers, sideOf, sourceFiles } from '../../tools/importBoundaries';
import { repoRoot } from '../../tools/readmeTables';

const root = repoRoot();

describe('architecture: import boundaries between host, trainer and webview', () => {
  it('finds every form of import in a source text', () => {
    const text = [
      "import type { A } from '../a';",
      "import { b,\n  c } from './b';",
      "export { d } from '../../d';",
      "export * from './e';",
      "import './f';",
      "const g = await import('../g');",
      "const h = require('h');",
      "// a word like import or from in a comment names nothing",
    ].join('\n');
    assert.deepEqual(importSpecifiers(text), ['../a', './b', '../../d', './e', './f', '../g', 'h']);
  });

  it('flags each kind of crossed wire (the rule can fail)', () => {
    const crossed = (file: string, line: string): string[] => crossedImports(file, line).map((c) => c.why);
    assert.match(crossed('src/host/trainerProcess.ts', "import { x } from '../trainer/datasets';")[0], /host code may not import trainer code/);
    assert.match(crossed('src/panel/exports.ts', "import { x } from '../../webview/data/csv';")[0], /host code may not import webview code/);
    assert.match(crossed('src/commands/settings.ts', "import { x } from '../trainer/datasets/workspacePath';")[0], /host code may not import trainer/);
    assert.match(crossed('src/trainer/engine.ts', "import { x } from '../panel/html';")[0], /trainer code may not import host code/);
    assert.match(crossed('webview/data/runStore.ts', "import { x } from '../../src/runs/format';")[0], /webview code may not import runs code/);
    assert.match(crossed('src/shared/a.ts', "import { x } from '../trainer/random';")[0], /shared code may not import trainer code/);
    assert.match(crossed('src/panel/a.ts', "import * as tf from '@tensorflow/tfjs-node';")[0], /host code may not load @tensorflow\/tfjs-node/);
    assert.match(crossed('src/trainer/a.ts', "import * as vscode from 'vscode';")[0], /trainer code may not load vscode/);
    assert.deepEqual(crossed('src/host/trainerProcess.ts', "import { x } from '../shared/datasetShapes';"), []);
    assert.deepEqual(crossed('webview/dashboard.ts', "import type { X } from '../src/protocol/webview';"), []);
  });

  it('knows the side of every source file', () => {
    const files = sourceFiles(root, ['src', 'webview']);
    assert.ok(files.length > 100, `only ${files.length} files found`);
    assert.deepEqual(files.filter((f) => sideOf(f) === null), []);
  });

  it('the source tree has no crossed wires', () => {
    assert.deepEqual(crossedImportsIn(root), []);
  });
});
