// The extension host's handle on a trainer child process. The host never loads TensorFlow itself:
// it forks dist/trainer.js and talks to it with the typed messages of src/protocol/trainer.ts.
//
// It also owns the one thing a dead trainer cannot do: if the process ends while a comparison is on
// (killed, crashed, out of memory), the unfinished runs are marked failed with the exit reason
// (trainerExit.ts) and listeners receive runEnded / comparisonEnded as if the trainer had sent them.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  isTrainerToHost,
  type BackendReport,
  type HostToTrainer,
  type StartComparison,
  type TrainerToHost,
} from '../protocol/trainer';
import { allocatorEnv } from './allocatorEnv';
import { newComparisonId, runIdFor } from '../shared/runId';
import { runIndicesProblem } from '../shared/trainerSplit';
import type { ComparisonSpec } from '../runSpec/runSpec';
import { comparisonProblems } from '../runSpec/validateComparison';
import { reportTrainerExit, type ActiveComparison } from './trainerExit';

export interface TrainerProcessOptions {
  /** Folder holding trainer.js (the extension's dist/). */
  distDir: string;
  /** Receives the trainer's stderr and protocol log lines (the output channel). */
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface StartOptions {
  comparison: ComparisonSpec;
  /** Absolute path of the runs folder (<workspace>/.radam/runs). */
  runsDir: string;
  workspaceRoot?: string;
  /** false: no norms/histograms (default true). */
  watch?: boolean;
  flushIntervalMs?: number;
  /** Defaults to a new time-sortable id. */
  comparisonId?: string;
  /**
   * Train only these runs (ascending indices into comparison.runs; default all): this process's part of a
   * comparison split over several (trainerGroup.ts). If the process dies, only these runs are failed.
   */
  runIndices?: readonly number[];
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when a comparison was cut short by the exit: why (e.g. "... was killed by SIGKILL"). */
  failure?: string;
}

export class TrainerProcess {
  readonly child: ChildProcess;
  private readonly listeners = new Set<(msg: TrainerToHost) => void>();
  private active: ActiveComparison | null = null;
  /** Resolves once the process has ended and any comparison it left has been marked failed. */
  readonly exited: Promise<TrainerExit>;

