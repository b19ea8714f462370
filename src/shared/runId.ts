// The one run-id rule: how every id of a run is made and checked, by the host, the trainer, the CLI, the
// run reader, both protocols and the webview (pure and browser-safe, so the webview bundle can take it).
//
// Run ids are names of run folders, sortable by start time as plain strings (UTC, fixed width), so a
// directory listing sorted by name is already in time order.
//
//   comparison id:    20251125-150312-045-k3f9            (date-time-millis-random)
//   run id:           20251125-150312-045-k3f9-0-radam    (comparison id, index in it, label slug)
//   TensorBoard run:  tb-1a2b3c4d-lightning_logs_version_0 (hash of log directory and run, readable tail)
//
// The random part keeps two comparisons started in the same millisecond (two windows) apart. The
// dashboard shows both kinds; what it accepts on the wire is the wider rule isShownRunId (a safe token:
// never a path), so a run the host names is never refused for its spelling.

const COMPARISON_ID_SOURCE = '\\d{8}-\\d{6}-\\d{3}-[a-z0-9]{4}';
const COMPARISON_ID = new RegExp(`^${COMPARISON_ID_SOURCE}$`);
const RUN_ID = new RegExp(`^(${COMPARISON_ID_SOURCE})-(\\d+)(?:-[a-z0-9-]{1,40})?$`);
/** Any id the dashboard shows (a run's, a TensorBoard run's): a safe token, never a path. */
export const SHOWN_RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function randomTag(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  // Web Crypto: the same global in Node (>= 19) and in the webview.
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(4)), (b) => alphabet[b % alphabet.length]).join('');
}

export function newComparisonId(now: Date = new Date(), tag: string = randomTag()): string {
  const d = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1, 2)}${pad(now.getUTCDate(), 2)}`;
  const t = `${pad(now.getUTCHours(), 2)}${pad(now.getUTCMinutes(), 2)}${pad(now.getUTCSeconds(), 2)}`;
  return `${d}-${t}-${pad(now.getUTCMilliseconds(), 3)}-${tag}`;
}

/** Lower-case ASCII slug of a label ("Adam, warmup 500" -> "adam-warmup-500"), at most 40 chars. */
export function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

export function runIdFor(comparisonId: string, index: number, label: string): string {
  const s = slug(label);
  return s ? `${comparisonId}-${index}-${s}` : `${comparisonId}-${index}`;
}

/** A run id is also a safe folder name: no separators, no dots, nothing outside [a-z0-9-]. */
export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/** A comparison id as newComparisonId makes it. */
export function isComparisonId(id: string): boolean {
  return COMPARISON_ID.test(id);
}

/** Whether `v` may name a run in the dashboard: a run id, a TensorBoard run id, or another safe token (no `..`). */
export function isShownRunId(v: unknown): v is string {
  return typeof v === 'string' && SHOWN_RUN_ID_PATTERN.test(v) && !v.includes('..');
}

/**
 * The dashboard id of run `key` of the TensorBoard log directory `root`: stable for the pair, distinct for
 * two directories with the same run names (FNV-1a of both), with the run's name as a readable tail.
 */
export function tensorBoardRunId(root: string, key: string): string {
  let h = 0x811c9dc5;
  for (const ch of `${root}\u0000${key}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const tail = key.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/\.\.+/g, '_').slice(-80);
  return `tb-${h.toString(16).padStart(8, '0')}-${tail}`.replace(/-$/, '');
}

/** The comparison id and index encoded in a run id, or undefined if it is not one. */
export function parseRunId(id: string): { comparisonId: string; index: number } | undefined {
  const m = RUN_ID.exec(id);
  return m ? { comparisonId: m[1], index: Number(m[2]) } : undefined;
}

/** Start time encoded in a comparison or run id (UTC), or undefined. */
export function timeOfId(id: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})/.exec(id);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
}
