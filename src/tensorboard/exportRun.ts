// An imported (TensorBoard) run as the dashboard's exports write it, beside our own runs: per step the
// dashboard's columns (loss from the chosen tag, rho_t / r_t as charted, ...) and every scalar tag as a
// column of its own ("tag:<name>"), so a CSV of several runs compares like with like and loses nothing;
// the JSON also keeps each tag's points with their wall times and the writer's raw histogram buckets.
// Pure: no vscode, no fs.
import type { HistogramSlice, MetricRow, RhoOrigin, RunInfo } from '../protocol/webview';
import * as path from 'node:path';
import { assignRoles, rhoOrigin, type RunChoices } from './dashboard';
import { runHistograms } from './histogramSlices';
import { runRows } from './runColumns';
import type { LogRun } from './logdir';

/** Column name of a raw scalar tag in the exported rows. */
export const tagColumn = (tag: string) => `tag:${tag}`;

export interface ImportedRunExport {
  id: string;
  label: string;
  source: 'tensorboard';
  /** The run's folder (absolute). */
  path: string;
  files: string[];
  lossTag: string | null;
  rhoOrigin: RhoOrigin;
  /** beta2 rho_t / r_t were derived with (logged or set by the user), if any. */
  beta2: number | null;
  /** One row per step of any scalar tag: the dashboard's columns, then `tag:<name>` per tag. */
  rows: Array<MetricRow & Record<string, number | boolean | null>>;
  scalars: Record<string, { steps: number[]; values: number[]; wallTimes: number[] }>;
  /** As charted: ln|value| in the dashboard's bins (as our own runs' gradient histograms). */
  histograms: HistogramSlice[];
  /** As written: each tag's buckets (left, right, count). */
  rawHistograms: Record<string, Array<{ step: number; wallTime: number; buckets: Array<[number, number, number]> }>>;
}

export function importedRunExport(root: string, run: LogRun, choices: RunChoices, info: Pick<RunInfo, 'id' | 'label'>): ImportedRunExport {
  const byStep = new Map<number, MetricRow & Record<string, number | boolean | null>>();
  for (const r of runRows(run, -Infinity, choices)) byStep.set(r.step, { ...r });
  const scalars: ImportedRunExport['scalars'] = {};
  for (const [tag, s] of run.series.scalars) {
    scalars[tag] = { steps: [...s.steps], values: [...s.values], wallTimes: [...s.wallTimes] };
    const col = tagColumn(tag);
    for (let i = 0; i < s.length; i++) {
      let row = byStep.get(s.steps[i]);
      if (!row) byStep.set(s.steps[i], (row = { step: s.steps[i] } as MetricRow & Record<string, number | boolean | null>));
      row[col] = s.values[i];
    }
  }
  const rawHistograms: ImportedRunExport['rawHistograms'] = {};
  for (const [tag, h] of run.series.histograms) {
    rawHistograms[tag] = h.entries.map((e) => ({ step: e.step, wallTime: e.wallTime, buckets: e.buckets.map((b): [number, number, number] => [b.left, b.right, b.count]) }));
  }
  const rho = rhoOrigin(run, choices);
  return {
    id: info.id,
    label: info.label,
    source: 'tensorboard',
    path: path.resolve(root, run.dir),
    files: [...run.files],
    lossTag: assignRoles([...run.series.scalars.keys()], choices).get('loss') ?? null,
    rhoOrigin: rho.origin,
    beta2: rho.beta2 ?? null,
    rows: [...byStep.values()].sort((a, b) => a.step - b.step),
    scalars,
    histograms: runHistograms(run),
    rawHistograms,
  };
}