  constructor(private readonly options: TrainerProcessOptions) {
    this.child = fork(path.join(options.distDir, 'trainer.js'), [], {
      // Plain Node for the child even inside Electron-based hosts, and no inspector flags inherited.
      execArgv: [],
      // The allocator's settings before the caller's (thread settings): both are read when the process starts.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...allocatorEnv(process.env), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) options.log(`[trainer] ${line}`);
    };
    this.child.stdout?.on('data', forward);
    this.child.stderr?.on('data', forward);
    this.child.on('message', (raw: unknown) => {
      if (!isTrainerToHost(raw)) {
        options.log(`[host] ignored a malformed message from the trainer: ${JSON.stringify(raw)?.slice(0, 200)}`);
        return;
      }
      if (raw.type === 'log') options.log(`[trainer:${raw.level}] ${raw.text}`);
      if (raw.type === 'comparisonEnded' && raw.comparisonId === this.active?.comparisonId) this.active = null;
      this.emit(raw);
    });
    // 'close' (not 'exit'): by then every IPC message the trainer sent has been delivered, so a
    // comparison it did finish is not mistaken for one cut short.
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve(this.onClose(code, signal))),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The comparison being trained (from start until comparisonEnded or the process's end). */
  get activeComparison(): Readonly<ActiveComparison> | null {
    return this.active;
  }

  send(msg: HostToTrainer): void {
    if (this.child.connected) this.child.send(msg);
  }

  /**
   * Starts a comparison (or its part `runIndices`); returns its id and all its run ids (= folder names under runsDir) at once, before
   * the trainer has created them. Throws if the spec is invalid or a comparison is already on.
   */
  startComparison(opts: StartOptions): { comparisonId: string; runIds: string[] } {
    const problems = comparisonProblems(opts.comparison);
    if (problems.length) throw new Error(`invalid comparison: ${problems.join('; ')}`);
    const partProblem = opts.runIndices ? runIndicesProblem(opts.runIndices, opts.comparison.runs.length) : null;
    if (partProblem) throw new Error(partProblem);
    if (this.active) throw new Error(`comparison ${this.active.comparisonId} is still running`);
    if (!this.child.connected) throw new Error('the trainer process has ended');
    const comparisonId = opts.comparisonId ?? newComparisonId();
    const runIds = opts.comparison.runs.map((r, i) => runIdFor(comparisonId, i, r.label));
    const msg: StartComparison = {
      type: 'start',
      comparisonId,
      runIds,
      comparison: opts.comparison,
      runsDir: opts.runsDir,
      ...(opts.workspaceRoot !== undefined ? { workspaceRoot: opts.workspaceRoot } : {}),
      ...(opts.watch !== undefined ? { watch: opts.watch } : {}),
      ...(opts.flushIntervalMs !== undefined ? { flushIntervalMs: opts.flushIntervalMs } : {}),
      ...(opts.runIndices !== undefined ? { runIndices: [...opts.runIndices] } : {}),
    };
    const mine = opts.runIndices ? opts.runIndices.map((i) => runIds[i]) : runIds;
    this.active = { comparisonId, runIds: mine, runsDir: opts.runsDir };
    this.send(msg);
    return { comparisonId, runIds };
  }

  /** Stops the comparison after the current step; its runs are marked stopped. */
  stop(reason?: string): void {
    this.send(reason === undefined ? { type: 'stop' } : { type: 'stop', reason });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  /** Asks the trainer to stop and exit; kills it if it has not exited after `graceMs`. */
  async shutdown(graceMs = 5_000): Promise<TrainerExit> {
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  onMessage(listener: (msg: TrainerToHost) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Waits for the first message of a type, or fails if the process exits first or time runs out. */
  waitFor<K extends TrainerToHost['type']>(
    type: K,
    timeoutMs = 60_000,
    match: (msg: Extract<TrainerToHost, { type: K }>) => boolean = () => true,
  ): Promise<Extract<TrainerToHost, { type: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`trainer sent no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const sub = this.onMessage((msg) => {
        if (msg.type === type && match(msg as Extract<TrainerToHost, { type: K }>)) finish(undefined, msg as Extract<TrainerToHost, { type: K }>);
      });
      const onExit = (code: number | null, signal: string | null) => {
        // Messages synthesised for a dead trainer are emitted before 'close' listeners run; give them a turn.
        setImmediate(() => finish(new Error(`trainer exited (code ${code}, signal ${signal}) before sending '${type}'`)));
      };
      this.child.once('close', onExit);
      let settled = false;
      const finish = (err?: Error, msg?: Extract<TrainerToHost, { type: K }>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sub.dispose();
        this.child.off('close', onExit);
        if (err) reject(err);
        else resolve(msg!);
      };
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private emit(msg: TrainerToHost): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(msg);
      } catch (e) {
        this.options.log(`[host] a trainer message listener threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): TrainerExit {
    const active = this.active;
    this.active = null;
    if (!active) return { code, signal };
    let failure: string;
    try {
      const report = reportTrainerExit(active, this.child.pid, code, signal);
      failure = report.reason;
      this.options.log(`[host] ${failure}; unfinished runs of ${active.comparisonId} marked failed`);
      for (const m of report.messages) this.emit(m);
    } catch (e) {
      failure = `trainer ended and its runs could not be marked failed: ${e instanceof Error ? e.message : String(e)}`;
      this.options.log(`[host] ${failure}`);
    }
    return { code, signal, failure };
  }
}

/** Starts a short-lived trainer to learn which TensorFlow backend training will use. */
export async function probeBackend(options: TrainerProcessOptions): Promise<BackendReport> {
  const trainer = new TrainerProcess(options);
  try {
    const reply = trainer.waitFor('backend');
    trainer.send({ type: 'probe' });
    return (await reply).backend;
  } finally {
    trainer.kill();
  }
}
