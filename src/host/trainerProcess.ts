// The extension host's handle on a trainer child process. The host never loads TensorFlow itself:
// it forks dist/trainer.js and talks to it with the typed messages of src/protocol/trainer.ts.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { isTrainerToHost, type BackendReport, type HostToTrainer, type TrainerToHost } from '../protocol/trainer';

export interface TrainerProcessOptions {
  /** Folder holding trainer.js (the extension's dist/). */
  distDir: string;
  /** Receives the trainer's stderr and protocol log lines (the output channel). */
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export class TrainerProcess {
  readonly child: ChildProcess;
  private readonly listeners = new Set<(msg: TrainerToHost) => void>();
  /** Resolves with the exit code / signal once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(options: TrainerProcessOptions) {
    this.child = fork(path.join(options.distDir, 'trainer.js'), [], {
      // Plain Node for the child even inside Electron-based hosts, and no inspector flags inherited.
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) options.log(`[trainer] ${line}`);
    };
    this.child.stdout?.on('data', forward);
    this.child.stderr?.on('data', forward);
    this.child.on('message', (raw: unknown) => {
      if (!isTrainerToHost(raw)) {
        options.log(`[host] ignored a malformed message from the trainer: ${JSON.stringify(raw).slice(0, 200)}`);
        return;
      }
      if (raw.type === 'log') options.log(`[trainer:${raw.level}] ${raw.text}`);
      for (const listener of this.listeners) listener(raw);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(msg: HostToTrainer): void {
    if (this.child.connected) this.child.send(msg);
  }

  onMessage(listener: (msg: TrainerToHost) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Waits for the first message of a type, or fails if the process exits first or time runs out. */
  waitFor<K extends TrainerToHost['type']>(type: K, timeoutMs = 60_000): Promise<Extract<TrainerToHost, { type: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`trainer sent no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const sub = this.onMessage((msg) => {
        if (msg.type === type) finish(undefined, msg as Extract<TrainerToHost, { type: K }>);
      });
      const onExit = (code: number | null, signal: string | null) =>
        finish(new Error(`trainer exited (code ${code}, signal ${signal}) before sending '${type}'`));
      this.child.once('exit', onExit);
      const finish = (err?: Error, msg?: Extract<TrainerToHost, { type: K }>) => {
        clearTimeout(timer);
        sub.dispose();
        this.child.off('exit', onExit);
        if (err) reject(err);
        else resolve(msg!);
      };
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
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
