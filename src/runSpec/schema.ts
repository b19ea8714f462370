// THE declaration of a run: every field of a RunSpec and a ComparisonSpec with its type, range, default and
// words, and where it has them its setting id (`radam.*`) and CLI flag; and the settings that are not run
// fields (threads, the comparison commands' lists, TensorBoard). Everything else is made from it:
//   - the TypeScript types (`v.InferOutput`, exported by runSpec.ts and optim/types.ts),
//   - package.json's contributes.configuration (`npm run gen:manifest`; test/unit/runSpec/manifest.test.ts
//     fails when package.json differs), and the README's settings table from that,
//   - the checks of settings (fromSettings.ts), spec files and flags (rules.ts), the engine's check on
//     receipt (validateComparison.ts) and createOptimizer's (optim/spec.ts), and `radam-lab --help`,
//   - the defaults: of a spec file's missing fields, of the CLI, of the optimizers (optim/spec.ts).
// Why TS is the source and package.json generated: the types can then be inferred, and one file says all
// there is to know about a field. The extension validates with this declaration too (not the manifest it
// shipped with): the same object in the host, the trainer and the CLI, and no file to find at run time.
//
// Why one long file (over 500 lines, most of them descriptions): it is a table, read entry by entry, and
// splitting it would put a field's range in one file and its setting or flag in another again.
//
// To add a setting: one entry here (with `setting`, and `flag` if the CLI should have it), its use, then
// `npm run gen:manifest` (docs/architecture.md, "add a setting").
import type * as v from 'valibot';
import { DECAY_KINDS, OPTIMIZER_NAMES, SCHEDULE_KINDS } from '../optim/types';
import { boolean, group, integer, leaves, list, listOf, number, oneOf, optional, optionalGroup, text, tuple, type Leaf } from './fields';

/** Synthetic token-sequence tasks (per-token classification), for the `transformer` model. */
export const SEQUENCE_DATASETS = ['reverse', 'sort', 'copy-shift'] as const;
export const DATASET_NAMES = ['spiral', 'moons', 'xor', 'sine', 'digits', 'csv', ...SEQUENCE_DATASETS] as const;
export const MODEL_NAMES = ['mlp', 'cnn', 'transformer'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'gelu'] as const;
export const COMPARISON_KINDS = ['single', 'compare-adam', 'compare-warmup', 'lr-sweep'] as const;

const TRANSFORMER_ONLY = { path: 'model.name', values: ['transformer'] } as const;
const SEQUENCES_ONLY = { path: 'dataset.name', values: SEQUENCE_DATASETS } as const;
const CSV_ONLY = { path: 'dataset.name', values: ['csv'] } as const;
const STEPS_MAX = 1_000_000;

export const ScheduleFields = group({
  kind: oneOf(SCHEDULE_KINDS, { description: 'Warmup shape (src/optim/types.ts, ScheduleSpec).' }),
  warmupSteps: optional(number({ exclusiveMinimum: 0, maximum: STEPS_MAX }, { description: 'Warmup length for `linear-warmup` / `exponential-warmup` (required there).' })),
  decay: optional(oneOf(DECAY_KINDS, { description: 'Decay after warmup; default `none`.' })),
  decaySteps: optional(number({ exclusiveMinimum: 0, maximum: STEPS_MAX }, { description: 'Length of the decay phase in steps (required when decay is not `none`).' })),
  decayStart: optional(number({ minimum: 0, maximum: STEPS_MAX }, { description: 'Step after which the decay begins; default: the warmup length.' })),
  finalScale: optional(number({ minimum: 0, maximum: 1 }, { description: 'Multiplier reached at the end of the decay; default 0.' })),
});

/**
 * The optimizer part of a run spec. Every field but `name` is optional; a missing one takes the default
 * declared here, or the optimizer name's own (OPTIMIZER_NAME_DEFAULTS below).
 */
