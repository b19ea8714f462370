// A TensorBoard log directory: its runs (found by eventFiles.ts), the writers of each, and reading their
// event files as they grow.
//
// Files of one run are read in the order eventFiles.ts sorts them (by the time in their name, then by
// name), so a writer that was restarted (a new file, later time) follows its predecessor and, through
// preemption (series.ts), its values win from the step it restarted at.
// Two writers at once in one directory (one SummaryWriter per rank under DDP, or two processes by
// mistake) are not a restart: their records interleave in time. The files of a directory are split into
// lanes by their wall-time spans (first to last event): in start order, a file joins the first lane whose
// last event is not later than the file's first event, else it starts a new lane. A lane is one writer
// over time (with its restarts) and is shown as a run of its own, labelled with the writer's host.pid,
// when there are several. The split is recomputed on every poll, because a live writer's span is only
// known as it flushes (PyTorch flushes every 120 s by default: two ranks can look sequential until
// then); when it changes, the directory's lanes are rebuilt by reading its files again (`rebuilds`).
// File modification times are not used: a fresh clone or a copy gives every file the same one.
import * as path from 'node:path';
import { EventFileTail, type StreamStats, type TailOptions } from './eventFile';
import { compareEventFiles, discoverEventFiles, parseEventFileName, type DiscoverOptions } from './eventFiles';
import { WriterSeries } from './series';

/** One writer's sequence of event files in a run directory. */
class Lane {
  readonly series = new WriterSeries();
  readonly tails: EventFileTail[] = [];
  constructor(
    readonly index: number,
    readonly writer: string,
  ) {}
}

/** A file's wall-time span: its first and last event (the writer start in its name when it has none). */
function span(t: EventFileTail): [number, number] {
  const named = parseEventFileName(path.basename(t.path)).time ?? 0;
  const first = t.stream.firstWallTime ?? named;
  return [first, Math.max(first, t.stream.lastWallTime ?? first)];
}

/**
 * Lane of each file (files given in start order): the first lane whose last event is not after the
 * file's first event. Returns lane numbers parallel to `tails`.
 */
export function assignLanes(spans: readonly (readonly [number, number])[]): number[] {
  const ends: number[] = [];
  return spans.map(([first, last]) => {
    let lane = ends.findIndex((end) => end <= first);
    if (lane < 0) lane = ends.push(last) - 1;
    else ends[lane] = Math.max(ends[lane], last);
    return lane;
  });
}

interface DirState {
  rel: string;
  lanes: Lane[];
  files: Map<string, { tail: EventFileTail; lane: Lane }>;
}

const laneKey = (d: DirState, lane: Lane): string => (lane.index === 0 ? d.rel : `${d.rel}#${lane.index}`);

/** A run as the reader presents it. */
export interface LogRun {
  /** Unique within the log directory: the relative directory, plus "#<lane>" for a second writer. */
  key: string;
  /** The run directory relative to the log directory ("." for the log directory itself). */
  dir: string;
  label: string;
  /** The writer (host.pid) when the directory holds several concurrent writers. */
  writer?: string;
  series: WriterSeries;
  files: string[];
  /** Why files of this run stopped being read. */
  errors: string[];
  stats: StreamStats;
}

export interface PollReport {
  /** Runs whose data changed in this poll (including new ones). */
  changed: string[];
  /** Runs seen for the first time. */
  added: string[];
  /** Runs whose data was rebuilt from scratch (their series object is new): re-send them whole. */
  replaced: string[];
  /** Runs that no longer exist (a rebuild merged their writer into another lane). */
  removed: string[];
  /** Errors that appeared in this poll (one per file). */
  errors: string[];
  bytes: number;
  /** Some file had more new bytes than one poll reads: poll again soon. */
  behind: boolean;
}

export interface LogdirOptions extends TailOptions, DiscoverOptions {}

/** Reads every run of one log directory; call `poll()` repeatedly to follow it live. */
export class LogdirReader {
  private readonly dirs = new Map<string, DirState>();
  private readonly reported = new Set<string>();
  private polling: Promise<PollReport> | undefined;
  /** Times a directory's lanes were rebuilt because its writers turned out to overlap (or not). */
  rebuilds = 0;

  constructor(
    readonly root: string,
    private readonly opts: LogdirOptions = {},
  ) {}

  /** Discovers new files and reads what was appended since the last poll. Concurrent calls share one poll. */
  poll(): Promise<PollReport> {
    this.polling ??= this.pollOnce().finally(() => (this.polling = undefined));
    return this.polling;
  }

  runs(): LogRun[] {
    const out: LogRun[] = [];
    for (const d of this.dirs.values()) {
      for (const lane of d.lanes) out.push(this.view(d, lane));
    }
    return out;
  }

  run(key: string): LogRun | undefined {
    return this.runs().find((r) => r.key === key);
  }

