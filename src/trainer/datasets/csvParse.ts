// A small RFC 4180 CSV reader that remembers where each field starts, so errors can point at
// `file:line:column` (1-based; the column counts UTF-16 code units from the start of the line, as VS Code
// does, and is where the field starts: its opening quote if quoted). VS Code turns such text into a link.
//
// Accepted: comma separator; fields quoted with "..." and "" for a literal quote; commas and newlines
// inside quotes; LF, CRLF or lone CR line ends; a UTF-8 byte-order mark; blank or all-space lines (skipped
// anywhere, so trailing blank lines are fine). A quote inside an unquoted field is kept as an ordinary character.
import { DatasetError } from '../../shared/datasetInfo';

export interface CsvField {
  text: string;
  line: number;
  column: number;
}

/** Calls `onRecord` for each non-blank record, in order. `file` is the name used in error messages. */
export function parseCsv(text: string, file: string, onRecord: (fields: CsvField[]) => void): void {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const len = text.length;
  let line = 1;
  let lineStart = i; // index of the first character of the current line
  let record: CsvField[] = [];
  let quotedFlag = false; // whether the first field of the current record was quoted

  const endRecord = () => {
    // A blank (or all-space) line parses as one unquoted field with nothing in it: skip it.
    const blank = record.length === 1 && !quotedFlag && record[0].text.trim() === '';
    if (!blank) onRecord(record);
    record = [];
  };

  // Consumes a line end at i (\n, \r\n or \r) and returns true if there was one.
  const eatNewline = (): boolean => {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */ || c === 13 /* \r */) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      lineStart = i;
      return true;
    }
    return false;
  };

  while (i < len) {
    // At the start of a field.
    const fieldLine = line;
    const fieldColumn = i - lineStart + 1;
    let value: string;
    let quoted = false;
    if (text.charCodeAt(i) === 34 /* " */) {
      quoted = true;
      i++;
      let out = '';
      let chunkStart = i;
      for (;;) {
        if (i >= len) {
          throw new DatasetError(
            `${file}:${fieldLine}:${fieldColumn}: unterminated quoted field (no closing ")`,
            file,
            fieldLine,
            fieldColumn,
          );
        }
        const c = text.charCodeAt(i);
        if (c === 34) {
          if (text.charCodeAt(i + 1) === 34) {
            out += text.slice(chunkStart, i + 1); // keep one quote of the pair
            i += 2;
            chunkStart = i;
            continue;
          }
          out += text.slice(chunkStart, i);
          i++;
          break;
        }
        if (c === 10 || c === 13) {
          // Line ends inside quotes belong to the value; keep line numbers right.
          i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
          line++;
          lineStart = i;
          continue;
        }
        i++;
      }
      value = out;
      const next = text.charCodeAt(i);
      if (i < len && next !== 44 /* , */ && next !== 10 && next !== 13) {
        const col = i - lineStart + 1;
        throw new DatasetError(
          `${file}:${line}:${col}: unexpected character ${JSON.stringify(text[i])} after a closing quote`,
          file,
          line,
          col,
        );
      }
    } else {
      const start = i;
      while (i < len) {
        const c = text.charCodeAt(i);
        if (c === 44 || c === 10 || c === 13) break;
        i++;
      }
      value = text.slice(start, i);
    }
    if (record.length === 0) quotedFlag = quoted;
    record.push({ text: value, line: fieldLine, column: fieldColumn });

    if (i >= len) break;
    if (text.charCodeAt(i) === 44) {
      i++;
      // A trailing comma at the end of the line or file means one more (empty) field.
      if (i >= len || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13) {
        record.push({ text: '', line, column: i - lineStart + 1 });
        if (i >= len) break;
        eatNewline();
        endRecord();
      }
      continue;
    }
    eatNewline();
    endRecord();
  }
  if (record.length) endRecord();
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Strict decimal number (surrounding spaces allowed): unlike Number(), rejects '', '0x1f', 'Infinity'
 * and 'NaN', which in a data file are mistakes rather than values.
 */
export function parseNumber(s: string): number | null {
  const t = s.trim();
  if (!NUMBER.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
