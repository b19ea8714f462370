// Dashboard front end entry. Renders what the host sends; holds no truth the disk does not also hold.
import { loadState, onHostMessage, post, request, saveState } from './vscodeApi';
import { badge, button, divider, setDisabled } from './components/toolkit';
import { el } from './components/native';
import type { BackendUpdate, ExportFormat } from '../src/protocol/webview';
import { Dashboard } from './dashboard';
import { sanitizeState } from './state';
import { installTestHook } from './testHook';

const app = document.getElementById('app')!;
app.textContent = '';

const header = el('header', { class: 'header' });
header.append(el('h1', {}, 'RAdam Dashboard'));
const backendLine = el('div', { class: 'backend' });
backendLine.append('Backend: ', el('span', { 'data-testid': 'backend-name' }, 'probing…'));
header.append(backendLine);
const warning = el('div', { class: 'warning', 'data-testid': 'backend-warning', hidden: '' });
const noticeBar = el('div', { class: 'notice', 'data-testid': 'notice', hidden: '', role: 'status' });
app.append(header, warning, noticeBar, divider());

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function notice(level: 'info' | 'warn' | 'error', text: string): void {
  noticeBar.textContent = text;
  noticeBar.dataset.level = level;
  noticeBar.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (noticeBar.hidden = true), level === 'info' ? 8000 : 15000);
}

const dashboard = new Dashboard(sanitizeState(loadState()), { post, request, saveState, notice });
header.append(dashboard.zoom.chip);
// Escape resets the zoom (as a double-click on a chart or the chip's button do), unless a control
// such as a dropdown is using the key.
window.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !e.defaultPrevented && dashboard.viewRange) dashboard.setViewRange(null);
});

// Exports act on the shown runs; the host reads the files from disk and asks where to save.
const exportBar = el('div', { class: 'export-bar', 'data-testid': 'export-bar' });
const exportButtons: HTMLElement[] = [];
const exportOf = (format: ExportFormat, label: string, title: string) => {
  const b = button(label, () => dashboard.ask({ type: 'exportData', format, runIds: [...dashboard.currentState.shownRunIds] }, 'Export failed'), { secondary: true, testId: `export-${format}`, title });
  exportButtons.push(b);
  return b;
};
exportBar.append(
  el('span', { class: 'muted' }, 'Export shown runs:'),
  exportOf('metrics-csv', 'Metrics CSV', 'Save the shown runs’ metrics as CSV'),
  exportOf('metrics-json', 'Metrics JSON', 'Save the shown runs’ metrics as JSON'),
  exportOf('histograms-json', 'Histograms JSON', 'Save the shown runs’ gradient histograms as JSON'),
);
const updateExportButtons = () => exportButtons.forEach((b) => setDisabled(b, dashboard.currentState.shownRunIds.length === 0));

const layout = el('div', { class: 'layout' });
const side = el('aside', { class: 'side' });
side.append(dashboard.runList.element);
const main = el('main', { class: 'main' });
const grid = el('div', { class: 'chart-grid' });
for (const c of dashboard.charts) grid.append(c.element);
// The charts first (they fill the first screen), then the exports and the summary table.
main.append(grid, dashboard.scalarTags.element, exportBar, dashboard.summary.element, dashboard.importedRuns.element);
layout.append(side, main);
app.append(layout);

function showBackend(update: BackendUpdate): void {
  const name = backendLine.querySelector('[data-testid="backend-name"]')!;
  if (!update.backend) {
    name.textContent = update.error ? 'unavailable' : 'probing…';
    if (update.error) {
      warning.textContent = `The trainer process could not start: ${update.error}`;
      warning.hidden = false;
    }
    return;
  }
  name.textContent = update.backend.name;
  backendLine.querySelector('[data-testid="backend-kind"]')?.remove();
  backendLine.append(' ', badge(update.backend.native ? 'native' : 'JavaScript fallback', 'backend-kind'));
  if (update.backend.warning) {
    warning.textContent = update.backend.warning;
    warning.hidden = false;
  }
}

onHostMessage((msg) => {
  if (msg.type === 'backend') showBackend(msg);
  else dashboard.handle(msg);
  if (msg.type === 'showRuns' || msg.type === 'runList') updateExportButtons();
});
dashboard.scheduler.onFrame(updateExportButtons);

window.addEventListener('error', (e) => post({ type: 'log', level: 'error', text: `webview error: ${e.message} (${e.filename}:${e.lineno})` }));
window.addEventListener('unhandledrejection', (e) => post({ type: 'log', level: 'error', text: `webview unhandled rejection: ${String(e.reason)}` }));

installTestHook(dashboard);
updateExportButtons();
dashboard.scheduler.markDirty();
post({ type: 'ready' });
