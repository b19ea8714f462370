// What the host reports when a trainer process ends while a comparison is still on: every run whose
// run.json still says `running` becomes `failed` with the exit reason (src/runs/recover.ts), and the
// host's listeners get the same runEnded / comparisonEnded messages a live trainer would have sent.
// Pure (Node fs only: no vscode, no tfjs) so it is unit-tested without VS Code.
import type { ComparisonEndedMessage, RunEndedMessage } from '../protocol/trainer';
import { describeExit, failUnfinishedRuns } from '../runs/recover';

export interface ActiveComparison {
  comparisonId: string;
  runIds: string[];
  runsDir: string;
}

export function reportTrainerExit(
  active: ActiveComparison,
  pid: number | undefined,
  code: number | null,
  signal: string | null,
): { reason: string; messages: Array<RunEndedMessage | ComparisonEndedMessage> } {
  const reason = describeExit(pid, code, signal);
  const failed = failUnfinishedRuns(active.runsDir, active.runIds, reason);
  const messages: Array<RunEndedMessage | ComparisonEndedMessage> = failed.map((r) => ({
    type: 'runEnded',
    comparisonId: active.comparisonId,
    runId: r.id,
    status: 'failed',
    step: r.summary?.steps ?? 0,
    summary: r.summary,
    reason,
  }));
  messages.push({ type: 'comparisonEnded', comparisonId: active.comparisonId, ok: false, error: reason });
  return { reason, messages };
}
