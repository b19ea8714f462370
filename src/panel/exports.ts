// Exports from the dashboard (and for the "RAdam: Export Run" command): metrics as CSV or JSON,
// histograms as JSON, a chart as PNG. The data is read from the run folders on disk (never from the
// webview) and written where the user picks in VS Code's save dialog.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRun, type RunData } from '../runs';
import { metricsCsv } from './metricsCsv';
import type { ExportFormat } from '../protocol/webview';

/** VS Code's save dialog; the end-to-end tests answer it in the workbench as a user does (test/e2e/run.e2e.mjs). */
async function pickTarget(defaultUri: vscode.Uri, filters: Record<string, string[]>, title: string): Promise<vscode.Uri | undefined> {
  return vscode.window.showSaveDialog({ defaultUri, filters, title, saveLabel: 'Export' });
}

function defaultFolder(runsDir: string): vscode.Uri {
  // <workspace>/.radam/runs -> <workspace>
  return vscode.Uri.file(path.resolve(runsDir, '..', '..'));
}

function baseName(runIds: readonly string[]): string {
  return runIds.length === 1 ? runIds[0] : `${runIds[0]}-and-${runIds.length - 1}-more`;
}

export interface ExportResult {
  /** Lines of the runs' files that could not be read and were left out (a cut last line, a corrupt line). */
  skippedLines: number;
  uri: vscode.Uri;
  /** uri.fsPath */
  file: string;
  bytes: number;
}

/** Builds the file content of an export from runs read from disk. */
export function exportContent(format: ExportFormat, runs: readonly RunData[]): string {
  switch (format) {
    case 'metrics-csv':
      return metricsCsv(runs.map((r) => ({ runId: r.record.id, rows: r.metrics })));
    case 'metrics-json':
      return (
        JSON.stringify(
          { format: 1, kind: 'radam-lab-metrics', runs: runs.map((r) => ({ id: r.record.id, label: r.record.label, run: r.record, metrics: r.metrics })) },
          null,
          1,
        ) + '\n'
      );
    case 'histograms-json':
      return (
        JSON.stringify(
          { format: 1, kind: 'radam-lab-histograms', runs: runs.map((r) => ({ id: r.record.id, label: r.record.label, histograms: r.histograms })) },
          null,
          1,
        ) + '\n'
      );
  }
}

/**
 * Exports runs (ids already checked against the runs on disk) through a save dialog, or to `target`.
 * Returns undefined when the user cancelled.
 */
export async function exportRuns(runsDir: string, format: ExportFormat, runIds: readonly string[], target?: vscode.Uri): Promise<ExportResult | undefined> {
  const runs: RunData[] = [];
  for (const id of runIds) {
    const r = readRun(runsDir, id);
    if (!r) throw new Error(`run ${id} cannot be read`);
    runs.push(r);
  }
  const ext = format === 'metrics-csv' ? 'csv' : 'json';
  const what = format === 'histograms-json' ? 'histograms' : 'metrics';
  const uri =
    target ??
    (await pickTarget(
      vscode.Uri.joinPath(defaultFolder(runsDir), `${baseName(runIds)}-${what}.${ext}`),
      ext === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      `Export ${what} (${ext.toUpperCase()})`,
    ));
  if (!uri) return undefined;
  const bytes = Buffer.from(exportContent(format, runs), 'utf8');
  await vscode.workspace.fs.writeFile(uri, bytes);
  return { uri, file: uri.fsPath, bytes: bytes.length, skippedLines: runs.reduce((a, r) => a + r.skippedLines, 0) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes a PNG data URL; throws unless it really is a PNG. */
export function decodePng(dataUrl: string): Buffer {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) throw new Error('not a PNG data URL');
  const buf = Buffer.from(dataUrl.slice(prefix.length), 'base64');
  if (buf.length < PNG_SIGNATURE.length || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG image');
  return buf;
}

export async function exportPng(runsDir: string | undefined, chart: string, dataUrl: string): Promise<ExportResult | undefined> {
  const png = decodePng(dataUrl);
  const folder = runsDir ? defaultFolder(runsDir) : (vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()));
  const uri = await pickTarget(vscode.Uri.joinPath(folder, `radam-${chart}.png`), { 'PNG image': ['png'] }, `Save the ${chart} chart as PNG`);
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, png);
  return { uri, file: uri.fsPath, bytes: png.length, skippedLines: 0 };
}
