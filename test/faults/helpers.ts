// Shared by the fault-injection suites (issue 13): run the real CLI (dist/cli.js, real tfjs-node), and
// check what is on disk: every run ended with a final status, every JSON-lines file holds whole lines.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HISTOGRAMS_BIN_FILE, HISTOGRAMS_FILE, METRICS_BIN_FILE, METRICS_FILE, RUN_FILE, readHistogramsTable, readMetricsTable, type RunRecord } from '../../src/runs';
import { DEFAULT_METRICS, type RunSpec } from '../../src/runSpec/runSpec';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** RADAM_FAULTS_CLI: run the suites against another build of the CLI (e.g. an older commit's, to see them fail). */
export const CLI = process.env.RADAM_FAULTS_CLI ?? path.join(ROOT, 'dist', 'cli.js');
export const DIST = path.join(ROOT, 'dist');

/** A small, fast run: spiral, MLP 16-16, histograms every 5 steps. */
export function smallRunSpec(label: string, name: 'radam' | 'adam', steps: number): RunSpec {
  return {
    label,
    optimizer: { name, learningRate: 1e-2 },
    dataset: { name: 'spiral', validationSplit: 0.2, samples: 300 },
    model: { name: 'mlp', hiddenLayers: [16, 16], activation: 'tanh' },
    steps,
    batchSize: 32,
    seed: 7,
    metrics: { ...DEFAULT_METRICS, histogramEvery: 5, validationEvery: 10 },
  };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `radam-fault-${prefix}-`));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end (optionally through a shell prefix such as `ulimit -f`). */
export function cli(args: string[], opts: { cwd: string; shellPrefix?: string; asUser?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv }): CliResult {
  let r: SpawnSyncReturns<string>;
  const env = { ...process.env, RADAM_DEBUG: '', ...opts.env };
  if (opts.shellPrefix) {
    const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    r = spawnSync('bash', ['-c', `${opts.shellPrefix}; exec ${quoted}`], { cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, env });
  } else {
    r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, env });
  }
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Starts the CLI without waiting (for kills and mid-run faults); as another user with `asUser` (setpriv). */
export function cliAsync(args: string[], opts: { cwd: string; asUser?: number }): ChildProcess & { out: { stdout: string; stderr: string } } {
  const env = { ...process.env, RADAM_DEBUG: '' };
  const child =
    opts.asUser !== undefined
      ? spawn('setpriv', [`--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', process.execPath, CLI, ...args], { cwd: opts.cwd, env })
      : spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d) => (out.stdout += d));
  child.stderr?.on('data', (d) => (out.stderr += d));
  return Object.assign(child, { out });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

export async function waitUntil(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function runFolders(runsDir: string): string[] {
  return fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((n) => !n.startsWith('.')).sort() : [];
}

export function readRecord(runsDir: string, id: string): RunRecord {
  return JSON.parse(fs.readFileSync(path.join(runsDir, id, RUN_FILE), 'utf8')) as RunRecord;
}

export function lineCount(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return fs.readFileSync(file, 'utf8').split('\n').length - 1;
}

/** Every JSON-lines file of every run: ends with a newline (or is empty), every line a JSON object. */
export function assertWholeLines(runsDir: string): { metricsLines: Record<string, number>; lastStep: Record<string, number> } {
  const metricsLines: Record<string, number> = {};
  const lastStep: Record<string, number> = {};
  for (const id of runFolders(runsDir)) {
    for (const name of [METRICS_FILE, HISTOGRAMS_FILE]) {
      const file = path.join(runsDir, id, name);
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      if (text.length) assert.equal(text[text.length - 1], '\n', `${id}/${name} ends in a cut line: ...${JSON.stringify(text.slice(-80))}`);
      const lines = text.split('\n').slice(0, -1);
      lines.forEach((l, i) => assert.doesNotThrow(() => JSON.parse(l), `${id}/${name} line ${i + 1} is not whole JSON: ${l.slice(0, 80)}`));
      if (name === METRICS_FILE) {
        metricsLines[id] = lines.length;
        lastStep[id] = lines.length ? (JSON.parse(lines[lines.length - 1]) as { step: number }).step : 0;
      }
    }
  }
  return { metricsLines, lastStep };
}

/**
 * The binary side files after a crash and its recovery: absent (given up), or whole rows that end at the
 * same step as metrics.jsonl. Returns how many runs kept them.
 */
export function assertBinaryAgrees(runsDir: string, lastStep: Record<string, number>): number {
  let kept = 0;
  for (const id of runFolders(runsDir)) {
    const m = readMetricsTable(path.join(runsDir, id, METRICS_BIN_FILE));
    const h = readHistogramsTable(path.join(runsDir, id, HISTOGRAMS_BIN_FILE));
    if (!m) {
      assert.ok(!fs.existsSync(path.join(runsDir, id, METRICS_BIN_FILE)), `${id}/${METRICS_BIN_FILE} is left but not readable`);
      continue;
    }
    kept++;
    assert.equal(m.tornBytes, 0, `${id}/${METRICS_BIN_FILE} ends in a cut row`);
    assert.equal(m.rows ? m.data[(m.rows - 1) * m.columns] : 0, lastStep[id], `${id}/${METRICS_BIN_FILE} ends at another step than metrics.jsonl`);
    if (h) assert.equal(h.tornBytes, 0, `${id}/${HISTOGRAMS_BIN_FILE} ends in a cut row`);
  }
  return kept;
}

export function assertNoneRunning(runsDir: string): RunRecord[] {
  const records = runFolders(runsDir).map((id) => readRecord(runsDir, id));
  for (const r of records) {
    assert.notEqual(r.status, 'running', `${r.id} is left running`);
    assert.ok(r.endedAt, `${r.id} has no endedAt`);
  }
  return records;
}

export function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+\(.*:\d+:\d+\)$/m, `a stack trace reached the user:\n${text}`);
  assert.doesNotMatch(text, /TypeError|ReferenceError/, `an internal error reached the user:\n${text}`);
}

/** A spec file of two runs in lockstep; `a` and `b` override each run's metrics. */
export function twoRunSpec(steps: number, a: Record<string, unknown>, b: Record<string, unknown>, hidden = [32, 32]): string {
  const run = (label: string, name: string, metrics: Record<string, unknown>) => ({
    label,
    optimizer: { name, learningRate: 0.01 },
    model: { hiddenLayers: hidden },
    steps,
    batchSize: 16,
    metrics,
  });
  return JSON.stringify({ kind: 'compare-adam', runs: [run('RAdam', 'radam', a), run('Adam', 'adam', b)] });
}

/** mount(8) of a small tmpfs works here (root, and the kernel allows it in this container)? */
export function canMountTmpfs(dir: string): boolean {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  spawnSync('umount', [dir]);
  return true;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
