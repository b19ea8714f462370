// Run ids: names of run folders, sortable by start time as plain strings (UTC, fixed width), so a
// directory listing sorted by name is already in time order.
//
//   comparison id: 20251125-150312-045-k3f9            (date-time-millis-random)
//   run id:        20251125-150312-045-k3f9-0-radam    (comparison id, index in it, label slug)
//
// The random part keeps two comparisons started in the same millisecond (two windows) apart.
import { randomBytes } from 'node:crypto';

const RUN_ID = /^(\d{8}-\d{6}-\d{3}-[a-z0-9]{4})-(\d+)(?:-[a-z0-9-]{1,40})?$/;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function randomTag(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(4), (b) => alphabet[b % alphabet.length]).join('');
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
