// A learning-rate sweep's points grouped per (optimizer, learning rate): the mean and the spread
// (min..max) over seeds, for the sweep chart and its footer. Pure: no DOM.
import type { SweepPoint } from '../../src/protocol/webview';

export interface SweepCell {
  optimizer: string;
  lr: number;
  /** Finite values of the seeds that did not diverge, in the order given. */
  values: number[];
  /** Mean of `values`; null when every seed diverged (or none reported a value). */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Seeds that diverged (or reported no value): left out of mean, min and max, and said in the footer. */
  missing: number;
}

/** One cell per (optimizer, lr), optimizers in order of first appearance, rates ascending. */
export function sweepCells(points: readonly SweepPoint[]): SweepCell[] {
  const byKey = new Map<string, SweepCell>();
  const optimizers: string[] = [];
  for (const p of points) {
    const key = `${p.optimizer}\u0000${p.lr}`;
    let cell = byKey.get(key);
    if (!cell) {
      cell = { optimizer: p.optimizer, lr: p.lr, values: [], mean: null, min: null, max: null, missing: 0 };
      byKey.set(key, cell);
      if (!optimizers.includes(p.optimizer)) optimizers.push(p.optimizer);
    }
    if (!p.diverged && p.value !== null && Number.isFinite(p.value)) cell.values.push(p.value);
    else cell.missing++;
  }
  for (const c of byKey.values()) {
    if (!c.values.length) continue;
    c.mean = c.values.reduce((s, v) => s + v, 0) / c.values.length;
    c.min = Math.min(...c.values);
    c.max = Math.max(...c.values);
  }
  return [...byKey.values()].sort((a, b) => optimizers.indexOf(a.optimizer) - optimizers.indexOf(b.optimizer) || a.lr - b.lr);
}

/**
 * How much an optimizer's mean varies across the learning rates: largest minus smallest mean (the
 * paper's robustness claim in one number); null with fewer than two rates that have a mean.
 */
export function spreadAcrossRates(cells: readonly SweepCell[], optimizer: string): number | null {
  const means = cells.filter((c) => c.optimizer === optimizer && c.mean !== null).map((c) => c.mean as number);
  return means.length < 2 ? null : Math.max(...means) - Math.min(...means);
}

/** Seeds per cell when every cell has the same number of points (else null): "mean of 3 seeds". */
export function seedsPerCell(cells: readonly SweepCell[]): number | null {
  const n = new Set(cells.map((c) => c.values.length + c.missing));
  return n.size === 1 ? [...n][0] : null;
}
