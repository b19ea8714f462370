// Host ⇄ trainer process messages (Node IPC over `child_process.fork`). Imported by both ends:
// src/host/trainerProcess.ts (extension host) and src/trainer/main.ts (the child).
import { isBoolean, isString, message, oneOf, type Validator } from './validate';

export interface BackendReport {
  name: string;
  native: boolean;
  warning?: string;
  tfjsVersion: string;
  pid: number;
}

// ---- host → trainer ----
export interface ProbeRequest {
  type: 'probe';
}
export type HostToTrainer = ProbeRequest;

export const isHostToTrainer: Validator<HostToTrainer> = oneOf<HostToTrainer>({
  probe: message<ProbeRequest>('probe'),
});

// ---- trainer → host ----
export interface BackendMessage {
  type: 'backend';
  backend: BackendReport;
}
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  text: string;
}
export type TrainerToHost = BackendMessage | LogMessage;

export const isTrainerToHost: Validator<TrainerToHost> = oneOf<TrainerToHost>({
  backend: message<BackendMessage>('backend', {
    backend: (b) =>
      typeof b === 'object' && b !== null && isString((b as BackendReport).name) && isBoolean((b as BackendReport).native),
  }),
  log: message<LogMessage>('log', {
    level: (l) => l === 'info' || l === 'warn' || l === 'error',
    text: isString,
  }),
});
