// Which event files a TensorBoard log directory holds, grouped into runs, and what their names say.
//
// Runs. As TensorBoard does (tensorboard/data/server/disk_logdir.rs): every directory under the log
// directory that holds a file whose name contains "tfevents" is a run, named by its path relative to the
// log directory ("." for the log directory itself). So Lightning's `lightning_logs/version_0`, Hugging
// Face's `runs/<date>_<host>`, and PyTorch `add_scalars`' per-tag folders (`loss_train`, `loss_val`) each
// become a run.
//
// Event file names are `events.out.tfevents.<unix seconds>.<host>.<pid>.<n>[suffix]`: a run's files are
// sorted by that time, then by name (logdir.ts reads them in that order).
import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';

export const EVENT_FILE_INFIX = 'tfevents';

export function isEventFileName(name: string): boolean {
  return name.includes(EVENT_FILE_INFIX);
}

/** The writer's start time (unix seconds) and identity (host.pid) from an event file's name. */
export function parseEventFileName(name: string): { time: number | undefined; writer: string } {
  const m = /tfevents\.(\d+(?:\.\d+)?)\.(.*)$/.exec(name);
  if (!m) return { time: undefined, writer: name };
  const parts = m[2].split('.');
  // <host may contain dots>.<pid>.<n>[suffix]: keep everything up to the pid.
  let writer = m[2];
  for (let i = parts.length - 1; i >= 1; i--) {
    if (/^\d+$/.test(parts[i]) && /^\d+$/.test(parts[i - 1] ?? '')) {
      writer = parts.slice(0, i).join('.');
      break;
    }
  }
  return { time: Number(m[1]), writer };
}

/** Sort order of the event files of one directory: writer start time, then name. */
export function compareEventFiles(a: string, b: string): number {
  const ta = parseEventFileName(path.basename(a)).time ?? Infinity;
  const tb = parseEventFileName(path.basename(b)).time ?? Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface DiscoverOptions {
  maxDepth?: number;
  /** Stop after visiting this many directories (a log directory pointed at a home folder by mistake). */
  maxDirectories?: number;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '__pycache__']);

/** Event files under `root`, grouped by run (directory relative to root, "." for root itself). */
export async function discoverEventFiles(root: string, opts: DiscoverOptions = {}): Promise<Map<string, string[]>> {
  const maxDepth = opts.maxDepth ?? 12;
  let budget = opts.maxDirectories ?? 20_000;
  const runs = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (budget-- <= 0) return;
    let real: string;
    let entries: Dirent[];
    try {
      real = await fsp.realpath(dir);
      if (seen.has(real)) return;
      seen.add(real);
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return; // absent (not yet created by the writer), unreadable: nothing here yet
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const p = path.join(dir, e.name);
      let isFile = e.isFile();
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        try {
          const st = await fsp.stat(p);
          isFile = st.isFile();
          isDir = st.isDirectory();
        } catch {
          continue;
        }
      }
      if (isFile && isEventFileName(e.name)) {
        const rel = path.relative(root, dir) || '.';
        const list = runs.get(rel) ?? [];
        list.push(p);
        runs.set(rel, list);
      } else if (isDir && depth < maxDepth && !SKIP_DIRS.has(e.name)) {
        subdirs.push(p);
      }
    }
    for (const d of subdirs) await walk(d, depth + 1);
  };
  await walk(root, 0);
  for (const list of runs.values()) list.sort(compareEventFiles);
  return runs;
}
