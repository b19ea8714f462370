// Writes one run folder. Used by the trainer process (and the CLI), which owns the files: a crashed
// extension host loses nothing. Synchronous on purpose: calls are few (a batch of lines every ~50 ms,
// run.json at start and end) and a write that has returned is in the kernel's page cache, so it
// survives the process being killed right after.
//
// Faults (issue 13). Every write either lands whole or not at all:
//   - lines: a batch is written with a loop that checks every short write; if the disk refuses part of
//     it (ENOSPC, EFBIG, EIO, ...) the file is truncated back to the last whole line and a RunWriteError
//     says how many of the batch's lines are on disk. Nothing stays buffered to fail again.
//   - run.json: replaced atomically (temp file + rename). If the folder refuses a new file (disk full,
//     folder made read-only), it is rewritten in place through a descriptor held open since the last
//     good write, after freeing the run's space reserve (RESERVE_FILE, 64 KiB written at creation), so
//     the end of a run is still recorded on a full disk.
//   - binary side files (metrics.f64, histograms.f64, columnar.ts): written after their JSON lines
//     succeeded. They are an index of the JSON lines, so instead of being repaired they are given up:
//     any failed write to them, or to the JSON lines, removes them and readers use the JSON lines.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  HISTOGRAMS_FILE,
  METRICS_FILE,
  RESERVE_FILE,
  RUN_FILE,
  type HistogramRecord,
  type MetricRecord,
  type RunRecord,
} from './format';
import {
  HISTOGRAMS_BIN_FILE,
  METRICS_BIN_FILE,
  encodeHistogramRows,
  encodeMetricRows,
  histogramsBinHeader,
  histogramsLayoutOf,
  metricsBinHeader,
  type HistogramsBinLayout,
} from './columnar';
import { currentProcessStart } from './liveness';
import { RunWriteError, describeWriteCode, errnoCode, toJsonLines, writeAll, writeJsonAtomic } from './safeWrite';

/** Bytes set aside per run so that its final run.json fits on a disk that has filled up. */
export const RESERVE_BYTES = 64 * 1024;

export class RunWriter {
  private metricsFd: number | null;
  private histogramsFd: number | null;
  /** run.json as of the last good write, open read-write: the fallback when the folder refuses a new file. */
  private recordFd: number | null = null;
  /** The binary side files; null once given up (or, for histograms, before the first histogram). */
  private metricsBinFd: number | null = null;
  private histogramsBinFd: number | null = null;
  private histogramsLayout: HistogramsBinLayout | null = null;
  private binaryGivenUp = false;
  private current: RunRecord;
  /** Warnings for the log (run.json written in place, ...). */
  readonly warnings: string[] = [];

  private constructor(
    readonly dir: string,
    record: RunRecord,
  ) {
    this.current = record;
    // 'a': O_APPEND, so every write lands at the end even if another process appended meanwhile.
    this.metricsFd = fs.openSync(path.join(dir, METRICS_FILE), 'a');
    this.histogramsFd = fs.openSync(path.join(dir, HISTOGRAMS_FILE), 'a');
    this.reopenRecord();
    this.binaryWrite(() => {
      this.metricsBinFd = fs.openSync(path.join(dir, METRICS_BIN_FILE), 'a');
      if (fs.fstatSync(this.metricsBinFd).size === 0) writeAll(this.metricsBinFd, metricsBinHeader(), null);
    });
  }

