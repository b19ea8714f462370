// The one place that decides which TensorFlow.js backend a process uses.
//
// Preferred: @tensorflow/tfjs-node (native libtensorflow). When it is missing or fails to load (a machine
// where no libtensorflow could be installed), we fall back to the pure-JavaScript CPU backend of
// @tensorflow/tfjs and say so loudly: `backendInfo.warning` is shown in the output channel and on the
// dashboard. Tests and CI set RADAM_REQUIRE_NATIVE=1 so that a silent fallback fails instead.
//
// Only the trainer process, the CLI, the optimizer library and tests import this module. The extension
// host must never import it (tfjs-node is a native addon; a crash there would take VS Code down).

import type { TfThreadSettings } from '../runs/format';
import { installNodeUtilShim } from './nodeUtilShim';

export type Tf = typeof import('@tensorflow/tfjs');

export interface BackendInfo {
  /** tf.getBackend(): 'tensorflow' for tfjs-node, 'cpu' for the pure-JS fallback. */
  name: string;
  native: boolean;
  /** Set when running on the fallback: why the native backend is not in use. */
  warning?: string;
  /** Native backend only: the thread settings TensorFlow read when it loaded (see src/shared/threads.ts). */
  threads?: TfThreadSettings;
}

/** TensorFlow reads these once, when it loads: the parent sets them (src/shared/threads.ts) before that. */
function threadSettings(env: NodeJS.ProcessEnv): TfThreadSettings {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : null);
  const onednn = env.TF_ENABLE_ONEDNN_OPTS?.trim();
  return {
    intraOp: int(env.TF_NUM_INTRAOP_THREADS),
    interOp: int(env.TF_NUM_INTEROP_THREADS),
    oneDnnOpts: onednn === undefined || onednn === '' ? null : onednn !== '0' && onednn.toLowerCase() !== 'false',
  };
}

function loadTf(): { tf: Tf; info: BackendInfo } {
  // TensorFlow prints a cpu_feature_guard line on load; keep stderr for real errors.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // Before tfjs-node loads: Node >= 23 lacks util helpers it calls (see nodeUtilShim.ts).
  installNodeUtilShim();
  let nativeError = 'RADAM_BACKEND=js was set';
  if (process.env.RADAM_BACKEND !== 'js') {
    try {
      const threads = threadSettings(process.env);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tf = require('@tensorflow/tfjs-node') as Tf;
      const name = tf.getBackend();
      if (name === 'tensorflow') return { tf, info: { name, native: true, threads } };
      nativeError = `tfjs-node loaded but the active backend is '${name}'`;
    } catch (e) {
      nativeError = e instanceof Error ? e.message.split('\n')[0] : String(e);
    }
  }
  if (process.env.RADAM_REQUIRE_NATIVE === '1') {
    throw new Error(
      `RADAM_REQUIRE_NATIVE=1 but the native TensorFlow backend is unavailable: ${nativeError}. ` +
        'Run `npm install` again (see README, "Install") to build @tensorflow/tfjs-node.',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as Tf;
  // In Node the WebGL backend cannot initialise; pin the CPU backend so the choice is explicit.
  void tf.setBackend('cpu'); // the CPU backend is ready at once; the promise only reports it
  const name = tf.getBackend();
  return {
    tf,
    info: {
      name,
      native: false,
      warning:
        `Training runs on the pure-JavaScript '${name}' backend of @tensorflow/tfjs, 10-100x slower than ` +
        `native TensorFlow, because @tensorflow/tfjs-node could not be loaded (${nativeError}).`,
    },
  };
}

const loaded = loadTf();
/** The tfjs namespace every tensor in this process belongs to. */
export const tf: Tf = loaded.tf;
export const backendInfo: BackendInfo = loaded.info;
