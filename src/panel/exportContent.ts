// The content of a metrics or histograms export (./exports.ts writes it): our runs as read from disk,
// then imported (TensorBoard) runs as src/tensorboard/exportRun.ts shapes them. Pure: no vscode.
import type { RunData } from '../runs';
import { metricsCsv } from './metricsCsv';
import type { ExportFormat } from '../protocol/webview';
import type { ImportedRunExport } from '../tensorboard/exportRun';

/** Builds the file content of an export from runs read from disk and imported runs, in that order. */
export function exportContent(format: ExportFormat, runs: readonly RunData[], imported: readonly ImportedRunExport[] = []): string {
  switch (format) {
    case 'metrics-csv':
      return metricsCsv([...runs.map((r) => ({ runId: r.record.id, rows: r.metrics })), ...imported.map((r) => ({ runId: r.id, rows: r.rows }))]);
    case 'metrics-json':
      return (
        JSON.stringify(
          {
            format: 1,
            kind: 'radam-lab-metrics',
            runs: [
              ...runs.map((r) => ({ id: r.record.id, label: r.record.label, run: r.record, metrics: r.metrics })),
              ...imported.map((r) => ({
                id: r.id,
                label: r.label,
                source: r.source,
                path: r.path,
                files: r.files,
                lossTag: r.lossTag,
                rhoOrigin: r.rhoOrigin,
                beta2: r.beta2,
                metrics: r.rows,
                scalars: r.scalars,
              })),
            ],
          },
          null,
          1,
        ) + '\n'
      );
    case 'histograms-json':
      return (
        JSON.stringify(
          {
            format: 1,
            kind: 'radam-lab-histograms',
            runs: [
              ...runs.map((r) => ({ id: r.record.id, label: r.record.label, histograms: r.histograms })),
              ...imported.map((r) => ({ id: r.id, label: r.label, source: r.source, path: r.path, histograms: r.histograms, rawHistograms: r.rawHistograms })),
            ],
          },
          null,
          1,
        ) + '\n'
      );
  }
}

