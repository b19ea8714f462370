// Status bar item while training: step, loss and rho_t of the first run of the newest comparison;
// a click opens the dashboard.
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
      item.show();
    } else if (message.type === 'metrics') {
      const first = message.batches.find((b) => b.runId === comparison.runIds[0]) ?? message.batches[0];
      const last = first?.metrics[first.metrics.length - 1];
      if (!last) return;
      const steps = comparison.comparison.runs[0].steps;
      item.text = `$(pulse) RAdam step ${last.step}/${steps} · loss ${fmt(last.loss)} · ρ ${fmt(last.rhoT, 3)}`;
      item.show();
    } else if (message.type === 'comparisonEnded' && manager.running.length === 0) {
      item.text = message.ok ? '$(check) RAdam: done' : '$(error) RAdam: ended';
      item.tooltip = message.error ?? 'RAdam Lab: click to open the dashboard';
    }
  });
  return vscode.Disposable.from(item, sub);
}