export const OptimizerFields = group({
  name: oneOf(OPTIMIZER_NAMES, { default: 'radam', description: 'The optimizer.', flag: '--optimizer', flagArg: 'NAME' }),
  learningRate: optional(
    number(
      { exclusiveMinimum: 0, maximum: 10 },
      {
        default: 1e-3,
        inDefaults: true,
        setting: 'radam.optimizer.learningRate',
        order: 1,
        flag: '--lr',
        flagArg: 'X',
        help: 'learning rate',
        domain: { minimum: 0 },
        description:
          'Base learning rate (alpha) of RAdam and of the baselines it is compared with. RAdam is robust to this choice; try `0.01` or `0.03` to see plain Adam become unstable while RAdam does not. Schedules scale it step by step.',
      },
    ),
  ),
  beta1: optional(
    number(
      { minimum: 0, exclusiveMaximum: 1 },
      {
        default: 0.9,
        setting: 'radam.optimizer.beta1',
        order: 2,
        domain: { minimum: 0, exclusiveMaximum: 1 },
        description: 'Decay rate of the first moment (momentum) `m_t`. The default `0.9` suits almost every case.',
      },
    ),
  ),
  beta2: optional(
    number(
      { minimum: 0, exclusiveMaximum: 1 },
      {
        default: 0.999,
        setting: 'radam.optimizer.beta2',
        order: 3,
        domain: { minimum: 0, exclusiveMaximum: 1 },
        flag: '--beta2',
        flagArg: 'X',
        help: 'second-moment decay',
        description:
          'Decay rate of the second moment `v_t`. Sets `rho_inf = 2/(1-beta2) - 1` and so how long RAdam stays in its un-adapted momentum phase (about 5 steps at `0.999`) and how long the "untuned" Adam warmup is (`2/(1-beta2)` = 2000 steps at `0.999`). Lower it (e.g. `0.99`) for shorter memory.',
      },
    ),
  ),
  epsilon: optional(
    number(
      { exclusiveMinimum: 0, maximum: 1 },
      {
        default: 1e-8,
        setting: 'radam.optimizer.epsilon',
        order: 4,
        domain: { minimum: 0 },
        description:
          'Added to `sqrt(v_t)` in the denominator. Raising it to `1e-4` is the paper\'s "Adam-eps" remedy, which damps the adaptive rate instead of rectifying it.',
      },
    ),
  ),
  weightDecay: optional(
    number(
      { minimum: 0, maximum: 1 },
      {
        default: 0,
        setting: 'radam.optimizer.weightDecay',
        order: 5,
        domain: { minimum: 0 },
        description: 'Weight decay coefficient. As L2 regularisation (added to the gradient) unless `#radam.optimizer.decoupledWeightDecay#` is on.',
      },
    ),
  ),
  decoupledWeightDecay: optional(
    boolean({
      default: false,
      setting: 'radam.optimizer.decoupledWeightDecay',
      order: 6,
      description: 'Apply weight decay decoupled from the gradient, AdamW-style: `theta *= 1 - lr * weightDecay` each step. Off: L2, `g += weightDecay * theta`.',
    }),
  ),
  rectificationThreshold: optional(
    number(
      { minimum: 4, maximum: 100 },
      {
        default: 5,
        setting: 'radam.optimizer.rectificationThreshold',
        order: 7,
        domain: { minimum: 4 },
        domainWhy: 'r_t is undefined below 4',
        description:
          "RAdam rectifies (uses the adaptive step times `r_t`) only once `rho_t` exceeds this value. `5` as in the authors' code and PyTorch; the paper's Algorithm 2 uses `4` (where `r_t` is defined but its variance is unbounded).",
      },
    ),
  ),
  degeneratedToSgd: optional(
    boolean({
      default: true,
      setting: 'radam.optimizer.degeneratedToSgd',
      order: 8,
      description:
        "While RAdam is not rectified (`rho_t` at or below the threshold): on, step with the bias-corrected momentum `lr * m_t/(1-beta1^t)` (SGD with momentum, the paper's Algorithm 2); off, make no update at all in those steps (the authors' current code).",
    }),
  ),
  k: optional(integer({ minimum: 0, maximum: STEPS_MAX }, { default: 2000, domain: { minimum: 0 }, description: 'adam-2k: number of initial steps during which only v_t is updated.' })),
  schedule: optionalGroup(ScheduleFields, { kind: 'constant' }),
});

