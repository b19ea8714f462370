// The dashboard's requests about imported (TensorBoard) runs: chart another scalar tag as the loss,
// set beta2 for a run that logs neither rho_t nor beta2, chart any scalar tag on demand; and the
// messages that carry those tags' points. dashboardPanel.ts only routes the messages here.
import type { ChooseLossTagMessage, HostToWebview, RunInfo, ScalarSeriesMessage, SetRunBeta2Message, WatchScalarTagsMessage } from '../protocol/webview';

/** Points of one scalar tag: appended, or (reset) all of them. */
export interface ScalarPoints {
  tag: string;
  steps: Float64Array;
  values: Float64Array;
  reset: boolean;
}

/** What the imported runs' source (src/tensorboard/source.ts) offers for these requests. */
export interface ImportedRunsControl {
  has(id: string): boolean;
  /** Sets or (null) clears the run's loss tag / beta2; the source then re-sends the run's info and record. */
  choose(id: string, patch: { lossTag?: string | null; beta2?: number | null }): Promise<RunInfo>;
  setWatchedTags(tags: readonly string[]): string[];
  readonly watchedTags: string[];
  /** Every point of these tags the run has. */
  scalarSeries(id: string, tags?: readonly string[]): ScalarPoints[];
}

export type ImportedRunMessage = ChooseLossTagMessage | SetRunBeta2Message | WatchScalarTagsMessage;

export function isImportedRunMessage(msg: { type: string }): msg is ImportedRunMessage {
  return msg.type === 'chooseLossTag' || msg.type === 'setRunBeta2' || msg.type === 'watchScalarTags';
}

export function scalarMessages(runId: string, scalars: readonly ScalarPoints[]): ScalarSeriesMessage[] {
  return scalars.map((s) => ({ type: 'scalarSeries', runId, tag: s.tag, steps: s.steps, values: s.values, reset: s.reset }));
}

export interface ImportedRunContext {
  control: ImportedRunsControl | undefined;
  /** Runs the webview shows. */
  shown: ReadonlySet<string>;
  post(msg: HostToWebview): unknown;
}

export async function handleImportedRunMessage(msg: ImportedRunMessage, ctx: ImportedRunContext): Promise<void> {
  const control = ctx.control;
  if (!control) throw new Error('no TensorBoard log directories are followed');
  switch (msg.type) {
    case 'chooseLossTag':
      if (!control.has(msg.runId)) throw new Error(`${msg.runId} is not an imported run`);
      await control.choose(msg.runId, { lossTag: msg.tag });
      break;
    case 'setRunBeta2':
      if (!control.has(msg.runId)) throw new Error(`${msg.runId} is not an imported run`);
      await control.choose(msg.runId, { beta2: msg.beta2 });
      break;
    case 'watchScalarTags': {
      const before = new Set(control.watchedTags);
      const added = control.setWatchedTags(msg.tags).filter((t) => !before.has(t));
      if (!added.length) break;
      // Tags just added: every point of them for the shown runs; later points come with live updates.
      for (const id of ctx.shown) if (control.has(id)) for (const m of scalarMessages(id, control.scalarSeries(id, added))) ctx.post(m);
      break;
    }
  }
}
