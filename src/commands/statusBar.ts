// Status bar item while training: step, loss and rho_t of the first run of the newest comparison;
// when a comparison ends, how it ended ("$(error) RAdam: RAdam vs Adam: 1 finished, 1 failed", the
// reasons in the tooltip); a click opens the dashboard.
import * as vscode from 'vscode';
import type { TrainingManager } from './trainingManager';

export function trainingStatusBar(manager: TrainingManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('radam.training', vscode.StatusBarAlignment.Left, 10);
  item.name = 'RAdam Training';
  item.command = 'radam.openDashboard';
  item.tooltip = 'RAdam Lab: click to open the dashboard';
  const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '–' : Number(v.toPrecision(digits)).toString());
  const sub = manager.onEvent(({ comparison, message }) => {
    if (message.type === 'comparisonStarted') {
      item.text = `$(pulse) RAdam: starting ${comparison.title}`;
      item.tooltip = 'RAdam Lab: click to open the dashboard';
      item.show();
    } else if (message.type === 'metrics') {
      // The first run's progress; once it has ended, any run's. (A comparison split over two trainer
      // processes sends each process's runs in batches of their own, and the processes' steps differ.)
      const firstEnded = comparison.runEnds.some((r) => r.runId === comparison.runIds[0]);
      const first = message.batches.find((b) => b.runId === comparison.runIds[0]) ?? (firstEnded ? message.batches[0] : undefined);
      const last = first?.metrics[first.metrics.length - 1];
      if (!last) return;
      const steps = comparison.comparison.runs[0].steps;
      item.text = `$(pulse) RAdam step ${last.step}/${steps} · loss ${fmt(last.loss)} · ρ ${fmt(last.rhoT, 3)}`;
      item.show();
    } else if (message.type === 'comparisonEnded') {
      // How this comparison ended (the manager has already taken it off the running list). Another
      // comparison still running takes the item back with its next metrics.
      const o = comparison.outcome;
      item.text = o?.statusText ?? (message.ok ? '$(check) RAdam: done' : '$(error) RAdam: ended');
      item.tooltip = `${o?.message ?? message.error ?? ''}\nClick to open the dashboard.`.trim();
      item.show();
    }
  });
  return vscode.Disposable.from(item, sub);
}