/** What differs from the defaults above per optimizer name (adamw's decoupled decay is not optional). */
export const OPTIMIZER_NAME_DEFAULTS: Readonly<Record<(typeof OPTIMIZER_NAMES)[number], Partial<OptimizerOutput>>> = {
  radam: {},
  adam: {},
  adamw: { weightDecay: 0.01, decoupledWeightDecay: true },
  'sgd-momentum': { learningRate: 1e-2 },
  'adam-2k': {},
  'adam-eps': { epsilon: 1e-4 },
};
type OptimizerOutput = v.InferOutput<typeof OptimizerFields.schema>;

export const DatasetFields = group({
  name: oneOf(DATASET_NAMES, {
    default: 'spiral',
    setting: 'radam.training.dataset',
    order: 10,
    flag: '--dataset',
    flagArg: 'NAME',
    description: 'The data to train on. Every dataset is deterministic for `#radam.training.seed#`.',
    enumDescriptions: [
      'Three interleaved spiral arms, 2-D, 3 classes. Fast; needs a non-linear model.',
      'Two interleaving half circles, 2-D, 2 classes.',
      'Noisy XOR quadrants, 2-D, 2 classes.',
      'Regression of a noisy sine wave, 1-D input.',
      'Real 28x28 handwritten digits (MNIST sample from the `mnist` package), 10 classes. Use with `mlp` or `cnn`.',
      'Your own CSV file in the workspace: set `#radam.training.csvPath#` and `#radam.training.csvLabelColumn#`.',
      'Token sequences to reverse, one prediction per token (`#radam.transformer.sequenceLength#` tokens of `#radam.transformer.vocabularySize#`). Use with `transformer`.',
      'Token sequences to sort ascending, one prediction per token. Use with `transformer`.',
      'Token sequences to copy shifted by one position (cyclically), one prediction per token. Use with `transformer`.',
    ],
  }),
  validationSplit: number(
    { minimum: 0, maximum: 0.9 },
    {
      default: 0.2,
      setting: 'radam.training.validationSplit',
      order: 17,
      flag: '--validation-split',
      flagArg: 'F',
      help: 'fraction held out for validation',
      description: 'Fraction of the examples held out to measure validation loss and accuracy. `0` turns validation off.',
    },
  ),
  samples: optional(
    integer(
      { minimum: 1, maximum: 1_000_000 },
      { description: 'Examples to generate for synthetic sets / to take from digits (default per dataset).', flag: '--samples', flagArg: 'N', help: 'examples to generate / take', helpDefault: 'dataset default' },
    ),
  ),
  csvPath: optional(
    text({
      default: '',
      setting: 'radam.training.csvPath',
      order: 18,
      onlyWhen: CSV_ONLY,
      flag: '--csv',
      flagArg: 'FILE',
      help: 'csv dataset file (relative to the current directory)',
      description:
        'For the `csv` dataset: path of a CSV file inside the workspace folder (relative to it). First row is a header; every column but the label must be numeric.',
    }),
  ),
  csvLabelColumn: optional(
    text({
      default: 'label',
      setting: 'radam.training.csvLabelColumn',
      order: 19,
      onlyWhen: CSV_ONLY,
      flag: '--label-column',
      flagArg: 'NAME',
      help: 'csv label column',
      description:
        'For the `csv` dataset: the header name (or 0-based index) of the label column. Text labels, or a few distinct integers, make a classification task; other numbers a regression.',
    }),
  ),
  sequenceLength: optional(
    integer(
      { minimum: 2, maximum: 64 },
      { default: 12, setting: 'radam.transformer.sequenceLength', order: 25, onlyWhen: SEQUENCES_ONLY, description: 'Tokens per sequence of the `reverse`, `sort` and `copy-shift` datasets.' },
    ),
  ),
  vocabularySize: optional(
    integer(
      { minimum: 2, maximum: 256 },
      {
        default: 16,
        setting: 'radam.transformer.vocabularySize',
        order: 26,
        onlyWhen: SEQUENCES_ONLY,
        description: 'Distinct tokens of the `reverse`, `sort` and `copy-shift` datasets (also the number of classes per position).',
      },
    ),
  ),
  shift: optional(integer({ minimum: 0, maximum: 64 }, { description: 'copy-shift only: the target at position i is the input at position (i - shift) mod length (default 1).' })),
});

