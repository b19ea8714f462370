// How a comparison ended, in words, for the status bar and the notification (issue 13): every run's
// final status, and the reason of each run that did not finish. Pure (no vscode): unit- and fault-tested.
import { printable } from '../runs/printable';

export interface RunEnd {
  runId: string;
  label: string;
  status: 'finished' | 'stopped' | 'failed' | 'diverged';
  reason?: string;
  /** Last completed step. */
  step?: number;
}

export interface ComparisonEndText {
  /** info: all finished; warning: stopped or diverged runs; error: a run failed, or the comparison could not run. */
  level: 'info' | 'warning' | 'error';
  /** Status bar text (with a codicon), e.g. "$(error) RAdam vs Adam: 1 finished, 1 failed". */
  statusText: string;
  /** The notification / tooltip: one clause per run. */
  message: string;
}

const ORDER: RunEnd['status'][] = ['finished', 'diverged', 'stopped', 'failed'];

/**
 * `runs`: the runEnded messages received (one per run that ended); `runCount`: runs in the comparison
 * (a run with no end message is reported as "ended without a status"); `error`: comparisonEnded's error.
 */
export function describeComparisonEnd(title: string, runs: readonly RunEnd[], runCount: number, error?: string): ComparisonEndText {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const missing = Math.max(0, runCount - runs.length);
  const parts = ORDER.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`);
  if (missing) parts.push(`${missing} without a status`);
  const failed = (counts.get('failed') ?? 0) > 0 || missing > 0 || !!error;
  const level: ComparisonEndText['level'] = failed ? 'error' : runs.every((r) => r.status === 'finished') ? 'info' : 'warning';
  const icon = level === 'info' ? '$(check)' : level === 'warning' ? '$(warning)' : '$(error)';
  const name = printable(title, 80);
  const summary = parts.length ? parts.join(', ') : 'ended';
  const clauses = runs.map((r) => {
    const steps = typeof r.step === 'number' ? ` (${r.step.toLocaleString('en-US')} steps)` : '';
    const why = r.status !== 'finished' && r.reason ? `: ${printable(r.reason, 300)}` : '';
    return `${printable(r.label, 60)} ${r.status}${why}${r.status === 'finished' ? steps : ''}`;
  });
  if (error && !runs.some((r) => r.reason === error)) clauses.push(printable(error, 300));
  return {
    level,
    statusText: `${icon} RAdam: ${name}: ${summary}`,
    message: `RAdam: ${name} ended. ${clauses.join('; ')}.`,
  };
}
