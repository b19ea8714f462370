// Command-line parsing for radam-lab (pure: argv in, options or a usage error out; no tfjs here).
// The flags that set a run spec field are declared with that field (src/runSpec/schema.ts: flag, help,
// default, range), so `--help`, the parser and the checks come from one place; the flags of the CLI
// itself (--spec, --compare, --out, ...) are the tables CLI_FLAGS_BEFORE/AFTER below.
import { MAX_THREADS, parseThreadOverride, type ThreadOverride } from '../shared/threads';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optim/types';
import { defaultsOf, leaves, type Leaf } from '../runSpec/fields';
import { FlagError, parseFlagValue, specFileProblems, type SpecProblem } from '../runSpec/rules';
import { fieldDefault, RunSpecFields } from '../runSpec/schema';
import type { ComparisonSpec, RunSpec } from '../runSpec/runSpec';

/** Flags of the CLI that are not run spec fields: [flag with its argument, help]. */
const CLI_FLAGS_BEFORE: ReadonlyArray<[string, string]> = [
  ['--spec FILE', 'a RunSpec or ComparisonSpec as JSON (see README, "Run spec")'],
  ['--compare NAMES', 'also train these optimizers in lockstep, e.g. --compare adam,sgd-momentum'],
];
const CLI_FLAGS_AFTER: ReadonlyArray<[string, string]> = [
  ['--no-watch', 'skip gradient norms, update ratios and histograms'],
  ['--threads N|auto', 'TensorFlow intra-op threads; auto: by model size and cores (default auto)'],
  ['--out DIR', 'runs folder (default ./.radam/runs)'],
  ['--json', 'print one line of JSON on stdout (the summary)'],
  ['--quiet', 'no progress bar'],
  ['-h, --help', ''],
];

/** The run spec fields that have a flag, in the declaration's order. */
const FIELD_FLAGS: ReadonlyArray<[path: string, leaf: Leaf]> = leaves(RunSpecFields).filter(([, l]) => l.doc.flag);

const COL = 23;
const DEFAULT_COL = 76;

/**
 * One option of --help: the flag, its words (a list of choices wrapped at " | " under the words' column),
 * its default at the right (`(default X)`, read back by test/unit/docs/readme.test.ts).
 */
function helpLines(flag: string, chunks: readonly string[], tail?: string): string[] {
  const lines: string[] = [];
  let line = `  ${flag} `.padEnd(COL);
  chunks.forEach((chunk, i) => {
    const piece = i === 0 ? chunk : ` ${chunk}`;
    if (i > 0 && line.length + piece.length > DEFAULT_COL - 2) {
      lines.push(line.trimEnd());
      line = ' '.repeat(COL) + chunk;
    } else line += piece;
  });
  if (tail !== undefined) line = `${line.padEnd(DEFAULT_COL - 1)} ${tail}`;
  lines.push(line.trimEnd());
  return lines;
}

function fieldHelp(leaf: Leaf): string[] {
  const d = leaf.doc;
  const choices = (leaf.range.enum ?? []).map((c, i, all) => (i < all.length - 1 ? `${String(c)} |` : String(c)));
  const chunks = [...choices, ...(d.help ? [choices.length ? `(${d.help})` : d.help] : [])];
  const dflt = d.default === undefined || d.default === '' ? undefined : Array.isArray(d.default) ? d.default.join(',') : String(d.default);
  return helpLines(`${d.flag} ${d.flagArg ?? 'X'}`, chunks, d.helpDefault ? `(${d.helpDefault})` : dflt !== undefined ? `(default ${dflt})` : undefined);
}

export const USAGE = [
  'Usage:',
  '  radam-lab train [--spec FILE] [options]    train, write the run(s) to --out, print a summary',
  '  radam-lab list [--out DIR] [--json]        list the runs in DIR',
  '  radam-lab inspect LOGDIR [--json]          what the dashboard reads from a TensorBoard log folder:',
  '                                             tags, steps, loss tag, rho_t source, skipped records',
  '',
  "Training options (override the spec file's fields when --spec is given):",
  ...CLI_FLAGS_BEFORE.flatMap(([f, h]) => helpLines(f, [h])),
  ...FIELD_FLAGS.flatMap(([, l]) => fieldHelp(l)),
  ...CLI_FLAGS_AFTER.flatMap(([f, h]) => helpLines(f, [h])),
].join('\n');

