// Entry of the trainer child process (dist/trainer.js), forked by the extension host or the CLI.
// This process alone loads TensorFlow (src/tf): a crash in native code ends it, not VS Code.
import { isHostToTrainer, type TrainerToHost } from '../protocol/trainer';
import { tf, backendInfo } from '../tf';

function send(msg: TrainerToHost): void {
  process.send?.(msg);
}

function backendReport() {
  return { ...backendInfo, tfjsVersion: tf.version.tfjs, pid: process.pid };
}

process.on('message', (raw: unknown) => {
  if (!isHostToTrainer(raw)) {
    send({ type: 'log', level: 'warn', text: `trainer: ignored a malformed message: ${JSON.stringify(raw).slice(0, 200)}` });
    return;
  }
  switch (raw.type) {
    case 'probe':
      send({ type: 'backend', backend: backendReport() });
      break;
  }
});

// The parent went away (VS Code closed, host crashed): nothing left to report to.
process.on('disconnect', () => process.exit(0));
