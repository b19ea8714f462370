// A run's summary, accumulated step by step (the trainer keeps no history in memory) or rebuilt from
// metrics.jsonl (when the host marks a dead trainer's run failed).
import type { MetricRecord, RunSummary } from './format';

export class SummaryTracker {
  private steps = 0;
  private finalLoss: number | null = null;
  private minLoss: number | null = null;
  private finalValLoss: number | null = null;
  private finalValAccuracy: number | null = null;
  private lastMs = 0;

  add(m: MetricRecord): void {
    this.steps = m.step;
    if (typeof m.loss === 'number' && Number.isFinite(m.loss)) {
      this.finalLoss = m.loss;
      if (this.minLoss === null || m.loss < this.minLoss) this.minLoss = m.loss;
    }
    if (typeof m.valLoss === 'number') {
      this.finalValLoss = m.valLoss;
      this.finalValAccuracy = typeof m.valAccuracy === 'number' ? m.valAccuracy : null;
    }
    if (typeof m.ms === 'number') this.lastMs = m.ms;
  }

  /** Validation results obtained after the last step (the final evaluation). */
  setValidation(valLoss: number, valAccuracy: number | null): void {
    this.finalValLoss = valLoss;
    this.finalValAccuracy = valAccuracy;
  }

  get stepsDone(): number {
    return this.steps;
  }

  summary(batchSize: number, wallMs: number = this.lastMs, cpuMs?: number): RunSummary {
    return {
      ...(cpuMs !== undefined ? { cpuMs: Math.round(cpuMs) } : {}),
      steps: this.steps,
      finalLoss: this.finalLoss,
      minLoss: this.minLoss,
      finalValLoss: this.finalValLoss,
      finalValAccuracy: this.finalValAccuracy,
      wallMs: Math.round(wallMs),
      samplesPerSecond: wallMs > 0 ? Math.round((this.steps * batchSize * 1000) / wallMs) : 0,
    };
  }
}

export function summarize(metrics: readonly MetricRecord[], batchSize: number): RunSummary {
  const t = new SummaryTracker();
  for (const m of metrics) t.add(m);
  return t.summary(batchSize);
}
