// TensorBoard runs -> the dashboard's wire shapes (src/protocol/webview.ts). Pure: no vscode, no fs.
//
// Which tag feeds which chart (first match wins; names compared lower-case, "/" "." "-" " " read as "_"):
//   loss       the training loss: `loss`, `train/loss`, `train_loss`, `loss/train`, `training_loss`, ...
//              then any tag with "loss" in it that is not validation/eval/test
//   valLoss    "loss" together with val/valid/validation/eval/test (e.g. `eval/loss`, `val_loss`)
//   valAccuracy "acc"/"accuracy" together with val/valid/eval/test
//   lr         `lr`, `learning_rate`, `learning-rate`, `lr-Adam` (Lightning's LearningRateMonitor), `lr_0`
//   rhoT, rT   `rho_t` / `rho`, `r_t` (an optimizer that logs RAdam's terms)
//   gradNorm   `grad_norm`, `gradient_norm`, `grad_2.0_norm_total` (Lightning)
//   beta2      `beta2`, `beta_2`, `betas/1`: with it (and no rho_t tag) rho_t and r_t are derived from the
//              step, as RAdam computes them (src/shared/rectification.ts), and drawn on the rho/r chart.
// The user may pick another loss tag, and give beta2 for a run that logs neither rho_t nor beta2
// (RunChoices, kept per run by runChoices.ts); any scalar tag can be charted on its own (scalarColumn).
// The columns built from these roles: ./runColumns.ts; histograms: ./histogramSlices.ts.
import * as path from 'node:path';
import { tensorBoardRunId } from '../shared/runId';
import { isBeta2Value, MAX_SCALAR_TAGS, type ImportedRunInfo, type RhoOrigin, type RunInfo } from '../protocol/webview';
import type { LogRun } from './logdir';

export type Role = 'loss' | 'valLoss' | 'valAccuracy' | 'lr' | 'rhoT' | 'rT' | 'gradNorm' | 'beta2';

const norm = (tag: string) => tag.toLowerCase().replace(/[/.\- ]+/g, '_');
const words = (tag: string) => norm(tag).split('_').filter(Boolean);
const isEval = (w: string[]) => w.some((x) => ['val', 'valid', 'validation', 'eval', 'evaluation', 'test', 'dev'].includes(x));

/** What the user chose for an imported run (kept per run path by runOptions.ts, never in the log). */
export interface RunChoices {
  /** The scalar tag charted as the training loss instead of the auto-detected one. */
  lossTag?: string;
  /** beta2 of the optimizer, for a run that logs neither rho_t nor beta2. */
  beta2?: number;
}

/** The role each tag plays, for the tags that play one (each role given to one tag at most). */
export function assignRoles(tags: readonly string[], choices: RunChoices = {}): Map<Role, string> {
  const out = new Map<Role, string>();
  // A chosen loss tag the run (still) has comes first; the other roles are matched around it.
  if (choices.lossTag !== undefined && tags.includes(choices.lossTag)) out.set('loss', choices.lossTag);
  const give = (role: Role, pick: (t: string) => boolean) => {
    if (out.has(role)) return;
    const t = tags.find((x) => ![...out.values()].includes(x) && pick(x));
    if (t !== undefined) out.set(role, t);
  };
  const exactLoss = ['loss', 'train_loss', 'training_loss', 'loss_train', 'train_loss_step', 'train_loss_epoch', 'losses_train', 'loss_training'];
  give('loss', (t) => exactLoss.includes(norm(t)));
  give('loss', (t) => words(t).some((w) => w.includes('loss')) && !isEval(words(t)) && words(t).includes('train'));
  give('loss', (t) => words(t).some((w) => w.includes('loss')) && !isEval(words(t)));
  give('valLoss', (t) => words(t).some((w) => w.includes('loss')) && isEval(words(t)));
  give('valAccuracy', (t) => words(t).some((w) => w === 'acc' || w === 'accuracy' || w === 'top1') && isEval(words(t)));
  give('rhoT', (t) => /(^|_)rho(_t)?$/.test(norm(t)));
  give('rT', (t) => /(^|_)r_t$/.test(norm(t)));
  give('beta2', (t) => /(^|_)(beta2|beta_2|betas_1)$/.test(norm(t)));
  give('lr', (t) => /(^|_)(lr|learning_rate|learningrate)(_|$)/.test(norm(t)));
  give('gradNorm', (t) => /grad(ient)?(_2(_0)?)?_norm/.test(norm(t)));
  return out;
}