/** A size of the transformer with its `radam.transformer.*` setting; the model takes any size >= 1 from a spec. */
function transformerSize(name: string, range: { minimum: number; maximum: number }, dflt: number, order: number, description: string) {
  return optional(integer(range, { default: dflt, setting: `radam.transformer.${name}`, order, onlyWhen: TRANSFORMER_ONLY, domain: { minimum: 1 }, description }));
}

export const ModelFields = group({
  name: oneOf(MODEL_NAMES, {
    default: 'mlp',
    setting: 'radam.training.model',
    order: 11,
    flag: '--model',
    flagArg: 'NAME',
    description: 'The network architecture.',
    enumDescriptions: [
      'Multi-layer perceptron with `#radam.training.hiddenLayers#` and `#radam.training.activation#`. Works on every dataset but the token sequences.',
      'Small convolutional network; only for `digits`.',
      'Small Transformer encoder (`#radam.transformer.layers#` layers, post-LN by default as in the paper); only for the token sequences `reverse`, `sort` and `copy-shift`.',
    ],
  }),
  hiddenLayers: list<number>(
    { type: 'integer', minimum: 1, maximum: 4096 },
    { minItems: 0, maxItems: 8 },
    {
      default: [64, 64],
      setting: 'radam.training.hiddenLayers',
      order: 12,
      flag: '--hidden',
      flagArg: 'N,N',
      help: 'hidden layer sizes of the mlp',
      description: 'Sizes of the hidden layers of the `mlp` model, e.g. `[64, 64]`. Deeper or wider networks show the early-step variance of Adam more clearly.',
    },
  ),
  activation: oneOf(ACTIVATIONS, {
    default: 'relu',
    setting: 'radam.training.activation',
    order: 13,
    flag: '--activation',
    flagArg: 'NAME',
    description: 'Activation of the hidden layers of the `mlp` model.',
  }),
  // transformer only (src/trainer/models/fit.ts applies these defaults and ranges: TRANSFORMER_DEFAULTS, TRANSFORMER_LIMITS)
  layers: transformerSize('layers', { minimum: 1, maximum: 6 }, 2, 21,
    'Encoder layers of the `transformer` model (each: multi-head self-attention and a feed-forward sublayer, each with a residual connection and a layer norm). Deeper post-LN encoders are where un-warmed Adam breaks: see the preset "Paper: Transformer without warmup" (6 layers).',
  ),
  dModel: transformerSize('dModel', { minimum: 4, maximum: 512 }, 64, 22,
    "Width of the `transformer`'s token vectors (the residual stream); a multiple of `#radam.transformer.heads#`. The feed-forward sublayers are 4 times as wide.",
  ),
  heads: transformerSize('heads', { minimum: 1, maximum: 16 }, 4, 23, 'Attention heads per layer of the `transformer`; each attends with `dModel / heads` dimensions.'),
  ffDim: optional(integer({ minimum: 1, maximum: 4096 }, { domain: { minimum: 1 }, description: 'Hidden width of each feed-forward sublayer (default 4 * dModel).' })),
  norm: optional(
    oneOf(['post', 'pre'] as const, {
      default: 'post',
      setting: 'radam.transformer.norm',
      order: 24,
      onlyWhen: TRANSFORMER_ONLY,
      description: "Where the `transformer`'s layer norms sit.",
      enumDescriptions: [
        "Layer norm after each residual sum, `LN(x + f(x))`: the original Transformer and the paper's setting, which needs warmup (or RAdam) with Adam.",
        'Layer norm before each sublayer, `x + f(LN(x))`, and once more at the end: known to train without warmup.',
      ],
    }),
  ),
  causal: optional(boolean({ description: 'Causal self-attention: position i attends to positions <= i only (default false).' })),
});

