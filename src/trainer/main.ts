// Entry of the trainer child process (dist/trainer.js), forked by the extension host.
// This process alone loads TensorFlow (src/tf): a crash in native code ends it, not VS Code. It trains
// one comparison at a time, writes the run folders itself (a crashed host loses nothing) and streams
// batched records to the host (src/protocol/trainer.ts).
import { isHostToTrainer, type StartComparison, type TrainerToHost } from '../protocol/trainer';
import { tf, backendInfo } from '../tf';
import { RunControl } from './control';
import { runComparison } from './engine';

function send(msg: TrainerToHost): void {
  // After a disconnect there is no one to tell; the files on disk are the record.
  if (process.connected) process.send?.(msg);
}

function backendReport() {
  return { ...backendInfo, tfjsVersion: tf.version.tfjs, pid: process.pid };
}

/** The comparison being trained, if any. */
let current: { comparisonId: string; control: RunControl; done: Promise<void> } | null = null;

function start(msg: StartComparison): void {
  if (current) {
    send({
      type: 'comparisonEnded',
      comparisonId: msg.comparisonId,
      ok: false,
      error: `the trainer is busy with comparison ${current.comparisonId}; stop it first`,
    });
    return;
  }
  const control = new RunControl();
  const { comparisonId } = msg;
  control.onPauseChange((paused) => send({ type: 'paused', comparisonId, paused }));
  const done = runComparison({
    comparison: msg.comparison,
    runsDir: msg.runsDir,
    comparisonId,
    runIds: msg.runIds,
    ...(msg.runIndices !== undefined ? { runIndices: msg.runIndices } : {}),
    workspaceRoot: msg.workspaceRoot,
    watch: msg.watch,
    flushIntervalMs: msg.flushIntervalMs,
    control,
    backend: { ...backendInfo, tfjsVersion: tf.version.tfjs },
    events: {
      started: (runs) => send({ type: 'comparisonStarted', comparisonId, runs }),
      metrics: (batches) => send({ type: 'metrics', comparisonId, batches }),
      runEnded: (e) =>
        send({
          type: 'runEnded',
          comparisonId,
          runId: e.runId,
          status: e.status,
          step: e.step,
          summary: e.summary,
          ...(e.reason !== undefined ? { reason: e.reason } : {}),
          ...(e.divergedAtStep !== undefined ? { divergedAtStep: e.divergedAtStep } : {}),
        }),
      log: (level, text) => send({ type: 'log', level, text }),
    },
  }).then(
    () => send({ type: 'comparisonEnded', comparisonId, ok: true }),
    (e: unknown) => send({ type: 'comparisonEnded', comparisonId, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
  current = { comparisonId, control, done: done.finally(() => (current = null)) };
}

let shuttingDown = false;
/** Stops the comparison (its runs are marked stopped, their files complete), then exits. */
async function shutdown(reason: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  if (current) {
    current.control.stop(reason);
    await current.done;
  }
  process.exit(0);
}

process.on('message', (raw: unknown) => {
  if (!isHostToTrainer(raw)) {
    send({ type: 'log', level: 'warn', text: `trainer: ignored a malformed message: ${JSON.stringify(raw)?.slice(0, 200)}` });
    return;
  }
  switch (raw.type) {
    case 'probe':
      send({ type: 'backend', backend: backendReport() });
      break;
    case 'start':
      start(raw);
      break;
    case 'stop':
      current?.control.stop(raw.reason ?? 'stopped by the user');
      break;
    case 'pause':
      current?.control.pause();
      break;
    case 'resume':
      current?.control.resume();
      break;
    case 'shutdown':
      void shutdown('the trainer was shut down');
      break;
  }
});

// The parent went away (VS Code closed, host crashed): end the runs cleanly (stopped, files complete).
process.on('disconnect', () => void shutdown('the extension host disconnected'));
process.on('SIGTERM', () => void shutdown('the trainer received SIGTERM'));
process.on('SIGINT', () => void shutdown('the trainer received SIGINT'));
