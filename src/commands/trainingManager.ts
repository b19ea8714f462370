// Runs comparisons for the commands: one forked trainer process per comparison (so "run alongside"
// really runs alongside), or two for one comparison when the thread rule leaves a core idle
// (src/shared/trainerSplit.ts; merged into one comparison's life by src/host/trainerGroup.ts), a progress
// notification with Cancel, and events the dashboard and the status bar subscribe to. Everything here is
// message routing; tensor work happens in the trainer processes.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { describeThreadEnv, threadEnvFor, type ThreadOverride } from '../shared/threads';
import { TrainerGroup } from '../host/trainerGroup';
import { describePlan, planProcesses, type ProcessesOverride } from '../shared/trainerSplit';
import type { TrainerToHost } from '../protocol/trainer';
import type { ComparisonSpec } from '../runSpec/runSpec';
import { describeComparisonEnd, type ComparisonEndText, type RunEnd } from './comparisonEnd';

export interface ActiveComparison {
  comparisonId: string;
  runIds: string[];
  title: string;
  comparison: ComparisonSpec;
  runsDir: string;
  /** Its trainer process, or the two it is split over: stop / pause / resume reach all. */
  trainer: TrainerGroup;
  /** Resolves with the comparisonEnded message (also for a trainer that died). */
  ended: Promise<Extract<TrainerToHost, { type: 'comparisonEnded' }>>;
  /** How each run ended, as the runEnded messages arrive (from the trainer, or synthesised for a dead one). */
  runEnds: RunEnd[];
  /** Set when the comparison has ended: how, in words (status bar, notification). */
  outcome?: ComparisonEndText;
}

export interface TrainingEvent {
  comparison: ActiveComparison;
  message: TrainerToHost;
}

export interface StartRequest {
  comparison: ComparisonSpec;
  title: string;
  runsDir: string;
  workspaceRoot: string;
  /** radam.training.threads: TensorFlow's intra-op threads for the trainer (default auto: by model size). */
  threads?: ThreadOverride;
  /** radam.training.processes: one trainer process, two, or auto (src/shared/trainerSplit.ts). */
  processes?: ProcessesOverride;
  /** Other comparisons the same command starts with this one (a preset's seeds): they take the cores. */
  alongside?: number;
}

export class TrainingManager implements vscode.Disposable {
  private readonly active = new Map<string, ActiveComparison>();
  private readonly emitter = new vscode.EventEmitter<TrainingEvent>();
  /** Every message of every active comparison's trainer, in order. */
  readonly onEvent = this.emitter.event;

  constructor(
    private readonly distDir: string,
    private readonly log: (line: string) => void,
  ) {}

  get running(): ActiveComparison[] {
    return [...this.active.values()];
  }

  start(req: StartRequest): ActiveComparison {
    // TensorFlow reads its thread settings when it loads, so they go into the trainer's environment.
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    const threads = req.threads ?? 'auto';
    const env = threadEnvFor(req.comparison, cores, threads, process.env);
    const intra = Number(env.TF_NUM_INTRAOP_THREADS ?? process.env.TF_NUM_INTRAOP_THREADS) || cores;
    const plan = planProcesses(req.comparison, {
      cores,
      intraOpThreads: intra,
      setting: req.processes ?? 'auto',
      otherComparisons: this.active.size + (req.alongside ?? 0),
    });
    this.log(`[host] ${describeThreadEnv(env, req.comparison, cores, threads)}; ${describePlan(plan)}`);
    const trainer = new TrainerGroup({ distDir: this.distDir, log: this.log, env, parts: plan.parts });
    let resolveEnded!: (m: Extract<TrainerToHost, { type: 'comparisonEnded' }>) => void;
    const ended = new Promise<Extract<TrainerToHost, { type: 'comparisonEnded' }>>((r) => (resolveEnded = r));
    let entry: ActiveComparison | undefined;
    const pending: TrainerToHost[] = [];
    trainer.onMessage((message) => {
      if (!entry) {
        pending.push(message);
        return;
      }
      this.route(entry, message, resolveEnded);
    });
    let ids: { comparisonId: string; runIds: string[] };
    try {
      ids = trainer.startComparison({ comparison: req.comparison, runsDir: req.runsDir, workspaceRoot: req.workspaceRoot });
    } catch (e) {
      trainer.kill();
      throw e;
    }
    entry = { ...ids, title: req.title, comparison: req.comparison, runsDir: req.runsDir, trainer, ended, runEnds: [] };
    this.active.set(entry.comparisonId, entry);
    this.log(`[host] started ${req.title}: comparison ${entry.comparisonId} (${entry.runIds.join(', ')}), trainer pid ${trainer.pids.join(', ')}`);
    for (const m of pending.splice(0)) this.route(entry, m, resolveEnded);
    // Trainers that exit without a comparisonEnded (it should not happen: the host synthesises one)
    // still free the slot.
    void trainer.exited.then(() => {
      if (this.active.get(entry.comparisonId) === entry) {
        this.route(entry, { type: 'comparisonEnded', comparisonId: entry.comparisonId, ok: false, error: 'the trainer process ended' }, resolveEnded);
      }
    });
    return entry;
  }

