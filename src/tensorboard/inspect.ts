// `radam-lab inspect LOGDIR`: what the dashboard would make of a TensorBoard log directory, per run (tags,
// steps, last values, the loss tag chosen, where rho_t comes from, records skipped). No vscode; reads
// with the same LogdirReader and picks tags with the same assignRoles as the dashboard.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { printable } from '../runs/printable';
import { assignRoles, runBeta2 } from './dashboard';
import { mainHistogramTag } from './histogramSlices';
import { LogdirReader, type LogRun } from './logdir';

export interface ScalarTagSummary {
  tag: string;
  points: number;
  firstStep: number;
  lastStep: number;
  /** Non-finite values (NaN, ±Infinity) are given as null (JSON has no NaN). */
  lastValue: number | null;
}

export interface HistogramTagSummary {
  tag: string;
  slices: number;
  firstStep: number;
  lastStep: number;
}

export type RhoSource =
  | { kind: 'logged'; tag: string; rTTag: string | null }
  | { kind: 'beta2'; tag: string; beta2: number | null }
  | { kind: 'none' };

export interface RunInspection {
  /** Run key within the log directory ("." for LOGDIR itself; "#<n>" marks a second concurrent writer). */
  run: string;
  /** Absolute path of the run's directory. */
  path: string;
  /** host.pid of the writer when the directory holds several concurrent writers, else null. */
  writer: string | null;
  files: string[];
  scalars: ScalarTagSummary[];
  histograms: HistogramTagSummary[];
  /** The dashboard's tag per chart (null: none). */
  lossTag: string | null;
  valLossTag: string | null;
  lrTag: string | null;
  histogramTag: string | null;
  rhoT: RhoSource;
  skipped: { badDataCrc: number; badProto: number; nanWallTime: number };
  /** Records read, and summary values of kinds not charted (images, text, ...). */
  records: number;
  otherValues: number;
  /** Why files of this run stopped being read (framing broken, file shrank, unreadable). */
  errors: string[];
}

export interface Inspection {
  logdir: string;
  runs: RunInspection[];
}

export class LogdirError extends Error {}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function inspectRun(root: string, run: LogRun): RunInspection {
  const scalars: ScalarTagSummary[] = [];
  for (const [tag, s] of run.series.scalars) {
    if (!s.length) continue;
    scalars.push({ tag, points: s.length, firstStep: s.steps[0], lastStep: s.steps[s.length - 1], lastValue: finite(s.values[s.length - 1]) });
  }
  const histograms: HistogramTagSummary[] = [];
  for (const [tag, h] of run.series.histograms) {
    if (!h.length) continue;
    histograms.push({ tag, slices: h.length, firstStep: h.entries[0].step, lastStep: h.entries[h.length - 1].step });
  }
  const roles = assignRoles([...run.series.scalars.keys()]);
  let rhoT: RhoSource = { kind: 'none' };
  const rhoTag = roles.get('rhoT');
  const beta2Tag = roles.get('beta2');
  if (rhoTag !== undefined) rhoT = { kind: 'logged', tag: rhoTag, rTTag: roles.get('rT') ?? null };
  else if (beta2Tag !== undefined) {
    const b = runBeta2(run);
    // The dashboard derives rho_t only from a beta2 in (0, 1) (dashboard.ts runColumns).
    if (b !== undefined && b > 0 && b < 1) rhoT = { kind: 'beta2', tag: beta2Tag, beta2: b };
  }
  return {
    run: run.key,
    path: path.resolve(root, run.dir),
    writer: run.writer ?? null,
    files: run.files.map((f) => path.basename(f)),
    scalars,
    histograms,
    lossTag: roles.get('loss') ?? null,
    valLossTag: roles.get('valLoss') ?? null,
    lrTag: roles.get('lr') ?? null,
    histogramTag: mainHistogramTag(histograms.map((h) => h.tag)) ?? null,
    rhoT,
    skipped: { badDataCrc: run.stats.badDataCrc, badProto: run.stats.badProto, nanWallTime: run.stats.nanWallTime },
    records: run.stats.records,
    otherValues: run.stats.otherValues,
    errors: [...run.errors],
  };
}

/** Reads LOGDIR to its end once. Throws LogdirError (one line naming LOGDIR) when it is missing or unreadable. */
export async function inspectLogdir(logdir: string): Promise<Inspection> {
  const root = path.resolve(logdir);
  try {
    const st = await fsp.stat(root);
    if (!st.isDirectory()) throw new LogdirError(`cannot read the log directory ${root}: not a folder`);
    await fsp.readdir(root);
  } catch (e) {
    if (e instanceof LogdirError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'not a folder' : (e as Error).message;
    throw new LogdirError(`cannot read the log directory ${root}: ${why}`);
  }
  const reader = new LogdirReader(root);
  // A poll reads at most 64 MiB per file: poll until nothing is left behind.
  for (let i = 0; i < 100_000; i++) if (!(await reader.poll()).behind) break;
  const runs = reader.runs().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { logdir: root, runs: runs.map((r) => inspectRun(root, r)) };
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const num = (x: number | null) => (x === null ? 'non-finite' : String(Number(x.toPrecision(6))));

/** The human-readable report; every string from the files goes through printable(). */
export function formatInspection(ins: Inspection): string {
  const p = (s: string, max = 200) => printable(s, max);
  const lines: string[] = [];
  if (!ins.runs.length) return `no TensorBoard runs (no *tfevents* files) in ${p(ins.logdir, 500)}\n`;
  lines.push(`${ins.runs.length} run(s) in ${p(ins.logdir, 500)}`);
  for (const r of ins.runs) {
    lines.push('');
    lines.push(`run ${p(r.run)}${r.writer ? ` [writer ${p(r.writer)}]` : ''}`);
    lines.push(`  path        ${p(r.path, 500)}`);
    lines.push(`  files       ${r.files.length}`);
    lines.push(`  loss tag    ${r.lossTag === null ? '(none)' : p(r.lossTag)}`);
    const rho =
      r.rhoT.kind === 'logged'
        ? `logged tag ${p(r.rhoT.tag)}${r.rhoT.rTTag !== null ? `, r_t from ${p(r.rhoT.rTTag)}` : ''}`
        : r.rhoT.kind === 'beta2'
          ? `derived from beta2 (tag ${p(r.rhoT.tag)} = ${num(r.rhoT.beta2)})`
          : 'none';
    lines.push(`  rho_t       ${rho}`);
    const s = r.skipped;
    lines.push(`  skipped     bad CRC ${s.badDataCrc}, not an event ${s.badProto}, NaN wall time ${s.nanWallTime}  (of ${r.records} records)`);
    for (const e of r.errors) lines.push(`  error       ${p(e, 1000)}`);
    lines.push(`  scalars (${r.scalars.length})`);
    for (const t of r.scalars) lines.push(`    ${p(t.tag, 120)}  ${count(t.points, 'point')}, steps ${t.firstStep}..${t.lastStep}, last ${num(t.lastValue)}`);
    lines.push(`  histograms (${r.histograms.length})`);
    for (const h of r.histograms) lines.push(`    ${p(h.tag, 120)}  ${count(h.slices, 'slice')}, steps ${h.firstStep}..${h.lastStep}${h.tag === r.histogramTag ? '  (main)' : ''}`);
  }
  return lines.join('\n') + '\n';
}
