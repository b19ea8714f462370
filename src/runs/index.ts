// The run store's public surface (pure Node: safe in the extension host, the trainer and the CLI).
export * from './format';
export * from './runId';
export { RunWriter, writeJsonAtomic, toJsonLines } from './writer';
export {
  parseJsonl,
  readJsonl,
  JsonlTail,
  isRunRecord,
  readRunRecord,
  readRun,
  listRuns,
  deleteRun,
  type JsonlContent,
  type RunData,
} from './reader';
export { SummaryTracker, summarize } from './summary';
export { describeExit, failRunIfRunning, failUnfinishedRuns, isPidAlive, reconcileStaleRuns } from './recover';

/** Default folder of runs inside a workspace folder (or the CLI's current directory). */
export const RUNS_SUBDIR = '.radam/runs';
