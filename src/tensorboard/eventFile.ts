// Reading one event file: a stream of TFRecords, each an Event message, that a writer may still be
// appending to.
//
// `EventStream` is pure (bytes in, events out) and resumable: push whatever bytes arrived, drain the
// whole records; a partial last record stays buffered until the rest arrives (a writer flushes records
// in pieces). `EventFileTail` adds the file: it remembers how far it has read and, on each poll, reads
// only the new bytes (polling with stat + read, because file-system events are unreliable on network
// file systems, where training logs often live).
//
// What happens on damage (as TensorBoard's Rust reader, tensorboard/data/server/{tf_record,run}.rs):
//   - a record whose data CRC is wrong: skipped and counted (`badDataCrc`); the next record is read;
//   - a record whose data is not an Event (good CRC): skipped and counted (`badProto`);
//   - an event with a NaN wall time: dropped and counted (`nanWallTime`), as TensorBoard does;
//   - a length whose CRC is wrong, or an absurd length: the file cannot be followed further; it is marked
//     dead with a message naming the file and the byte offset, and never read again.
import { promises as fsp } from 'node:fs';
import { decodeEvent, SESSION_START, type PbEvent } from './proto';
import { readRecord, DEFAULT_MAX_RECORD } from './tfrecord';
import { readSummaryValue, TagKinds, type Bucket } from './values';

export interface ScalarSample {
  kind: 'scalar';
  tag: string;
  step: number;
  wallTime: number;
  value: number;
}
export interface HistogramSample {
  kind: 'histogram';
  tag: string;
  step: number;
  wallTime: number;
  buckets: Bucket[];
}
/** A writer (re)started at `step` (SessionLog START, written by TF1 supervisors after a restart). */
export interface RestartSample {
  kind: 'restart';
  step: number;
  wallTime: number;
}
export type Sample = ScalarSample | HistogramSample | RestartSample;

export interface StreamStats {
  /** Whole records read (good or not). */
  records: number;
  events: number;
  badDataCrc: number;
  badProto: number;
  nanWallTime: number;
  /** Summary values of kinds this reader does not chart (images, text, audio, ...). */
  otherValues: number;
  scalars: number;
  histograms: number;
}

export type DrainStatus = 'more' | 'waiting' | 'dead';

export class EventStream {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Bytes of the file consumed as whole records (the file offset of the next record). */
  consumed = 0;
  /** Why the stream stopped for good (bad length CRC, record too large), with the byte offset. */
  dead: string | undefined;
  readonly stats: StreamStats = { records: 0, events: 0, badDataCrc: 0, badProto: 0, nanWallTime: 0, otherValues: 0, scalars: 0, histograms: 0 };
  readonly tags = new TagKinds();
  firstWallTime: number | undefined;
  lastWallTime: number | undefined;
  /** The writer's file_version ("brain.Event:2"), from the first event. */
  fileVersion: string | undefined;

  constructor(
    private readonly name = 'event file',
    private readonly maxRecord = DEFAULT_MAX_RECORD,
  ) {}

  /** Bytes received but not yet part of a whole record. */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  push(chunk: Uint8Array): void {
    if (this.dead || chunk.length === 0) return;
    const rest = this.buf.length - this.pos;
    if (rest === 0) {
      this.buf = chunk;
    } else {
      const next = new Uint8Array(rest + chunk.length);
      next.set(this.buf.subarray(this.pos), 0);
      next.set(chunk, rest);
      this.buf = next;
    }
    this.pos = 0;
  }

  /**
   * Reads whole records (at most `maxRecords`) and hands their samples to `onSample`.
   * 'more': stopped at maxRecords with bytes left; 'waiting': needs more bytes; 'dead': see `dead`.
   */
  drain(onSample: (s: Sample) => void, maxRecords = Infinity): DrainStatus {
    if (this.dead) return 'dead';
    let n = 0;
    while (n < maxRecords) {
      const r = readRecord(this.buf, this.pos, this.maxRecord);
      if (r.kind === 'truncated') break;
      if (r.kind === 'badLengthCrc' || r.kind === 'tooLarge') {
        const what =
          r.kind === 'badLengthCrc'
            ? `the length of the record at byte ${this.consumed} fails its CRC (stored ${hex(r.expected)}, computed ${hex(r.actual)})`
            : `the record at byte ${this.consumed} claims ${r.length} bytes, over the ${this.maxRecord}-byte limit`;
        this.dead = `${this.name}: ${what}; the rest of this file cannot be framed and is not read`;
        this.buf = new Uint8Array(0);
        this.pos = 0;
        return 'dead';
      }
      n++;
      this.stats.records++;
      this.consumed += r.next - this.pos;
      this.pos = r.next;
      if (r.kind === 'badDataCrc') {
        this.stats.badDataCrc++;
        continue;
      }
      let ev: PbEvent;
      try {
        ev = decodeEvent(r.data);
      } catch {
        this.stats.badProto++;
        continue;
      }
      this.event(ev, onSample);
    }
    if (this.pos === this.buf.length) {
      this.buf = new Uint8Array(0);
      this.pos = 0;
    }
    return n >= maxRecords && this.buf.length - this.pos > 0 ? 'more' : 'waiting';
  }