  private view(d: DirState, lane: Lane): LogRun {
    const base = path.basename(path.resolve(this.root));
    const name = d.rel === '.' ? base : `${base}/${d.rel.split(path.sep).join('/')}`;
    const several = d.lanes.length > 1;
    const stats: StreamStats = { records: 0, events: 0, badDataCrc: 0, badProto: 0, nanWallTime: 0, otherValues: 0, scalars: 0, histograms: 0 };
    const errors: string[] = [];
    for (const t of lane.tails) {
      for (const k of Object.keys(stats) as (keyof StreamStats)[]) stats[k] += t.stream.stats[k];
      const err = t.error ?? t.stream.dead;
      if (err) errors.push(err);
    }
    return {
      key: laneKey(d, lane),
      dir: d.rel,
      label: several ? `${name} [${lane.writer}]` : name,
      writer: several ? lane.writer : undefined,
      series: lane.series,
      files: lane.tails.map((t) => t.path),
      errors,
      stats,
    };
  }

  private async pollOnce(): Promise<PollReport> {
    const report: PollReport = { changed: [], added: [], replaced: [], removed: [], errors: [], bytes: 0, behind: false };
    const found = await discoverEventFiles(this.root, this.opts);
    const before = new Map<string, { series: WriterSeries; revision: number }>();
    for (const d of this.dirs.values()) for (const l of d.lanes) before.set(laneKey(d, l), { series: l.series, revision: l.series.revision });
    for (const [rel, files] of found) {
      let d = this.dirs.get(rel);
      if (!d) this.dirs.set(rel, (d = { rel, lanes: [], files: new Map() }));
      // Files already assigned, in their order.
      for (const f of files) {
        const known = d.files.get(f);
        if (!known) continue;
        const r = await known.tail.poll((s) => known.lane.series.add(s));
        report.bytes += r.bytes;
        report.behind ||= r.behind;
      }
      // New files: each joins a lane as soon as its first event is read (the first lane whose last event
      // is not after it, else a new lane) and is read straight into it.
      for (const f of files) {
        if (d.files.has(f)) continue;
        const dir = d;
        const tail = new EventFileTail(f, this.opts);
        let lane: Lane | undefined;
        const join = (): Lane => {
          const start = span(tail)[0];
          let l = dir.lanes.find((x) => x.tails.every((t) => span(t)[1] <= start));
          if (!l) {
            l = new Lane(dir.lanes.length, parseEventFileName(path.basename(f)).writer);
            dir.lanes.push(l);
          }
          l.tails.push(tail);
          dir.files.set(f, { tail, lane: l });
          return l;
        };
        const r = await tail.poll((s) => (lane ??= join()).series.add(s));
        lane ??= join();
        report.bytes += r.bytes;
        report.behind ||= r.behind;
      }
      // Check against the split by the files' whole spans (assignLanes): a file in another lane, or a
      // lane whose files are out of start order, means the directory is read again.
      const present = files.filter((f) => d.files.has(f));
      const spans = present.map((f) => span(d.files.get(f)!.tail));
      const order = present.map((_, i) => i).sort((a, b) => spans[a][0] - spans[b][0] || compareEventFiles(present[a], present[b]));
      const laneNo = new Map<string, number>();
      const rank = new Map<string, number>();
      assignLanes(order.map((i) => spans[i])).forEach((lane, k) => {
        laneNo.set(present[order[k]], lane);
        rank.set(present[order[k]], k);
      });
      let keep = true;
      // (A file that was deleted keeps what was read from it and takes no part.)
      for (const [f, { lane }] of d.files) if (laneNo.has(f) && laneNo.get(f) !== lane.index) keep = false;
      for (const lane of d.lanes) {
        let prev = -1;
        for (const t of lane.tails) {
          const k = rank.get(t.path);
          if (k === undefined) continue;
          if (k < prev) keep = false;
          prev = k;
        }
      }
      if (!keep) {
        // Read the directory again into new lanes (the split changed as live writers flushed).
        this.rebuilds++;
        d.lanes = [];
        d.files = new Map();
        for (const k of order) {
          const f = present[k];
          const n = laneNo.get(f)!;
          while (d.lanes.length <= n) d.lanes.push(new Lane(d.lanes.length, ''));
          const lane = d.lanes[n];
          if (!lane.tails.length) (lane as { writer: string }).writer = parseEventFileName(path.basename(f)).writer;
          const tail = new EventFileTail(f, this.opts);
          const r = await tail.poll((s) => lane.series.add(s));
          report.bytes += r.bytes;
          report.behind ||= r.behind;
          lane.tails.push(tail);
          d.files.set(f, { tail, lane });
        }
      }
      for (const lane of d.lanes) {
        const key = laneKey(d, lane);
        const was = before.get(key);
        before.delete(key);
        if (!was) {
          report.added.push(key);
          report.changed.push(key);
        } else if (was.series !== lane.series) {
          report.replaced.push(key);
          report.changed.push(key);
        } else if (was.revision !== lane.series.revision) report.changed.push(key);
        for (const t of lane.tails) {
          const err = t.error ?? t.stream.dead;
          if (err && !this.reported.has(t.path)) {
            this.reported.add(t.path);
            report.errors.push(err);
          }
        }
      }
    }
    // Lanes that a rebuild merged away (only keys of directories seen in this poll).
    for (const key of before.keys()) if (!this.runs().some((r) => r.key === key)) report.removed.push(key);
    return report;
  }
}
