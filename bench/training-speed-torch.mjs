// The PyTorch side of the training-speed bench (issue 17): finds a Python with torch and runs
// bench/training-speed-torch.py as a child process that answers the same `round` messages as the bench's
// tfjs-node children, so PyTorch is measured in the same interleaved rounds as our trainer.
//
// The Python: $RADAM_TORCH_PYTHON, else /work/venv-torch/bin/python (this project's machines), else python3.
// Without torch the bench says so and compares with the issue's figures, labelled as such.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'training-speed-torch.py');

/** PyTorch's thread counts tried; its figure is the better of them ("best of 1 or 2 threads"). */
export const TORCH_THREADS = [1, 2];

let found;

/** { python, version } of the first candidate that imports torch, or { missing: reason }. Cached. */
export function findTorch() {
  if (found) return found;
  const candidates = [process.env.RADAM_TORCH_PYTHON, '/work/venv-torch/bin/python', 'python3'].filter(Boolean);
  const tried = [];
  for (const python of candidates) {
    if (python.includes('/') && !fs.existsSync(python)) {
      tried.push(`${python} (absent)`);
      continue;
    }
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return (found = { python, version: r.stdout.trim() });
    tried.push(`${python} (no torch)`);
  }
  return (found = { missing: `torch is not installed: tried ${tried.join(', ')}; set RADAM_TORCH_PYTHON` });
}

/** One PyTorch process of the bench (model, batch and thread count fixed for its life). */
export class TorchChild {
  constructor(config, python) {
    this.config = config;
    const w = config.workload;
    this.proc = spawn(python, [SCRIPT, '--model', w.model ?? 'mlp', '--batch', String(w.batch), '--threads', String(w.threads)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OMP_NUM_THREADS: String(w.threads), MKL_NUM_THREADS: String(w.threads) },
    });
    this.stderr = '';
    this.buffer = '';
    this.waiting = null;
    /** The `ready` line, which comes when PyTorch has warmed up: possibly before the bench asks for it. */
    this.ready = new Promise((resolve, reject) => (this.readyWait = { resolve, reject }));
    this.proc.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.proc.stdout.on('data', (d) => {
      this.buffer += d;
      let at;
      while ((at = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 1);
        const m = JSON.parse(line);
        if (m.type === 'ready') {
          this.readyWait.resolve(m);
          continue;
        }
        const w = this.waiting;
        this.waiting = null;
        w?.resolve(m);
      }
    });
    this.proc.once('exit', (code, signal) => {
      const e = new Error(`${config.name}: python exited (${code ?? signal}): ${this.stderr}`);
      this.readyWait.reject(e);
      this.waiting?.reject(e);
    });
  }

  /** The bench's protocol: init (waits for `ready`), round, count (PyTorch's ops are not counted), exit. */
  ask(msg) {
    return new Promise((resolve, reject) => {
      if (msg.type === 'init') {
        this.ready.then((m) => resolve({ backend: { name: 'torch', version: m.torch, threads: m.threads } }), reject);
        return;
      }
      if (msg.type === 'count') return resolve(null);
      this.waiting = { resolve, reject };
      // A round stops early after 4 s: PyTorch's 2-thread OpenMP pool can take a second per step under load.
      this.proc.stdin.write(JSON.stringify({ ...msg, budgetMs: 4000 }) + '\n');
    });
  }

  async close() {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.stdin.write(JSON.stringify({ type: 'exit' }) + '\n');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** The bench configurations of PyTorch for one model and batch (empty without torch). */
export function torchConfigs(model, batch, steps) {
  const t = findTorch();
  if (!t.python) return [];
  return TORCH_THREADS.map((threads) => ({
    name: `PyTorch ${t.version}, ${threads} thread${threads > 1 ? 's' : ''}`,
    torch: true,
    python: t.python,
    batch,
    steps,
    optimizer: 'radam',
    workload: { model, batch, threads },
  }));
}

/**
 * The PyTorch figure the ratios use: the better (lower ms/step) of the measured PyTorch rows, or the issue's
 * figure when torch is missing. { ms, cpuMs, how }.
 */
export function torchReference(rows, fallbackMs, fallbackWhat) {
  const torch = rows.filter((r) => r.torch && Number.isFinite(r.msPerStep));
  if (!torch.length) {
    const t = findTorch();
    return { ms: fallbackMs, cpuMs: NaN, how: `the issue's figure (${fallbackWhat}), NOT measured in this run: ${t.missing ?? 'no PyTorch row'}` };
  }
  const best = torch.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
  return {
    ms: best.msPerStep,
    cpuMs: best.cpuMsPerStep,
    how:
      `measured in this run, interleaved with ours: bench/training-speed-torch.py (${best.name}, torch.optim.RAdam, ` +
      `loss.item() every step), the better of ${torch.map((r) => `${r.name.replace(/^PyTorch [^,]*, /, '')} ${fmt(r.msPerStep)} ms`).join(' / ')}`,
  };
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