  private event(ev: PbEvent, onSample: (s: Sample) => void): void {
    const wallTime = ev.wallTime;
    const step = Number(ev.step);
    if (Number.isNaN(wallTime)) {
      this.stats.nanWallTime++;
      return;
    }
    this.stats.events++;
    if (this.firstWallTime === undefined) this.firstWallTime = wallTime;
    if (this.lastWallTime === undefined || wallTime > this.lastWallTime) this.lastWallTime = wallTime;
    if (ev.what === 'fileVersion') {
      this.fileVersion ??= ev.fileVersion;
      return;
    }
    if (ev.what === 'sessionLog') {
      if (ev.sessionLog?.status === SESSION_START) onSample({ kind: 'restart', step, wallTime });
      return;
    }
    if (ev.what !== 'summary' || !ev.summary) return;
    for (const v of ev.summary.value) {
      const plugin = this.tags.note(v);
      const read = readSummaryValue(v, plugin);
      if (read.kind === 'scalar') {
        this.stats.scalars++;
        onSample({ kind: 'scalar', tag: v.tag, step, wallTime, value: read.value });
      } else if (read.kind === 'histogram') {
        this.stats.histograms++;
        onSample({ kind: 'histogram', tag: v.tag, step, wallTime, buckets: read.buckets });
      } else {
        this.stats.otherValues++;
      }
    }
  }
}

const hex = (x: number) => '0x' + x.toString(16).padStart(8, '0');

/** Lets other work on the event loop run (VS Code's extension host is shared by every extension). */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface TailOptions {
  /** Bytes read per read() call. */
  chunkBytes?: number;
  /** Milliseconds of parsing between yields to the event loop (checked every 128 records). */
  sliceMs?: number;
  /** Most bytes read per poll (the rest waits for the next poll), so one huge file cannot hog a poll. */
  maxBytesPerPoll?: number;
}

export interface TailResult {
  /** Bytes read from the file in this poll. */
  bytes: number;
  /** Size of the file at the poll, and its modification time (ms). */
  size: number;
  mtimeMs: number;
  /** The file is gone, unreadable, shrank, or its framing broke (see `EventFileTail.error`). */
  dead: boolean;
  /** There are more bytes to read than maxBytesPerPoll allowed. */
  behind: boolean;
}

/** One event file followed by polling. */
export class EventFileTail {
  readonly stream: EventStream;
  /** Bytes read from the file so far (consumed records plus a buffered partial record). */
  offset = 0;
  mtimeMs = 0;
  error: string | undefined;

  constructor(
    readonly path: string,
    private readonly opts: TailOptions = {},
  ) {
    this.stream = new EventStream(path);
  }

  get dead(): boolean {
    return this.error !== undefined || this.stream.dead !== undefined;
  }

  /** Reads whatever was appended since the last poll and hands the samples to `onSample`. */
  async poll(onSample: (s: Sample) => void): Promise<TailResult> {
    const chunkBytes = this.opts.chunkBytes ?? 4 * 1024 * 1024;
    const sliceMs = this.opts.sliceMs ?? 8;
    const maxBytes = this.opts.maxBytesPerPoll ?? 64 * 1024 * 1024;
    const result: TailResult = { bytes: 0, size: this.offset, mtimeMs: this.mtimeMs, dead: false, behind: false };
    if (this.dead) {
      result.dead = true;
      return result;
    }
    let fh: import('node:fs/promises').FileHandle | undefined;
    try {
      fh = await fsp.open(this.path, 'r');
      const st = await fh.stat();
      result.size = st.size;
      result.mtimeMs = this.mtimeMs = st.mtimeMs;
      if (st.size < this.offset) {
        this.error = `${this.path}: the file shrank from ${this.offset} to ${st.size} bytes (rewritten?); it is no longer followed`;
        result.dead = true;
        return result;
      }
      while (this.offset < st.size && result.bytes < maxBytes) {
        const want = Math.min(chunkBytes, st.size - this.offset, maxBytes - result.bytes);
        const chunk = new Uint8Array(want);
        const { bytesRead } = await fh.read(chunk, 0, want, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        result.bytes += bytesRead;
        this.stream.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
        let sliceStart = performance.now();
        while (this.stream.drain(onSample, 128) === 'more') {
          if (performance.now() - sliceStart > sliceMs) {
            await yieldToLoop();
            sliceStart = performance.now();
          }
        }
        if (this.stream.dead) break;
        await yieldToLoop();
      }
      result.behind = !this.stream.dead && this.offset < st.size;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.error = `${this.path}: ${err.code === 'ENOENT' ? 'the file was removed' : err.message}`;
    } finally {
      await fh?.close().catch(() => undefined);
    }
    result.dead = this.dead;
    return result;
  }
}
