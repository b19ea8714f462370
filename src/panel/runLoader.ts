// The extension host's side of run loading: one worker thread (runLoadWorker.ts) that reads run files
// and answers with bounded, downsampled views; the host only forwards what it receives. The worker is
// started on the first request and ended after IDLE_MS without one, so the memory a big read took is
// given back (a worker's heap is freed with it).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadReply, LoadRequest, LoadedOverview } from './runLoadProtocol';
import type { OverviewRequest, RangeRequest, RangeResult } from './runRead';

const IDLE_MS = 30_000;

/** Where the bundled worker is: beside the bundle (dist/) or the compiled module (out/src/panel/). */
export const defaultWorkerFile = (): string => path.join(__dirname, 'runLoadWorker.js');

type Pending = { resolve: (r: LoadReply) => void; reject: (e: Error) => void };

export class RunLoader {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly workerFile: string = defaultWorkerFile(),
    private readonly idleMs = IDLE_MS,
  ) {}

  /** A whole run as at most `maxPoints` rows per series and `maxHistograms` histograms (packed: histogramTable.ts). */
  async overview(req: OverviewRequest): Promise<LoadedOverview> {
    const r = await this.request({ kind: 'overview', req });
    if (!r.ok) throw new Error(r.error);
    if (r.kind !== 'overview') throw new Error('the run loader answered another request');
    return r.result;
  }

  /** The steps [fromStep, toStep] of a run, full resolution up to `maxPoints` rows (for zoom and export). */
  async range(req: RangeRequest): Promise<RangeResult> {
    const r = await this.request({ kind: 'range', req });
    if (!r.ok) throw new Error(r.error);
    if (r.kind !== 'range') throw new Error('the run loader answered another request');
    return r.result;
  }

  /** Whether a worker thread is running now (for tests of its lifetime). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the run loader was closed'));
    void w?.terminate();
  }

  private request(body: Omit<LoadRequest, 'id'>): Promise<LoadReply> {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    clearTimeout(this.idleTimer);
    worker.ref(); // a request in flight keeps the process alive (the CLI, a bench)
    return new Promise<LoadReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerFile);
    w.on('message', (reply: LoadReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
      if (!this.pending.size) this.armIdle();
    });
    w.on('error', (e) => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(e instanceof Error ? e : new Error(String(e)));
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new Error(`the run loader thread ended (exit code ${code})`));
    });
    this.worker = w;
    return w;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.worker?.unref(); // an idle worker does not keep a process alive
    this.idleTimer = setTimeout(() => {
      if (this.pending.size) return;
      const w = this.worker;
      this.worker = undefined;
      void w?.terminate();
    }, this.idleMs);
    this.idleTimer.unref?.();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