export const MetricFields = group({
  histogramEvery: integer(
    { minimum: 0, maximum: 100_000 },
    {
      default: 10,
      setting: 'radam.metrics.histogramEvery',
      order: 30,
      flag: '--histogram-every',
      flagArg: 'N',
      help: 'gradient histogram every N steps, 0 = never',
      domain: { minimum: 0 },
      description:
        'Record a histogram of gradient magnitudes (log|g| over all parameters) every N steps; `0` records none. Use `1` to watch the first steps of un-warmed Adam in detail.',
    },
  ),
  histogramBins: integer(
    { minimum: 10, maximum: 200 },
    {
      default: 60,
      setting: 'radam.metrics.histogramBins',
      order: 31,
      domain: { minimum: 1 },
      description:
        "Number of bins of each gradient-magnitude histogram, spread over log|g| from -20 to 0 (the span of the paper's figures); exact zeros are counted apart.",
    },
  ),
  /** Natural-log range of the bins; the paper's figures span about e^-20 .. e^0. */
  histogramRange: tuple<[number, number]>(
    { type: 'number', minimum: -100, maximum: 100 },
    { default: [-20, 0], description: "Natural-log range [lo, hi] of the histogram bins; the paper's figures span about e^-20 .. e^0." },
  ),
  perLayerHistograms: boolean({
    default: false,
    setting: 'radam.metrics.perLayerHistograms',
    order: 32,
    description: 'Also record one histogram per layer, selectable in the dashboard. Costs a little more per recorded step.',
  }),
  validationEvery: integer(
    { minimum: 0, maximum: STEPS_MAX },
    {
      default: 50,
      setting: 'radam.metrics.validationEvery',
      order: 34,
      flag: '--validation-every',
      flagArg: 'N',
      help: 'validation every N steps, 0 = at the end only',
      domain: { minimum: 0 },
      description:
        'Measure validation loss and accuracy on the held-out examples (`#radam.training.validationSplit#`) every N steps, and always after the last step; `0` measures only at the end. Lower it to see where validation and training loss part; each measurement runs the model over the whole held-out set.',
    },
  ),
  // Why not every step by default: the norms cost 4 backend ops and 4 passes over memory per parameter
  // tensor, 8-12% of a step measured on both a 2-64-64-3 and a 784-256-256-10 MLP, against a budget of 3%
  // for all watching (bench/training.bench.mjs).
  normsEvery: optional(
    integer(
      { minimum: 0, maximum: 100_000 },
      {
        default: 10,
        inDefaults: true,
        setting: 'radam.metrics.normsEvery',
        order: 33,
        domain: { minimum: 0 },
        description:
          'Compute the global gradient norm and the update-to-parameter ratio every N steps (and on every histogram step); other steps record them as empty. `1` charts them at every step, at a cost of roughly 10% of the step time on small models; `0` computes them only on histogram steps.',
      },
    ),
  ),
});

