// One comparison trained by one trainer process, or split over two (issue 17; when and how:
// src/shared/trainerSplit.ts). Listeners see one comparison's life, the same as from one trainer
// (src/protocol/trainer.ts): each process's comparisonStarted, metrics and runEnded for its own runs as
// they come, and ONE comparisonEnded once every process's part has ended: ok only if every part was ok,
// else the parts' errors. stop / pause / resume go to every process.
//
// A process that dies fails only its own runs: its TrainerProcess marks them failed with the exit reason
// and reports its part ended; the other process's runs go on. Each process is shut down as soon as its own
// part has ended (a part of fewer runs ends first), so it does not hold its memory until the other ends.
import type { ComparisonEndedMessage, TrainerToHost } from '../protocol/trainer';
import { newComparisonId } from '../shared/runId';
import { TrainerProcess, type StartOptions, type TrainerExit, type TrainerProcessOptions } from './trainerProcess';

export interface TrainerGroupOptions extends TrainerProcessOptions {
  /** Run indices per process, ascending (from planProcesses): one part of all runs, or several. */
  parts: readonly (readonly number[])[];
}

export class TrainerGroup {
  readonly trainers: readonly TrainerProcess[];
  private readonly parts: readonly (readonly number[])[];
  private readonly listeners = new Set<(msg: TrainerToHost) => void>();
  /** Each process's comparisonEnded for its part, once it came (or was made for a process that ended without). */
  private readonly partEnds: Array<ComparisonEndedMessage | undefined>;
  private comparisonId: string | null = null;
  /** Resolves once every process has ended (and a dead one's runs were marked failed). */
  readonly exited: Promise<TrainerExit[]>;

  constructor(options: TrainerGroupOptions) {
    if (options.parts.length < 1) throw new Error('a trainer group needs at least one part');
    this.parts = options.parts;
    this.partEnds = options.parts.map(() => undefined);
    this.trainers = options.parts.map(() => new TrainerProcess({ distDir: options.distDir, log: options.log, env: options.env }));
    this.trainers.forEach((t, k) => {
      t.onMessage((m) => this.onPartMessage(k, m));
      // A process that ends without a comparisonEnded for its part (it should not happen: TrainerProcess
      // reports one for a dead trainer) still ends its part, so the comparison can end.
      void t.exited.then(() => {
        if (this.comparisonId !== null && !this.partEnds[k]) {
          this.onPartMessage(k, { type: 'comparisonEnded', comparisonId: this.comparisonId, ok: false, error: 'the trainer process ended' });
        }
      });
    });
    this.exited = Promise.all(this.trainers.map((t) => t.exited));
  }

  /** The first process's pid (the only one unless split). */
  get pid(): number | undefined {
    return this.trainers[0].pid;
  }

  get pids(): Array<number | undefined> {
    return this.trainers.map((t) => t.pid);
  }

  /** The run indices each process trains. */
  get runParts(): readonly (readonly number[])[] {
    return this.parts;
  }

  /**
   * Starts the comparison: every process gets the same ids and spec, a split one its part (`runIndices`).
   * Returns the comparison id and all run ids at once. Throws (and stops any part already sent) if it
   * cannot start.
   */
  startComparison(opts: Omit<StartOptions, 'runIndices'>): { comparisonId: string; runIds: string[] } {
    const comparisonId = opts.comparisonId ?? newComparisonId();
    const split = this.trainers.length > 1;
    let ids: { comparisonId: string; runIds: string[] } | undefined;
    this.trainers.forEach((t, k) => {
      try {
        ids = t.startComparison({ ...opts, comparisonId, ...(split ? { runIndices: this.parts[k] } : {}) });
      } catch (e) {
        for (const started of this.trainers.slice(0, k)) started.stop('the comparison could not start');
        throw e;
      }
    });
    this.comparisonId = comparisonId;
    return ids!;
  }

  stop(reason?: string): void {
    for (const t of this.trainers) t.stop(reason);
  }

  pause(): void {
    for (const t of this.trainers) t.pause();
  }

  resume(): void {
    for (const t of this.trainers) t.resume();
  }

  async shutdown(graceMs?: number): Promise<TrainerExit[]> {
    return Promise.all(this.trainers.map((t) => t.shutdown(graceMs)));
  }

  kill(signal?: NodeJS.Signals): void {
    for (const t of this.trainers) t.kill(signal);
  }

  onMessage(listener: (msg: TrainerToHost) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private onPartMessage(k: number, msg: TrainerToHost): void {
    if (msg.type !== 'comparisonEnded' || msg.comparisonId !== this.comparisonId) {
      this.emit(msg);
      return;
    }
    if (this.partEnds[k]) return;
    this.partEnds[k] = msg;
    // This process's work is over: let it go now rather than when the slowest part ends.
    if (this.trainers.length > 1) void this.trainers[k].shutdown();
    const ends = this.partEnds.filter((e): e is ComparisonEndedMessage => e !== undefined);
    if (ends.length < this.trainers.length) return;
    if (this.trainers.length === 1) {
      this.emit(msg);
      return;
    }
    const errors = [...new Set(ends.filter((e) => !e.ok).map((e) => e.error ?? 'a trainer process failed'))];
    this.emit({ type: 'comparisonEnded', comparisonId: msg.comparisonId, ok: errors.length === 0, ...(errors.length ? { error: errors.join('; ') } : {}) });
  }

  private emit(msg: TrainerToHost): void {
    for (const listener of [...this.listeners]) listener(msg);
  }
}
