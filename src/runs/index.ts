// The run store's public surface (pure Node: safe in the extension host, the trainer and the CLI).
export * from './format';
export * from '../shared/runId';
export { RunWriter, RESERVE_BYTES } from './writer';
export { RunWriteError, describeWriteCode, writeJsonAtomic, toJsonLines } from './safeWrite';
export {
  parseJsonl,
  readJsonl,
  readMetricLines,
  readHistogramLines,
  isMetricLine,
  isHistogramLine,
  JsonlTail,
  isRunRecord,
  readRunRecord,
  readRunRecordChecked,
  runRecordProblem,
  runFolderNames,
  readRun,
  withEdges,
  listRuns,
  deleteRun,
  type JsonlContent,
  type RunData,
  type RecordRead,
} from './reader';
export { SummaryTracker, summarize } from './summary';
export {
  describeExit,
  failRunIfRunning,
  failUnfinishedRuns,
  isPidAlive,
  listRunEntries,
  reconcileRun,
  reconcileStaleRuns,
  recordLiveness,
  staleReason,
  trimPartialLine,
  trimBinaryFiles,
  type LivenessCheck,
  type Reconciled,
  type RunEntry,
} from './recover';
export { processLiveness, processStartOf, currentProcessStart, type Liveness } from './liveness';
export { printable } from './printable';

/** Default folder of runs inside a workspace folder (or the CLI's current directory). */
export const RUNS_SUBDIR = '.radam/runs';
export * from './columnar';
export { forEachMetricsChunk, readMetricsTable, readMetricsStepRange, readHistogramsTable, lastMetricsStep, trimTornRows, type MetricsTable, type HistogramsTable } from './columnarReader';
