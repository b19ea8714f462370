// The integration suite's entry: the `run()` contract of @vscode/test-electron's extensionTestsPath.
// The extension host (VS Code desktop, or the VS Code server opened in Chromium) loads this module
// after the extension under development and calls run(); when it settles, the host exits.
//
// Results travel through a JSON file (the URL payload of the VS Code server path carries only
// paths, and the extension host's stdout is not the harness's):
//   RADAM_INTEGRATION_RESULTS, if set in the extension host's environment (the harness sets it:
//   test-electron passes extensionTestsEnv, and on the server path the extension host inherits
//   the server process's environment), else <repo>/test-results/integration-results.json.
// Each run is tagged with a runId: RADAM_INTEGRATION_RUN_ID, else the one the harness wrote to
// <results dir>/<layer>-run.json (beside <layer>-results.json) before starting the host, so a stale file is never taken
// for this run's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface IntegrationResults {
  runId: string | null;
  runIdFrom: 'env' | 'file' | null;
  /** RADAM_REQUIRE_NATIVE as the extension host sees it. */
  requireNative: string | null;
  vscodeVersion: string;
  /** The extension host's Node (process.version): what our trainer is forked with. */
  nodeVersion: string;
  appName: string;
  appHost: string;
  uiKind: string;
  remoteName: string | null;
  passes: number;
  failures: number;
  pending: number;
  tests: TestResult[];
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function resultsPath(): string {
  return process.env.RADAM_INTEGRATION_RESULTS || path.join(repoRoot, 'test-results', 'integration-results.json');
}

function readRunId(file: string): { runId: string | null; from: 'env' | 'file' | null } {
  if (process.env.RADAM_INTEGRATION_RUN_ID) return { runId: process.env.RADAM_INTEGRATION_RUN_ID, from: 'env' };
  try {
    return { runId: JSON.parse(fs.readFileSync(file.replace(/-results\.json$/, '-run.json'), 'utf8')).runId ?? null, from: 'file' };
  } catch {
    return { runId: null, from: null };
  }
}

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return findTests(p);
      return e.name.endsWith('.test.js') ? [p] : [];
    })
    .sort();
}

function write(file: string, results: IntegrationResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, file); // atomic: the harness never reads half a file
}

export function run(): Promise<void> {
  const file = resultsPath();
  const { runId, from } = readRunId(file);
  const results: IntegrationResults = {
    runId,
    runIdFrom: from,
    requireNative: process.env.RADAM_REQUIRE_NATIVE ?? null,
    vscodeVersion: vscode.version,
    nodeVersion: process.version,
    appName: vscode.env.appName,
    appHost: vscode.env.appHost,
    uiKind: vscode.UIKind[vscode.env.uiKind] ?? String(vscode.env.uiKind),
    remoteName: vscode.env.remoteName ?? null,
    passes: 0,
    failures: 0,
    pending: 0,
    tests: [],
    startedAt: new Date().toISOString(),
  };
  const finish = (error?: unknown) => {
    results.finishedAt = new Date().toISOString();
    if (error) results.error = error instanceof Error ? error.stack ?? error.message : String(error);
    write(file, results);
  };

  return new Promise<void>((resolve, reject) => {
    try {
      const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
      const files = findTests(__dirname);
      files.forEach((f) => mocha.addFile(f));
      const runner = mocha.run((failures) => {
        finish(files.length === 0 ? new Error(`no *.test.js files next to ${__filename}`) : undefined);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else if (files.length === 0) reject(new Error('no integration tests found'));
        else resolve();
      });
      const rel = (f?: string) => (f ? path.relative(repoRoot, f) : undefined);
      runner.on('pass', (t) => {
        results.passes++;
        results.tests.push({ title: t.title, fullTitle: t.fullTitle(), file: rel(t.file), state: 'passed', durationMs: t.duration });
      });
      runner.on('fail', (t, err) => {
        results.failures++;
        results.tests.push({
          title: t.title,
          fullTitle: t.fullTitle(),
          file: rel(t.file),
          state: 'failed',
          durationMs: t.duration,
          error: err?.stack ?? err?.message ?? String(err),
        });
      });
      runner.on('pending', (t) => {
        results.pending++;
        results.tests.push({ title: t.title, fullTitle: t.fullTitle(), file: rel(t.file), state: 'pending' });
      });
    } catch (err) {
      finish(err);
      reject(err);
    }
  });
}
