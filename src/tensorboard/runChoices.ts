// What the user chose for imported runs in the dashboard: another loss tag than the auto-detected one,
// and beta2 for a run that logs neither rho_t nor beta2. Kept in the extension's workspace state (a
// VS Code Memento; any get/update pair here, so this module has no vscode import and is unit-tested),
// keyed by the run's folder path, so the choice follows the run across windows, reloads and both of
// the log directories that may list it. Nothing is ever written into the user's log directory.
import * as path from 'node:path';
import { isBeta2Value, isTag } from '../protocol/webview';
import type { RunChoices } from './dashboard';

/** The part of a VS Code Memento this store uses. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

/** The workspace-state key all choices live under (one record, keyed by run path). */
export const RUN_CHOICES_KEY = 'radam.tensorboard.runChoices';
/** Runs remembered at most; the oldest choices go first (a log directory of thousands of sweeps). */
export const MAX_REMEMBERED_RUNS = 2000;

/** The key of a run: its folder's absolute path, plus "#<lane>" for a second writer in that folder. */
export function runChoiceKey(root: string, run: { key: string; dir: string }): string {
  return path.resolve(root, run.dir) + run.key.slice(run.dir.length);
}

/** Only well-formed fields survive (the workspace state is ours, but may come from an older build). */
export function sanitizeChoices(raw: unknown): RunChoices {
  const out: RunChoices = {};
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  if (isTag(r.lossTag)) out.lossTag = r.lossTag;
  if (isBeta2Value(r.beta2)) out.beta2 = r.beta2;
  return out;
}

export class RunChoicesStore {
  private readonly all = new Map<string, RunChoices>();

  constructor(
    private readonly memento?: KeyValueStore,
    private readonly maxRuns = MAX_REMEMBERED_RUNS,
  ) {
    const saved = memento?.get(RUN_CHOICES_KEY);
    if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
      for (const [k, v] of Object.entries(saved as Record<string, unknown>)) {
        const c = sanitizeChoices(v);
        if (c.lossTag !== undefined || c.beta2 !== undefined) this.all.set(k, c);
      }
    }
  }

  get(key: string): RunChoices {
    return { ...this.all.get(key) };
  }

  /** Sets (a value) or clears (null) fields of one run's choices, and saves them. */
  async set(key: string, patch: { lossTag?: string | null; beta2?: number | null }): Promise<RunChoices> {
    const next = { ...this.all.get(key) };
    if (patch.lossTag === null) delete next.lossTag;
    else if (patch.lossTag !== undefined) {
      if (!isTag(patch.lossTag)) throw new Error('a loss tag must be a non-empty tag name');
      next.lossTag = patch.lossTag;
    }
    if (patch.beta2 === null) delete next.beta2;
    else if (patch.beta2 !== undefined) {
      if (!isBeta2Value(patch.beta2)) throw new Error(`beta2 must be between 0 and 1 (exclusive), got ${patch.beta2}`);
      next.beta2 = patch.beta2;
    }
    // Re-inserted last: the Map's order is the age order the size limit drops by.
    this.all.delete(key);
    if (next.lossTag !== undefined || next.beta2 !== undefined) this.all.set(key, next);
    while (this.all.size > this.maxRuns) this.all.delete(this.all.keys().next().value as string);
    await this.memento?.update(RUN_CHOICES_KEY, Object.fromEntries(this.all));
    return { ...next };
  }
}