/** beta2 the run logged (last value), if any. */
export function runBeta2(run: LogRun): number | undefined {
  const tag = assignRoles([...run.series.scalars.keys()]).get('beta2');
  const s = tag === undefined ? undefined : run.series.scalars.get(tag);
  return s?.length ? s.values[s.length - 1] : undefined;
}

/**
 * Where the run's rho_t and r_t come from: logged tags; else derived from a logged beta2 (the run's
 * own record wins over anything the user typed); else from the beta2 the user gave; else nowhere.
 */
export function rhoOrigin(run: LogRun, choices: RunChoices = {}): { origin: RhoOrigin; beta2?: number } {
  const roles = assignRoles([...run.series.scalars.keys()], choices);
  if (roles.has('rhoT')) return { origin: 'logged' };
  const logged = runBeta2(run);
  if (isBeta2Value(logged)) return { origin: 'beta2Logged', beta2: logged };
  if (isBeta2Value(choices.beta2)) return { origin: 'beta2User', beta2: choices.beta2 };
  return { origin: 'none' };
}

/** One scalar tag of a run as columns, from index `from` (for the dashboard's on-demand tag charts). */
export function scalarColumn(run: LogRun, tag: string, from = 0): { steps: Float64Array<ArrayBuffer>; values: Float64Array<ArrayBuffer> } | undefined {
  const s = run.series.scalars.get(tag);
  if (!s) return undefined;
  return { steps: Float64Array.from(s.steps.slice(from)), values: Float64Array.from(s.values.slice(from)) };
}

export function tensorBoardRunInfo(root: string, run: LogRun, live: boolean, choices: RunChoices = {}): RunInfo {
  const tags = [...run.series.scalars.keys()];
  const roles = assignRoles(tags, choices);
  const info: RunInfo = {
    id: tensorBoardRunId(root, run.key),
    label: `TensorBoard: ${run.label}`,
    status: run.errors.length && !live ? 'failed' : live ? 'running' : 'finished',
    live,
    optimizer: 'tensorboard',
  };
  if (run.series.firstWallTime !== undefined) info.startedAt = new Date(run.series.firstWallTime * 1000).toISOString();
  if (!live && run.series.lastWallTime !== undefined) info.endedAt = new Date(run.series.lastWallTime * 1000).toISOString();
  const last = run.series.lastStep;
  if (last !== undefined) info.lastStep = last;
  const rho = rhoOrigin(run, choices);
  const beta2 = rho.beta2 ?? runBeta2(run);
  if (beta2 !== undefined) info.beta2 = beta2;
  if (rho.origin !== 'none') info.rectificationThreshold = 5;
  if (run.errors.length) info.error = run.errors.join('; ');
  const autoLoss = assignRoles(tags).get('loss');
  const imported: ImportedRunInfo = {
    path: path.resolve(root, run.dir),
    scalarTags: tags.filter((t) => (run.series.scalars.get(t)?.length ?? 0) > 0).slice(0, MAX_SCALAR_TAGS),
    lossTag: roles.get('loss') ?? null,
    autoLossTag: autoLoss ?? null,
    rhoOrigin: rho.origin,
    userBeta2: isBeta2Value(choices.beta2) ? choices.beta2 : null,
  };
  if (run.writer !== undefined) imported.writer = run.writer;
  info.imported = imported;
  return info;
}
