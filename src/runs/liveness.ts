// Is the process that owns a `running` run still that process? One answer for every reader: the CLI's
// `list`, the dashboard and the extension's activation (src/runs/recover.ts, reconcileRun).
//
// A pid alone is not enough: after a crash the pid can be reused by an unrelated process, and the run
// would look alive for ever. On Linux a process is identified by the boot id and its start time
// (field 22 of /proc/<pid>/stat, in clock ticks since boot); run.json records both as `processStart`.
import * as fs from 'node:fs';

export type Liveness = 'alive' | 'dead' | 'reused';

let bootId: string | null | undefined;
function readBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** Start time of a process in clock ticks since boot (Linux), or undefined. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 overall: 2 fields before the split point + index 19
  } catch {
    return undefined;
  }
}

/** "<boot id>/<start ticks>" of a process (Linux), or undefined where /proc is not available. */
export function processStartOf(pid: number): string | undefined {
  const boot = readBootId();
  const ticks = startTicks(pid);
  return boot && ticks ? `${boot}/${ticks}` : undefined;
}

export function currentProcessStart(): string | undefined {
  return processStartOf(process.pid);
}

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process recorded in a run (pid, processStart) is still running. */
export function processLiveness(pid: unknown, processStart: unknown): Liveness {
  if (typeof pid !== 'number' || !isPidAlive(pid)) return 'dead';
  if (typeof processStart !== 'string') return 'alive'; // older runs: the pid is all we have
  const now = processStartOf(pid);
  if (now === undefined) return 'alive'; // cannot tell (no /proc): trust the pid
  return now === processStart ? 'alive' : 'reused';
}