  private route(entry: ActiveComparison, message: TrainerToHost, resolveEnded: (m: Extract<TrainerToHost, { type: 'comparisonEnded' }>) => void): void {
    if (message.type === 'runEnded') {
      const index = entry.runIds.indexOf(message.runId);
      if (index >= 0 && !entry.runEnds.some((r) => r.runId === message.runId)) {
        entry.runEnds.push({
          runId: message.runId,
          label: entry.comparison.runs[index]?.label ?? message.runId,
          status: message.status,
          step: message.step,
          ...(message.reason !== undefined ? { reason: message.reason } : {}),
        });
      }
    }
    if (message.type === 'comparisonEnded') {
      if (entry.outcome) return; // already ended (the trainer's exit after its own comparisonEnded)
      // Leave the active list BEFORE listeners hear of the end, so they see what is still running.
      this.active.delete(entry.comparisonId);
      entry.outcome = describeComparisonEnd(entry.title, entry.runEnds, entry.runIds.length, message.ok ? undefined : message.error);
      this.log(`[host] ${entry.outcome.message}`);
    }
    this.emitter.fire({ comparison: entry, message });
    if (message.type === 'comparisonEnded') {
      resolveEnded(message);
      this.notify(entry);
      if (!message.ok && message.error) this.log(`[host] ${entry.title} ended with an error: ${message.error}`);
      // One comparison per trainer process: let them go.
      void entry.trainer.shutdown();
    }
  }

  /** A notification of how the comparison ended, with a button to the dashboard. */
  private notify(entry: ActiveComparison): void {
    const o = entry.outcome;
    if (!o) return;
    const show =
      o.level === 'info' ? vscode.window.showInformationMessage : o.level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    void Promise.resolve(show(o.message, 'Open Dashboard')).then(
      (choice) => {
        if (choice === 'Open Dashboard') void vscode.commands.executeCommand('radam.openDashboard');
      },
      () => undefined,
    );
  }

  /** Stops every running comparison; resolves when all have ended (their runs marked stopped). */
  async stopAll(reason = 'stopped by the user'): Promise<number> {
    const running = this.running;
    for (const c of running) c.trainer.stop(reason);
    await Promise.all(running.map((c) => c.ended));
    return running.length;
  }

  /** Shows a progress notification for a comparison until it ends; Cancel stops it. */
  showProgress(entry: ActiveComparison): void {
    const totalSteps = Math.max(1, ...entry.comparison.runs.map((r) => r.steps));
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `RAdam: ${entry.title}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => entry.trainer.stop('cancelled by the user'));
        // The step every run still going has reached: the lockstep step of one process; of a split
        // comparison, the slower part's (the part of fewer runs runs ahead).
        const last = new Map<string, number>(entry.runIds.map((id) => [id, 0]));
        let reported = 0;
        const sub = this.onEvent(({ comparison, message }) => {
          if (comparison !== entry) return;
          if (message.type === 'runEnded') last.delete(message.runId);
          else if (message.type === 'metrics') {
            for (const b of message.batches) if (last.has(b.runId)) for (const m of b.metrics) last.set(b.runId, Math.max(last.get(b.runId) ?? 0, m.step));
          } else return;
          const step = last.size ? Math.min(...last.values()) : reported;
          if (step > reported) {
            progress.report({ increment: ((step - reported) / totalSteps) * 100, message: `step ${step} of ${totalSteps}` });
            reported = step;
          }
        });
        return entry.ended.finally(() => sub.dispose());
      },
    );
  }

  dispose(): void {
    for (const c of this.running) void c.trainer.shutdown();
    this.emitter.dispose();
  }
}