export const RunSpecFields = group({
  label: text({ default: 'RAdam', description: 'Human label shown in the dashboard legend, e.g. "RAdam" or "Adam, warmup 500".' }),
  optimizer: OptimizerFields,
  dataset: DatasetFields,
  model: ModelFields,
  steps: integer(
    { minimum: 1, maximum: STEPS_MAX },
    {
      default: 1000,
      setting: 'radam.training.steps',
      order: 14,
      flag: '--steps',
      flagArg: 'N',
      help: 'optimizer steps',
      domain: { minimum: 1 },
      description:
        'Number of optimizer steps (updates) per run. The interesting part of RAdam vs Adam is the first few hundred steps; a few thousand shows where each ends up.',
    },
  ),
  batchSize: integer(
    { minimum: 1, maximum: 4096 },
    {
      default: 32,
      setting: 'radam.training.batchSize',
      order: 15,
      flag: '--batch-size',
      flagArg: 'N',
      help: 'examples per step',
      domain: { minimum: 1 },
      description: "Examples per step. Smaller batches mean noisier gradients and a larger early variance of Adam's adaptive rate.",
    },
  ),
  seed: integer(
    { minimum: 0, maximum: 2147483647 },
    {
      default: 42,
      setting: 'radam.training.seed',
      order: 16,
      flag: '--seed',
      flagArg: 'N',
      help: 'data, initial weights and batch order',
      description:
        'Seed for the data, the initial weights and the batch order. Runs of one comparison always share it, so their curves differ only by optimizer and schedule.',
    },
  ),
  metrics: MetricFields,
});

/** Runs started together. All share dataset, model, seed, steps and batch size (checked by validateComparison). */
export const ComparisonFields = group({
  kind: oneOf(COMPARISON_KINDS, { description: 'What the runs compare.' }),
  runs: listOf(RunSpecFields, 1, 64),
});

/** Settings that are not fields of a run: read by the commands, the trainer's environment, the TensorBoard view. */
export const OTHER_SETTINGS: Readonly<Record<string, Leaf>> = {
  'radam.training.threads': integer(
    { minimum: 0, maximum: 64 },
    {
      default: 0,
      order: 20,
      scope: 'machine-overridable',
      description:
        'TensorFlow threads per op in the trainer process (`TF_NUM_INTRAOP_THREADS`). `0` = automatic: one thread unless the ops of a training step are large (over ~10 MFLOP per op on average, e.g. a 784-256-256-10 MLP at batch 512 or more), then two, and one more per further ~40 MFLOP per op, at most one per core. Measured: for small ops (the default models, the CNN, the Transformer) a second thread makes every step slower, because each op then pays for waking the thread pool. Independently of this setting, each training step runs as one TensorFlow graph, and the trainer gets one inter-op thread per core (`TF_NUM_INTEROP_THREADS`, at most 2) so that independent ops of the graph run at once. A number fixes the count. Applies to runs started afterwards.',
    },
  ),
  'radam.training.processes': integer(
    { minimum: 0, maximum: 2 },
    {
      default: 0,
      order: 21,
      scope: 'machine-overridable',
      description:
        'Trainer processes per comparison. `0` = automatic: two when the machine has at least 2 cores, the comparison has at least 2 runs, TensorFlow gets one thread per op (see `radam.training.threads`), no other comparison is training, and the second process takes over at least ~5 s of training (a second TensorFlow start-up costs 1-2 s); the runs are split between them, each on the same data, batches and initial weights, so the curves are the same. Measured: the Transformer paper preset (3 runs x 600 steps) on 2 cores takes 32 s in one process and 27 s in two. `1` = always one process, `2` = split whenever there are 2 runs or more. Applies to runs started afterwards.',
    },
  ),
  'radam.compare.warmupSteps': list<number>(
    { type: 'integer', minimum: 0, maximum: STEPS_MAX },
    { minItems: 1, maxItems: 8 },
    {
      default: [0, 100, 500, 2000],
      order: 40,
      description: '**Compare Warmup Schedules**: one Adam run with linear warmup over each of these lengths (`0` = no warmup), against RAdam (which needs none).',
    },
  ),
  'radam.compare.exponentialWarmup': boolean({
    default: false,
    order: 41,
    description: '**Compare Warmup Schedules**: also run Adam with exponential warmup `lr * (1 - exp(-t/w))` for each non-zero length.',
  }),
  'radam.compare.learningRates': list<number>(
    { type: 'number', exclusiveMinimum: 0, maximum: 10 },
    { minItems: 1, maxItems: 12 },
    {
      default: [0.1, 0.03, 0.01, 0.003, 0.001],
      order: 42,
      description:
        "**Learning-Rate Sweep**: RAdam and Adam are each trained at every one of these rates; the dashboard plots final loss against rate — the paper's robustness result on your data.",
    },
  ),
  'radam.compare.includeAdam2k': boolean({
    default: false,
    order: 43,
    description: "**Compare with Adam**: also run the paper's Adam-2k (for the first 2,000 steps only `v_t` is updated; weights and `m_t` stay frozen).",
  }),
  'radam.compare.includeAdamEps': boolean({
    default: false,
    order: 44,
    description: "**Compare with Adam**: also run the paper's Adam-eps (Adam with `epsilon = 1e-4`).",
  }),
  'radam.logDirectories': list<string>(
    { type: 'string' },
    { maxItems: 32 },
    {
      default: [],
      order: 50,
      description:
        'TensorBoard log directories (absolute, `~/…`, or relative to the workspace folder) whose runs the dashboard shows beside RAdam Lab\'s own, live: event files written by PyTorch `SummaryWriter`, Lightning `TensorBoardLogger`, Hugging Face `report_to="tensorboard"`, TensorFlow `tf.summary` or tensorboardX. Every folder below one that holds `*tfevents*` files is a run. Read-only: RAdam Lab never writes there. **RAdam: Open TensorBoard Logs…** adds a folder for this session.',
    },
  ),
  'radam.tensorboard.pollInterval': integer(
    { minimum: 250, maximum: 60000 },
    {
      default: 1000,
      order: 51,
      scope: 'window',
      description:
        'Milliseconds between two reads of the TensorBoard log directories (`#radam.logDirectories#`): a value a writer has flushed to disk shows in the dashboard within about this time. Each read only `stat`s the event files and reads their new bytes; raise it for log directories on slow network file systems. Changes apply at the next read.',
    },
  ),
};