export interface TrainArgs {
  command: 'train';
  specFile?: string;
  overrides: Overrides;
  out: string;
  json: boolean;
  quiet: boolean;
  watch: boolean;
  /** TensorFlow intra-op threads (src/shared/threads.ts): auto, or a fixed count. */
  threads: ThreadOverride;
}
export interface ListArgs {
  command: 'list';
  out: string;
  json: boolean;
}
export interface InspectArgs {
  command: 'inspect';
  logdir: string;
  json: boolean;
}
export type CliArgs = TrainArgs | ListArgs | InspectArgs | { command: 'help' };

export interface Overrides {
  optimizer?: OptimizerName;
  compare?: OptimizerName[];
  /** Run spec fields set by their flags: path (`optimizer.learningRate`) -> value. */
  fields: Record<string, unknown>;
}

export class UsageError extends Error {}

/**
 * A flag's value, checked by the rule of the RunSpec field it sets (src/runSpec/rules.ts): the same type and
 * range as the setting (package.json) or the spec file, so every entry point accepts the same values.
 */
function flagValue<T>(name: string, value: string): T {
  try {
    return parseFlagValue(name, value) as T;
  } catch (e) {
    if (e instanceof FlagError) throw new UsageError(e.message);
    throw e;
  }
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const args = [...argv];
  const command = args.shift();
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command !== 'train' && command !== 'list' && command !== 'inspect') throw new UsageError(`unknown command "${command}" (expected train, list or inspect)`);
  if (command === 'inspect') return parseInspect(args);
  const o: Overrides = { fields: {} };
  let specFile: string | undefined;
  let out = '.radam/runs';
  let json = false;
  let quiet = false;
  let watch = true;
  let threads: ThreadOverride = 'auto';
  while (args.length) {
    const raw = args.shift() as string;
    // --flag=value and --flag value
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined) throw new UsageError(`${flag}: missing value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { command: 'help' };
      case '--json': json = true; break;
      case '--quiet': quiet = true; break;
      case '--no-watch': watch = false; break;
      case '--threads': {
        const v = value();
        const t = parseThreadOverride(v);
        if (t === null) throw new UsageError(`--threads: expected auto or an integer in [1, ${MAX_THREADS}], got "${v}"`);
        threads = t;
        break;
      }
      case '--out': out = value(); break;
      case '--spec': specFile = value(); break;
      case '--optimizer': o.optimizer = flagValue<OptimizerName>('--optimizer', value()); break;
      case '--compare': {
        const v = value();
        const names = v.split(',').map((n) => n.trim());
        if (names.some((n) => n === '')) throw new UsageError(`--compare: expected optimizer names separated by commas (${OPTIMIZER_NAMES.join(', ')}), got ${JSON.stringify(v)}`);
        o.compare = names.map((n) => flagValue<OptimizerName>('--optimizer', n));
        break;
      }
      default: {
        // A run spec field's flag (schema.ts).
        const field = FIELD_FLAGS.find(([, l]) => l.doc.flag === flag);
        if (!field) throw new UsageError(`unknown option "${raw}"`);
        o.fields[field[0]] = flagValue(flag, value());
      }
    }
  }
  if (command === 'list') return { command: 'list', out, json };
  return { command: 'train', specFile, overrides: o, out, json, quiet, watch, threads };
}

/** inspect LOGDIR [--json]: one folder, one flag (a path starting with "-" can be given after "--"). */
function parseInspect(args: string[]): CliArgs {
  let logdir: string | undefined;
  let json = false;
  let operandsOnly = false;
  for (const a of args) {
    if (!operandsOnly && (a === '-h' || a === '--help')) return { command: 'help' };
    if (!operandsOnly && a === '--json') json = true;
    else if (!operandsOnly && a === '--') operandsOnly = true;
    else if (!operandsOnly && a.startsWith('-')) throw new UsageError(`inspect: unknown option "${a}" (expected --json)`);
    else if (logdir !== undefined) throw new UsageError(`inspect: one LOGDIR expected, got "${logdir}" and "${a}"`);
    else logdir = a;
  }
  if (logdir === undefined) throw new UsageError('inspect: missing LOGDIR (a TensorBoard log folder)');
  return { command: 'inspect', logdir, json };
}

/** The run spec used when no --spec file is given: the declared defaults (those of the extension's untouched settings). */
export function defaultRunSpec(): RunSpec {
  return defaultsOf(RunSpecFields) as RunSpec;
}

const LABELS: Record<string, string> = {
  radam: 'RAdam',
  adam: 'Adam',
  adamw: 'AdamW',
  'sgd-momentum': 'SGD (momentum)',
  'adam-2k': 'Adam-2k',
  'adam-eps': 'Adam-eps',
};

/** Applies flag overrides to every run of a comparison (a spec file's or the default). */
export function applyOverrides(base: ComparisonSpec, o: Overrides): ComparisonSpec {
  const runs = base.runs.map((r): RunSpec => {
    const run = structuredClone(r) as RunSpec & Record<string, Record<string, unknown>>;
    for (const [path, value] of Object.entries(o.fields)) {
      const [group, key] = path.split('.');
      if (key === undefined) (run as Record<string, unknown>)[group] = value;
      else run[group][key] = value;
    }
    if (run.dataset.name === 'csv') run.dataset.csvLabelColumn ??= fieldDefault<string>('dataset.csvLabelColumn');
    return run;
  });
  let result: ComparisonSpec = { ...base, runs };
  if (o.optimizer !== undefined) {
    result = { ...result, runs: result.runs.map((r, i) => (i === 0 ? { ...r, label: LABELS[o.optimizer!], optimizer: { ...r.optimizer, name: o.optimizer! } } : r)) };
  }
  if (o.compare?.length) {
    const first = result.runs[0];
    const { rectificationThreshold: _t, degeneratedToSgd: _d, ...shared } = first.optimizer;
    const extra = o.compare.map((name): RunSpec => ({
      ...first,
      label: LABELS[name],
      optimizer: name === 'radam' ? { ...first.optimizer, name } : { ...shared, name },
    }));
    result = { kind: 'compare-adam', runs: [...result.runs, ...extra] };
  }
  return result;
}

/** A spec file that breaks the rules (src/runSpec/rules.ts): every problem, each naming its key path. */
export class SpecFileError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'SpecFileError';
  }
}

/**
 * A spec file holds a RunSpec or a ComparisonSpec; either way a comparison comes out. Checked first:
 * unknown keys, wrong shapes and out-of-range values throw SpecFileError (nothing is silently replaced
 * by a default); fields left out take the defaults.
 */
export function comparisonFromFile(value: unknown): ComparisonSpec {
  const problems = specFileProblems(value);
  if (problems.length) throw new SpecFileError(problems);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.runs)) {
    const c = value as ComparisonSpec;
    return { kind: c.kind ?? (c.runs.length > 1 ? 'compare-adam' : 'single'), runs: c.runs.map(fillRun) };
  }
  return { kind: 'single', runs: [fillRun(value)] };
}

/** Missing fields of a RunSpec from a file take the defaults (a spec file may be partial). */
function fillRun(value: unknown): RunSpec {
  const d = defaultRunSpec();
  const r = value as Partial<RunSpec>;
  return {
    ...d,
    ...r,
    optimizer: { ...d.optimizer, ...(r.optimizer ?? {}) },
    dataset: { ...d.dataset, ...(r.dataset ?? {}) },
    model: { ...d.model, ...(r.model ?? {}) },
    metrics: { ...d.metrics, ...(r.metrics ?? {}) },
    label: r.label ?? LABELS[r.optimizer?.name ?? 'radam'] ?? String(r.optimizer?.name),
  };
}
