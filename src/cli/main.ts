#!/usr/bin/env node
// radam-lab: the trainer's engine without VS Code (package.json "bin", built to dist/cli.js).
//
//   radam-lab train --spec run.json --json
//   radam-lab train --dataset digits --model cnn --steps 500 --compare adam --out runs/
//   radam-lab inspect lightning_logs/ --json
//
// Progress goes to stderr, the summary to stdout (one JSON line with --json); runs are written to --out
// in the same format the extension reads (README, "Runs on disk"). Exit code: 0 when every run ended
// finished or diverged (a diverging optimizer is a result, not an error), 1 when a run failed or training
// could not start, 2 on a usage error, 130 when interrupted (the runs are marked stopped).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeThreadEnv, threadEnvFor } from '../shared/threads';
import { listRunEntries, printable, type RunEntry, type RunRecord } from '../runs';
import { settingToFlag } from '../runSpec/rules';
import { USAGE, SpecFileError, UsageError, applyOverrides, comparisonFromFile, defaultRunSpec, parseArgs, type InspectArgs, type ListArgs, type TrainArgs } from './args';

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`radam-lab: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (args.command === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args.command === 'list') return list(args);
  if (args.command === 'inspect') return inspect(args);
  return train(args);
}

// Characters JSON.stringify leaves raw that a terminal acts on (DEL, C1 controls, bidi marks, line
// separators): written as \u escapes, which parse back to the same strings.
const JSON_UNSAFE = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/g;
const safeJson = (value: unknown) => JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A TensorBoard log folder as the dashboard reads it (src/tensorboard/inspect.ts): per run, the tags,
 * the loss tag and rho_t source chosen, the records skipped. Tags and paths come from files: printed
 * through printable() (text) or with terminal-active characters escaped (--json).
 */
async function inspect(args: InspectArgs): Promise<number> {
  // Loaded here: protobufjs is not needed by --help, list or train.
  const { inspectLogdir, formatInspection, LogdirError } = await import('../tensorboard/inspect');
  let result;
  try {
    result = await inspectLogdir(args.logdir);
  } catch (e) {
    if (!(e instanceof LogdirError)) throw e;
    if (args.json) process.stdout.write(safeJson({ ok: false, error: e.message }) + '\n');
    else process.stderr.write(`radam-lab: ${printable(e.message, 1000)}\n`);
    return 1;
  }
  if (args.json) process.stdout.write(safeJson({ ok: true, ...result }) + '\n');
  else process.stdout.write(formatInspection(result));
  return 0;
}

/**
 * Every run folder in --out. Run files are untrusted: ids and labels are printed through printable()
 * (no terminal escapes), an unreadable run is listed as "unreadable: <why>" instead of vanishing,
 * symbolic links are not followed, and a run left `running` by a process that is gone is reconciled
 * (marked failed) by the same rule the extension uses (src/runs/recover.ts).
 */
function list(args: ListArgs): number {
  const runsDir = path.resolve(args.out);
  let entries: RunEntry[];
  try {
    entries = listRunEntries(runsDir, { reconcile: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' ? 'not a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message;
    const message = `cannot read the runs folder ${printable(runsDir, 500)} (--out): ${printable(why, 500)}`;
    if (args.json) process.stdout.write(JSON.stringify({ ok: false, error: message }) + '\n');
    else process.stderr.write(`radam-lab: ${message}\n`);
    return 1;
  }
  if (args.json) {
    process.stdout.write(JSON.stringify(entries.map((e) => (e.record ? brief(e.record) : { id: e.id, status: 'unreadable', unreadable: e.unreadable }))) + '\n');
    return 0;
  }
  for (const e of entries) {
    if (!e.record) {
      process.stdout.write(`${e.id}  unreadable: ${printable(e.unreadable)}\n`);
      continue;
    }
    const r = e.record;
    const s = r.summary;
    const loss = typeof s?.finalLoss === 'number' ? s.finalLoss.toPrecision(4) : '-';
    const steps = typeof s?.steps === 'number' ? String(s.steps) : '-';
    const why = r.status !== 'finished' && r.status !== 'running' && r.reason ? `  (${printable(r.reason)})` : '';
    process.stdout.write(`${e.id}  ${printable(r.status, 12).padEnd(8)}  ${printable(r.label, 60).padEnd(24)}  steps ${steps}  loss ${loss}${why}\n`);
  }
  if (!entries.length) process.stdout.write(`no runs in ${printable(runsDir, 500)}\n`);
  return 0;
}

function brief(r: RunRecord) {
  return {
    id: r.id,
    label: r.label,
    status: r.status,
    comparisonId: r.comparisonId,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    summary: r.summary,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.divergedAtStep !== undefined ? { divergedAtStep: r.divergedAtStep } : {}),
  };
}

async function train(args: TrainArgs): Promise<number> {
  let base;
  if (args.specFile) {
    let text: string;
    try {
      text = fs.readFileSync(args.specFile, 'utf8');
    } catch (e) {
      return fail(`cannot read --spec ${args.specFile}: ${(e as Error).message}`, 1);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return fail(`${args.specFile} is not valid JSON: ${(e as Error).message}`, 2);
    }
    try {
      base = comparisonFromFile(value);
    } catch (e) {
      if (!(e instanceof SpecFileError)) throw e;
      const lines = e.problems.map((p) => `${printable(args.specFile, 300)}: ${printable(p.path, 200)}: ${printable(p.message, 400)}`);
      return fail(lines.join('\n'), 2);
    }
  } else {
    base = { kind: 'single' as const, runs: [defaultRunSpec()] };
  }
  function fail(message: string, code: number): number {
    if (args.json) process.stdout.write(JSON.stringify({ ok: false, error: message }) + '\n');
    else process.stderr.write(message.split('\n').map((l) => `radam-lab: ${printable(l, 2000)}\n`).join(''));
    return code;
  }
  const comparison = applyOverrides(base, args.overrides);
  const runsDir = path.resolve(args.out);

  // TensorFlow reads its thread settings once, when it loads (just below): choose them now, by the model's
  // size and the core count (src/shared/threads.ts), unless --threads or the environment fixes them.
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const threadEnv = threadEnvFor(comparison, cores, args.threads, process.env);
  Object.assign(process.env, threadEnv);
  if (!args.quiet) process.stderr.write(`radam-lab: ${describeThreadEnv(threadEnv, comparison, cores, args.threads)}\n`);

  // tfjs loads here, not at start-up: --help, list and usage errors stay instant.
  const { tf, backendInfo } = await import('../tf');
  const { runComparison } = await import('../trainer/engine');
  const { RunControl } = await import('../trainer/control');
  if (backendInfo.warning) process.stderr.write(`radam-lab: warning: ${backendInfo.warning}\n`);

  const control = new RunControl();
  let interrupted = false;
  const onSignal = (sig: string) => {
    if (interrupted) process.exit(130); // second Ctrl-C: leave now
    interrupted = true;
    control.stop(`interrupted (${sig})`);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const bar = new ProgressBar(args.quiet, comparison.runs[0].steps);
  const lastLoss = new Map<string, number>();
  let result;
  try {
    result = await runComparison({
      comparison,
      runsDir,
      workspaceRoot: process.cwd(),
      watch: args.watch,
      control,
      backend: { ...backendInfo, tfjsVersion: tf.version.tfjs },
      events: {
        metrics: (batches) => {
          for (const b of batches) {
            const m = b.metrics[b.metrics.length - 1];
            if (m) lastLoss.set(b.runId, m.loss);
          }
        },
        step: (step) => bar.update(step, lastLoss),
        log: (level, text) => {
          // Errors end a run and are printed with its end (runEnded below); warnings only show here.
          if (level === 'warn') bar.note(`warning: ${printable(settingToFlag(text), 1000)}`);
        },
        runEnded: (e) => {
          if (e.status === 'diverged') bar.note(`run ${e.runId} diverged: ${printable(settingToFlag(e.reason ?? ''), 1000)}`);
          if (e.status === 'failed') bar.note(`run ${e.runId} failed: ${printable(settingToFlag(e.reason ?? ''), 1000)}`);
        },
      },
    });
  } catch (e) {
    bar.done();
    const message = settingToFlag(e instanceof Error ? e.message : String(e));
    if (args.json) process.stdout.write(JSON.stringify({ ok: false, error: message }) + '\n');
    else process.stderr.write(`radam-lab: ${printable(message, 2000)}\n`);
    return 1;
  }
  bar.done();
  const runs = result.runs;
  const ok = runs.every((r) => r.status === 'finished' || r.status === 'diverged');
  if (args.json) {
    const summary = {
      ok,
      comparisonId: result.comparisonId,
      runsDir,
      backend: backendInfo.name,
      threads: backendInfo.threads ?? null,
      runs: runs.map((r) => ({ ...brief(r), ...(r.reason !== undefined ? { reason: settingToFlag(r.reason) } : {}), dir: path.join(runsDir, r.id) })),
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } else {
    for (const r of runs) {
      const s = r.summary;
      const val = s?.finalValAccuracy != null ? `, val accuracy ${(100 * s.finalValAccuracy).toFixed(1)}%` : s?.finalValLoss != null ? `, val loss ${s.finalValLoss.toPrecision(4)}` : '';
      const extra = r.status === 'finished' ? '' : ` (${printable(settingToFlag(r.reason ?? r.status), 400)})`;
      process.stdout.write(
        `${printable(r.label, 60)}: ${r.status}${extra}, ${s?.steps ?? 0} steps, loss ${s?.finalLoss?.toPrecision(4) ?? '-'}${val}, ` +
          `${s?.samplesPerSecond ?? 0} samples/s\n  ${path.join(runsDir, r.id)}\n`,
      );
    }
  }
  if (interrupted) return 130;
  return ok ? 0 : 1;
}

/** A one-line progress bar on stderr, redrawn at most 10 times a second (plain lines when not a TTY). */
class ProgressBar {
  private lastDraw = 0;
  private lastPercent = -10;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly quiet: boolean,
    private readonly total: number,
  ) {}

  update(step: number, losses: Map<string, number>): void {
    if (this.quiet) return;
    const now = Date.now();
    const percent = Math.floor((100 * step) / this.total);
    if (this.tty) {
      if (now - this.lastDraw < 100 && step < this.total) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round((width * step) / this.total);
      const loss = [...losses.values()].map((l) => l.toPrecision(4)).join(' ');
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% step ${step}/${this.total}  loss ${loss}\x1b[K`);
    } else if (percent >= this.lastPercent + 10 || step === this.total) {
      this.lastPercent = percent - (percent % 10);
      const loss = [...losses.values()].map((l) => l.toPrecision(4)).join(' ');
      process.stderr.write(`step ${step}/${this.total} (${percent}%)  loss ${loss}\n`);
    }
  }

  note(text: string): void {
    if (this.quiet) return;
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}${text}\n`);
  }

  done(): void {
    if (!this.quiet && this.tty) process.stderr.write('\n');
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // No stack trace for users: one line saying what went wrong (RADAM_DEBUG=1 shows the stack).
    const debug = process.env.RADAM_DEBUG === '1';
    const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e);
    process.stderr.write(`radam-lab: ${debug ? text : printable(text, 2000)}\n`);
    process.exitCode = 1;
  },
);