export interface SettingField {
  id: string;
  leaf: Leaf;
  /** The RunSpec path it sets, or undefined for the settings of OTHER_SETTINGS. */
  path?: string;
}

/** Every setting, in the settings editor's order. */
export const SETTINGS: readonly SettingField[] = [
  ...leaves(RunSpecFields)
    .filter(([, l]) => l.doc.setting)
    .map(([path, leaf]) => ({ id: leaf.doc.setting as string, leaf, path })),
  ...Object.entries(OTHER_SETTINGS).map(([id, leaf]) => ({ id, leaf })),
].sort((a, b) => (a.leaf.doc.order ?? 0) - (b.leaf.doc.order ?? 0));

/** The default of the RunSpec field at `path` (e.g. `optimizer.learningRate`). */
export function fieldDefault<T>(path: string): T {
  const hit = leaves(RunSpecFields).find(([p]) => p === path);
  if (!hit || hit[1].doc.default === undefined) throw new Error(`no default declared for ${path}`);
  return structuredClone(hit[1].doc.default) as T;
}

/** The inclusive [minimum, maximum] of the integer or number RunSpec field at `path` (e.g. `model.layers`). */
export function fieldRange(path: string): readonly [number, number] {
  const hit = leaves(RunSpecFields).find(([p]) => p === path);
  const r = hit?.[1].range;
  if (r?.minimum === undefined || r.maximum === undefined) throw new Error(`no inclusive range declared for ${path}`);
  return [r.minimum, r.maximum];
}

/** The default of an optimizer field for an optimizer name (its own difference, else the declared default). */
export function optimizerDefault<K extends keyof OptimizerOutput>(name: (typeof OPTIMIZER_NAMES)[number], key: K): NonNullable<OptimizerOutput[K]> {
  return OPTIMIZER_NAME_DEFAULTS[name][key] ?? fieldDefault<NonNullable<OptimizerOutput[K]>>(`optimizer.${key}`);
}
