// The reason shown beside a run's badge in the run list (pure, so it is tested without a DOM).
import type { RunInfo } from '../../src/protocol/webview';

/** Why a run failed, diverged, was stopped or cannot be read; '' for running and finished runs. */
export function reasonText(r: RunInfo): string {
  if (!r.error || r.status === 'running' || r.status === 'finished') return '';
  return r.error;
}
