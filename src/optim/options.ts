// An optimizer's options as one table, option name -> default. The constructor fills unset options
// from it, getConfig saves exactly its keys, and fromConfig reads them back by the type of their
// default (SlotOptimizer in base.ts): one list per optimizer, so an option cannot be saved but not
// restored, or restored with a default other than the constructor's. The defaults themselves are the
// run spec's (OPTIMIZER_DEFAULTS in spec.ts), so a default is written in one place for both.

/** Option name -> default value. */
export type OptionTable = Readonly<Record<string, number | boolean>>;

/** The option values of a table (numbers stay numbers, flags stay flags). */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: T[K] extends number ? number : boolean };

/** The table's keys taken from `source` where set (not undefined), the table's default elsewhere. */
export function resolveOptions<T extends OptionTable>(table: T, source: object): OptionValues<T> {
  const s = source as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, dflt] of Object.entries(table)) out[key] = s[key] ?? dflt;
  return out as OptionValues<T>;
}

/**
 * The options of a saved config (JSON: a field may be absent or null). Each value is read as the type of
 * its default, as tfjs's own optimizers read theirs.
 */
export function optionsFromConfig<T extends OptionTable>(table: T, config: Record<string, unknown>): OptionValues<T> {
  const out: Record<string, unknown> = {};
  for (const [key, dflt] of Object.entries(table)) {
    const v = config[key];
    out[key] = v == null ? dflt : typeof dflt === 'boolean' ? Boolean(v) : Number(v);
  }
  return out as OptionValues<T>;
}

/** Only the table's keys of `source`, for saving (getConfig). */
export function optionsOf<T extends OptionTable>(table: T, source: object): OptionValues<T> {
  const s = source as Record<string, unknown>;
  return Object.fromEntries(Object.keys(table).map((key) => [key, s[key]])) as OptionValues<T>;
}
