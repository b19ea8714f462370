// Datasets: plain JavaScript arrays (no tensors), deterministic for (spec, seed). The engine uploads
// them once per run. What a set looks like without its data is src/shared/datasetShapes.ts (the
// extension host uses that, never this module).
//
//   spiral, moons, xor  2-D points, classification      features standardised (train statistics)
//   sine                1-D regression, y = sin x + noise feature standardised
//   digits              28x28x1 MNIST images in [0, 1]   10 classes, not standardised
//   csv                 a workspace file (see csv.ts)    features (and regression targets) standardised
//   reverse, sort,      token sequences (sequences.ts)   per-token classification, not scaled
//   copy-shift
import { DatasetError, type Dataset, type DatasetInfo } from '../../shared/datasetInfo';
import { isSequenceDataset, syntheticInfo } from '../../shared/datasetShapes';
import type { DatasetName, DatasetSpec } from '../../runSpec/runSpec';
import { Random } from '../random';
import { loadCsv } from './csv';
import { loadDigits } from './digits';
import { moons } from './moons';
import { loadSequences } from './sequences';
import { sine } from './sine';
import { spiral } from './spiral';
import { checkValidationSplit, sampleCount, splitExamples, standardizeFeatures } from './split';
import type { SyntheticSet } from './synthetic';
import { xor } from './xor';

export { DatasetError } from '../../shared/datasetInfo';
export type { Dataset, DatasetInfo, Split, Task, Scaling } from '../../shared/datasetInfo';
export { datasetInfoWithoutLoading, isSequenceDataset, sequenceInfo, sequenceSizes, SEQUENCE_DEFAULTS, SEQUENCE_LIMITS } from '../../shared/datasetShapes';
export { sequenceTarget } from './sequences';

const SYNTHETIC: Partial<Record<DatasetName, SyntheticSet>> = { spiral, moons, xor, sine };
/** Bounds on `samples` for generated sets: below, splits get degenerate; above, uploads get slow. */
export const MIN_SAMPLES = 10;
export const MAX_SAMPLES = 200_000;

export interface LoadOptions {
  /** Absolute path of the workspace folder; required for csv (its path is relative to it). */
  workspaceRoot?: string;
}

/** Loads (or generates) the dataset of `spec`. Throws DatasetError on a bad spec or file. */
export function loadDataset(spec: DatasetSpec, seed: number, opts: LoadOptions = {}): Dataset {
  checkValidationSplit(spec.validationSplit);
  if (spec.name === 'digits') return loadDigits(spec.samples, spec.validationSplit, seed);
  if (spec.name === 'csv') return loadCsv(spec, seed, opts.workspaceRoot);
  if (isSequenceDataset(spec.name)) return loadSequences(spec, seed);
  const set = SYNTHETIC[spec.name];
  if (!set) throw new DatasetError(`unknown dataset ${JSON.stringify(spec.name)}`);
  const n = sampleCount(set.name, spec.samples, set.defaultSamples, MIN_SAMPLES, MAX_SAMPLES);
  // Data points and split draw from separate streams of the same seed (see random.ts).
  const ex = set.generate(n, new Random(seed, `data/${set.name}`));
  const { train, validation } = splitExamples(ex, spec.validationSplit, seed);
  const featureScaling = standardizeFeatures(train, validation, set.featureSize);
  return { info: { ...syntheticInfo(set), featureScaling }, train, validation };
}

/** Number of values in one example: the product of inputShape. */
export function featureSize(info: DatasetInfo): number {
  return info.inputShape.reduce((a, b) => a * b, 1);
}