  /** Creates `<runsDir>/<record.id>/` with run.json and empty metric files. Fails if the run exists. */
  static create(runsDir: string, record: RunRecord): RunWriter {
    const dir = path.join(runsDir, record.id);
    fs.mkdirSync(runsDir, { recursive: true });
    fs.mkdirSync(dir); // throws EEXIST: never overwrite another run's record
    const withProcess: RunRecord = record.processStart === undefined && record.pid === process.pid ? { ...record, ...processStartField() } : record;
    try {
      writeJsonAtomic(path.join(dir, RUN_FILE), withProcess);
    } catch (e) {
      // No run.json: leave no empty folder behind (it would list as unreadable), and say what failed.
      try {
        fs.rmdirSync(dir);
      } catch {
        /* not empty or gone: leave it */
      }
      throw new RunWriteError(RUN_FILE, errnoCode(e), 0, `cannot create run ${record.id}: ${describeWriteCode(errnoCode(e))}`);
    }
    try {
      const fd = fs.openSync(path.join(dir, RESERVE_FILE), 'w');
      try {
        writeAll(fd, Buffer.alloc(RESERVE_BYTES), 0);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // No room for the reserve: the disk is already full; the first line written will say so.
      try {
        fs.unlinkSync(path.join(dir, RESERVE_FILE));
      } catch {
        /* absent */
      }
    }
    return new RunWriter(dir, withProcess);
  }

  get record(): Readonly<RunRecord> {
    return this.current;
  }

  get closed(): boolean {
    return this.metricsFd === null;
  }

  appendMetrics(records: readonly MetricRecord[]): void {
    if (!records.length || this.metricsFd === null) return;
    this.appendLines(this.metricsFd, METRICS_FILE, toJsonLines(records));
    this.binaryWrite(() => {
      if (this.metricsBinFd !== null) writeAll(this.metricsBinFd, encodeMetricRows(records), null);
    });
  }

  /** Histogram lines carry lo, hi and bins but not the bin edges: those are derived (histogramEdges). */
  appendHistograms(records: readonly HistogramRecord[]): void {
    if (!records.length || this.histogramsFd === null) return;
    this.appendLines(this.histogramsFd, HISTOGRAMS_FILE, toJsonLines(records.map(withoutEdges)));
    this.binaryWrite(() => {
      let head: Buffer | null = null;
      if (!this.histogramsLayout) {
        const h = histogramsBinHeader(histogramsLayoutOf(records[0]));
        this.histogramsLayout = h.layout;
        head = h.header;
        this.histogramsBinFd = fs.openSync(path.join(this.dir, HISTOGRAMS_BIN_FILE), 'a');
      }
      const rows = encodeHistogramRows(this.histogramsLayout, records);
      if (!rows) throw new Error('a histogram with other bins or layers than the first one');
      if (this.histogramsBinFd !== null) writeAll(this.histogramsBinFd, head ? Buffer.concat([head, rows]) : rows, null);
    });
  }

  /** Runs a write to the binary side files; on any failure gives them up (removed, never written again). */
  private binaryWrite(write: () => void): void {
    if (this.binaryGivenUp) return;
    try {
      write();
    } catch (e) {
      this.giveUpBinary(`binary side files given up (${errnoCode(e)}: ${(e as Error).message}); the run reads from its JSON lines`);
    }
  }

  private giveUpBinary(why: string): void {
    if (this.binaryGivenUp) return;
    this.binaryGivenUp = true;
    for (const fd of [this.metricsBinFd, this.histogramsBinFd]) {
      if (fd === null) continue;
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    this.metricsBinFd = this.histogramsBinFd = null;
    for (const name of [METRICS_BIN_FILE, HISTOGRAMS_BIN_FILE]) {
      try {
        fs.unlinkSync(path.join(this.dir, name));
      } catch {
        /* absent */
      }
    }
    this.warnings.push(why);
  }

  /** Appends whole lines; on a failed or short write, truncates back to the last whole line and throws. */
  private appendLines(fd: number, name: string, text: string): void {
    const buf = Buffer.from(text);
    const start = fs.fstatSync(fd).size;
    try {
      writeAll(fd, buf, null);
    } catch (e) {
      const written = (e as { written?: number }).written ?? 0;
      const lastNewline = written > 0 ? buf.lastIndexOf(0x0a, written - 1) : -1;
      const keepBytes = lastNewline + 1;
      let kept = 0;
      for (let i = 0; i < keepBytes; i++) if (buf[i] === 0x0a) kept++;
      try {
        fs.ftruncateSync(fd, start + keepBytes);
      } catch (t) {
        this.warnings.push(`could not cut ${name} back to its last whole line: ${(t as Error).message}`);
      }
      // The binary files would now lack lines the JSON lines have: readers use the JSON lines.
      this.giveUpBinary(`binary side files given up after a failed write to ${name}`);
      throw new RunWriteError(name, errnoCode(e), kept, e);
    }
  }

  /** Rewrites run.json with the given fields changed. */
  update(patch: Partial<RunRecord>): void {
    const next = { ...this.current, ...patch };
    this.writeRecord(next);
    this.current = next;
  }

  private writeRecord(record: RunRecord): void {
    const file = path.join(this.dir, RUN_FILE);
    // Windows may refuse to replace a file that is open; there the fallback opens run.json when needed.
    if (process.platform === 'win32') this.closeRecord();
    try {
      writeJsonAtomic(file, record);
      this.reopenRecord();
      return;
    } catch (e) {
      // Make room (the reserve) and try again; then fall back to writing in place.
      this.releaseReserve();
      try {
        writeJsonAtomic(file, record);
        this.reopenRecord();
        return;
      } catch {
        /* below */
      }
      if (this.recordFd === null) this.reopenRecord();
      if (this.recordFd === null) throw new RunWriteError(RUN_FILE, errnoCode(e), 0, e);
      try {
        const buf = Buffer.from(JSON.stringify(record, null, 2) + '\n');
        fs.ftruncateSync(this.recordFd, 0);
        writeAll(this.recordFd, buf, 0);
        this.warnings.push(`run.json written in place: ${describeWriteCode(errnoCode(e))} (${errnoCode(e)}) refused a new file in ${this.dir}`);
      } catch (e2) {
        throw new RunWriteError(RUN_FILE, errnoCode(e2), 0, e2);
      }
    }
  }

  private closeRecord(): void {
    if (this.recordFd !== null) {
      try {
        fs.closeSync(this.recordFd);
      } catch {
        /* already closed */
      }
    }
    this.recordFd = null;
  }

  private reopenRecord(): void {
    this.closeRecord();
    try {
      this.recordFd = fs.openSync(path.join(this.dir, RUN_FILE), 'r+');
    } catch {
      /* no fallback then */
    }
  }

  /** Frees the space reserve (at the end of the run, or when the disk is full). */
  releaseReserve(): void {
    try {
      fs.unlinkSync(path.join(this.dir, RESERVE_FILE));
    } catch {
      /* already gone */
    }
  }

  /** Final run.json (status must be final) and closes the files. Idempotent after the first call. */
  finish(patch: Partial<RunRecord> & Pick<RunRecord, 'status'>): void {
    if (this.closed) return;
    try {
      this.update({ endedAt: new Date().toISOString(), ...patch });
    } finally {
      this.releaseReserve();
      this.close();
    }
  }

  close(): void {
    for (const fd of [this.metricsFd, this.histogramsFd, this.recordFd, this.metricsBinFd, this.histogramsBinFd]) {
      if (fd === null) continue;
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    this.metricsFd = this.histogramsFd = this.recordFd = this.metricsBinFd = this.histogramsBinFd = null;
  }
}

/** A histogram line as written: the edges are left out (derived from lo, hi and bins by readers). */
function withoutEdges(r: HistogramRecord): Omit<HistogramRecord, 'edges'> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { edges, ...rest } = r;
  return rest;
}

function processStartField(): Pick<RunRecord, 'processStart'> {
  const s = currentProcessStart();
  return s === undefined ? {} : { processStart: s };
}
