// A CSV file from the workspace: a header row, numeric feature columns and one label column.
//
// Label rule (decides the task):
//   - any label that is not a number          -> classification; classes are the distinct texts, sorted
//   - all labels integers, at most 20 distinct -> classification; classes are those integers, ascending
//                                                (so labels 1,2,3 become class indices 0,1,2, names "1","2","3")
//   - otherwise (fractions, or many integers)  -> regression on the value (one target)
// Features and regression targets are standardised with train-split statistics (see DatasetInfo).
// Errors are DatasetErrors of the form `file:line:column: what (column "name")`, 1-based.
import * as fs from 'node:fs';
import type { DatasetSpec } from '../../runSpec/runSpec';
import { parseCsv, parseNumber, type CsvField } from './csvParse';
import { splitExamples, standardizeFeatures, standardizeTargets, type Examples } from './split';
import { DatasetError, type Dataset } from '../../shared/datasetInfo';
import { resolveInWorkspace } from '../../shared/workspacePath';

/** Larger files would stall the trainer's start and belong in a real ML stack. */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;
/** Integer labels with at most this many distinct values are read as classes. */
export const MAX_INTEGER_CLASSES = 20;
/** More distinct text labels than this is almost certainly the wrong column (an id, a free-text note). */
export const MAX_TEXT_CLASSES = 1000;

const shorten = (s: string) => JSON.stringify(s.length > 40 ? s.slice(0, 37) + '...' : s);

function fail(file: string, f: { line: number; column: number }, msg: string): never {
  throw new DatasetError(`${file}:${f.line}:${f.column}: ${msg}`, file, f.line, f.column);
}

/** Index of the label column: a header name (exact, then case-insensitive), else a 0-based index. */
function labelIndex(header: CsvField[], wanted: string | undefined, file: string): number {
  if (wanted === undefined || wanted.trim() === '') return header.length - 1; // default: last column
  const w = wanted.trim();
  const names = header.map((h) => h.text.trim());
  let i = names.indexOf(w);
  if (i < 0) i = names.findIndex((n) => n.toLowerCase() === w.toLowerCase());
  if (i < 0 && /^\d+$/.test(w) && Number(w) < header.length) i = Number(w);
  if (i < 0) {
    throw new DatasetError(
      `${file}:1:1: no label column ${JSON.stringify(w)} in the header (columns: ${names.join(', ')}; ` +
        'give a name or a 0-based index)',
      file,
      1,
      1,
    );
  }
  return i;
}

export function loadCsv(spec: DatasetSpec, seed: number, workspaceRoot: string | undefined): Dataset {
  const file = spec.csvPath ?? '';
  const real = resolveInWorkspace(spec.csvPath, workspaceRoot);
  const size = fs.statSync(real).size;
  if (size > MAX_CSV_BYTES) {
    throw new DatasetError(`${file}: ${(size / 2 ** 20).toFixed(0)} MiB is over the ${MAX_CSV_BYTES / 2 ** 20} MiB limit`, file);
  }
  const text = fs.readFileSync(real, 'utf8');

  let header: CsvField[] | undefined;
  let li = -1;
  let names: string[] = [];
  const features: number[] = [];
  const labels: string[] = [];
  parseCsv(text, file, (fields) => {
    if (!header) {
      header = fields;
      if (fields.length < 2) fail(file, fields[0], 'the header needs at least one feature column and a label column');
      li = labelIndex(fields, spec.csvLabelColumn, file);
      names = fields.map((h, j) => h.text.trim() || `column ${j + 1}`);
      return;
    }
    if (fields.length !== header.length) {
      fail(file, fields[0], `this row has ${fields.length} fields, the header has ${header.length}`);
    }
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j];
      if (j === li) {
        if (f.text.trim() === '') fail(file, f, `empty label (column ${JSON.stringify(names[j])})`);
        labels.push(f.text.trim());
        continue;
      }
      const v = parseNumber(f.text);
      if (v === null) {
        const what = f.text.trim() === '' ? 'empty value' : `${shorten(f.text)} is not a number`;
        fail(file, f, `${what} (column ${JSON.stringify(names[j])})`);
      }
      features.push(v);
    }
  });
  if (!header) throw new DatasetError(`${file}: the file is empty (expected a header row)`, file);
  const rows = labels.length;
  if (rows < 2) throw new DatasetError(`${file}: needs at least 2 data rows after the header, found ${rows}`, file);

  const featureNames = names.filter((_, j) => j !== li);
  const featureSize = featureNames.length;
  const labelName = names[li];

  // Decide the task from the labels (rule at the top of this file).
  const numeric = labels.map(parseNumber);
  const allNumeric = numeric.every((v) => v !== null);
  const distinctInts = allNumeric && numeric.every((v) => Number.isInteger(v)) ? new Set(numeric) : null;
  let classNames: string[] | undefined;
  const y = new Float32Array(rows);
  if (!allNumeric || (distinctInts && distinctInts.size <= MAX_INTEGER_CLASSES)) {
    let index: Map<string, number>;
    if (!allNumeric) {
      classNames = [...new Set(labels)].sort();
      index = new Map(classNames.map((c, k) => [c, k]));
      labels.forEach((l, r) => (y[r] = index.get(l)!));
    } else {
      const values = [...distinctInts!].sort((a, b) => a - b);
      classNames = values.map(String);
      const byValue = new Map(values.map((v, k) => [v, k]));
      numeric.forEach((v, r) => (y[r] = byValue.get(v)!));
    }
    if (classNames.length < 2) {
      throw new DatasetError(
        `${file}: the label column ${JSON.stringify(labelName)} has a single value ${shorten(classNames[0])}; nothing to learn`,
        file,
      );
    }
    if (classNames.length > MAX_TEXT_CLASSES) {
      throw new DatasetError(
        `${file}: the label column ${JSON.stringify(labelName)} has ${classNames.length} distinct values ` +
          `(over ${MAX_TEXT_CLASSES}); is it the right column?`,
        file,
      );
    }
  } else {
    numeric.forEach((v, r) => (y[r] = v!));
  }
  const task = classNames ? 'classification' : 'regression';

  // Every row is used: `samples` applies to generated sets and digits only (see DatasetSpec).
  const ex: Examples = { x: Float32Array.from(features), y, n: rows, featureSize, targetSize: 1 };
  const { train, validation } = splitExamples(ex, spec.validationSplit, seed);
  const featureScaling = standardizeFeatures(train, validation, featureSize);
  const targetScaling = task === 'regression' ? standardizeTargets(train, validation, 1) : undefined;
  return {
    info: {
      name: 'csv',
      task,
      inputShape: [featureSize],
      outputSize: classNames ? classNames.length : 1,
      featureNames,
      classNames,
      featureScaling,
      targetScaling,
    },
    train,
    validation,
  };
}
