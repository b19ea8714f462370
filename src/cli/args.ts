// Command-line parsing for radam-lab (pure: argv in, options or a usage error out; no tfjs here).
import { MAX_THREADS, parseThreadOverride, type ThreadOverride } from '../shared/threads';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optim/types';
import { FlagError, parseFlagValue, specFileProblems, type SpecProblem } from '../runSpec/rules';
import { DEFAULT_METRICS, type Activation, type ComparisonSpec, type DatasetName, type ModelName, type RunSpec } from '../runSpec/runSpec';

export const USAGE = `Usage:
  radam-lab train [--spec FILE] [options]    train, write the run(s) to --out, print a summary
  radam-lab list [--out DIR] [--json]        list the runs in DIR
  radam-lab inspect LOGDIR [--json]          what the dashboard reads from a TensorBoard log folder:
                                             tags, steps, loss tag, rho_t source, skipped records

Training options (override the spec file's fields when --spec is given):
  --spec FILE          a RunSpec or ComparisonSpec as JSON (see README, "Run spec")
  --optimizer NAME     ${OPTIMIZER_NAMES.join(' | ')}            (default radam)
  --compare NAMES      also train these optimizers in lockstep, e.g. --compare adam,sgd-momentum
  --dataset NAME       spiral | moons | xor | sine | digits | csv |
                       reverse | sort | copy-shift (token sequences)        (default spiral)
  --csv FILE           csv dataset file (relative to the current directory)
  --label-column NAME  csv label column                                    (default label)
  --samples N          examples to generate / take                         (dataset default)
  --validation-split F fraction held out for validation                    (default 0.2)
  --model NAME         mlp | cnn | transformer (sequence sets; sizes: --spec)  (default mlp)
  --hidden N,N         hidden layer sizes of the mlp                       (default 64,64)
  --activation NAME    relu | tanh | sigmoid | elu | gelu                  (default relu)
  --steps N            optimizer steps                                     (default 1000)
  --batch-size N                                                           (default 32)
  --lr X               learning rate                                       (default 0.001)
  --beta2 X            second-moment decay                                 (default 0.999)
  --seed N                                                                 (default 42)
  --histogram-every N  gradient histogram every N steps, 0 = never         (default 10)
  --validation-every N validation every N steps, 0 = at the end only       (default 50)
  --no-watch           skip gradient norms, update ratios and histograms
  --threads N|auto     TensorFlow intra-op threads; auto: by model size and cores (default auto)
  --out DIR            runs folder                                         (default ./.radam/runs)
  --json               print one line of JSON on stdout (the summary)
  --quiet              no progress bar
  -h, --help`;

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
  dataset?: DatasetName;
  csv?: string;
  labelColumn?: string;
  samples?: number;
  validationSplit?: number;
  model?: ModelName;
  hidden?: number[];
  activation?: Activation;
  steps?: number;
  batchSize?: number;
  lr?: number;
  beta2?: number;
  seed?: number;
  histogramEvery?: number;
  validationEvery?: number;
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
  const o: Overrides = {};
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
      case '--dataset': o.dataset = flagValue<DatasetName>('--dataset', value()); break;
      case '--csv': o.csv = flagValue<string>('--csv', value()); break;
      case '--label-column': o.labelColumn = flagValue<string>('--label-column', value()); break;
      case '--samples': o.samples = flagValue<number>('--samples', value()); break;
      case '--validation-split': o.validationSplit = flagValue<number>('--validation-split', value()); break;
      case '--model': o.model = flagValue<ModelName>('--model', value()); break;
      case '--hidden': o.hidden = flagValue<number[]>('--hidden', value()); break;
      case '--activation': o.activation = flagValue<Activation>('--activation', value()); break;
      case '--steps': o.steps = flagValue<number>('--steps', value()); break;
      case '--batch-size': o.batchSize = flagValue<number>('--batch-size', value()); break;
      case '--lr': o.lr = flagValue<number>('--lr', value()); break;
      case '--beta2': o.beta2 = flagValue<number>('--beta2', value()); break;
      case '--seed': o.seed = flagValue<number>('--seed', value()); break;
      case '--histogram-every': o.histogramEvery = flagValue<number>('--histogram-every', value()); break;
      case '--validation-every': o.validationEvery = flagValue<number>('--validation-every', value()); break;
      default:
        throw new UsageError(`unknown option "${raw}"`);
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

/** The run spec used when no --spec file is given (the extension's default settings). */
export function defaultRunSpec(): RunSpec {
  return {
    label: 'RAdam',
    optimizer: { name: 'radam', learningRate: 1e-3, schedule: { kind: 'constant' } },
    dataset: { name: 'spiral', validationSplit: 0.2 },
    model: { name: 'mlp', hiddenLayers: [64, 64], activation: 'relu' },
    steps: 1000,
    batchSize: 32,
    seed: 42,
    metrics: { ...DEFAULT_METRICS },
  };
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
    const optimizer = { ...r.optimizer };
    if (o.lr !== undefined) optimizer.learningRate = o.lr;
    if (o.beta2 !== undefined) optimizer.beta2 = o.beta2;
    const dataset = { ...r.dataset };
    if (o.dataset !== undefined) dataset.name = o.dataset;
    if (o.csv !== undefined) dataset.csvPath = o.csv;
    if (o.labelColumn !== undefined) dataset.csvLabelColumn = o.labelColumn;
    if (o.samples !== undefined) dataset.samples = o.samples;
    if (o.validationSplit !== undefined) dataset.validationSplit = o.validationSplit;
    if (dataset.name === 'csv') dataset.csvLabelColumn ??= 'label';
    const model = { ...r.model };
    if (o.model !== undefined) model.name = o.model;
    if (o.hidden !== undefined) model.hiddenLayers = o.hidden;
    if (o.activation !== undefined) model.activation = o.activation;
    const metrics = { ...r.metrics };
    if (o.histogramEvery !== undefined) metrics.histogramEvery = o.histogramEvery;
    if (o.validationEvery !== undefined) metrics.validationEvery = o.validationEvery;
    return {
      ...r,
      optimizer,
      dataset,
      model,
      metrics,
      ...(o.steps !== undefined ? { steps: o.steps } : {}),
      ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
    };
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
