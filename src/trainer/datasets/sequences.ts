// Synthetic token-sequence tasks for the transformer: per-token classification. An example is a
// sequence of `sequenceLength` tokens drawn uniformly from 0..vocabularySize-1, its target one token per
// position:
//
//   reverse      y[i] = x[L-1-i]
//   sort         y = x sorted ascending
//   copy-shift   y[i] = x[(i - shift) mod L]   (shift 1: every position names the token before it)
//
// Split.x holds the L token ids per example as floats (the engine uploads x as float32; the embedding
// casts them back to int32), Split.y the L target ids. Deterministic for (spec, seed); no scaling.
import { DatasetError, type Dataset } from '../../shared/datasetInfo';
import { SEQUENCE_DEFAULTS, isSequenceDataset, sequenceInfo, sequenceSizes } from '../../shared/datasetShapes';
import type { DatasetSpec, SequenceDatasetName } from '../../runSpec/runSpec';
import { Random } from '../random';
import { sampleCount, splitExamples } from './split';

export const MIN_SEQUENCE_SAMPLES = 10;
export const MAX_SEQUENCE_SAMPLES = 200_000;

/** The target sequence of `x` (length L) for a task, written into `y`. */
export function sequenceTarget(name: SequenceDatasetName, x: ArrayLike<number>, y: Float32Array | number[], shift = 1): void {
  const L = x.length;
  if (name === 'reverse') for (let i = 0; i < L; i++) y[i] = x[L - 1 - i];
  else if (name === 'copy-shift') for (let i = 0; i < L; i++) y[i] = x[(((i - shift) % L) + L) % L];
  else {
    const s = Array.from(x).sort((a, b) => a - b);
    for (let i = 0; i < L; i++) y[i] = s[i];
  }
}

export function loadSequences(spec: DatasetSpec, seed: number): Dataset {
  if (!isSequenceDataset(spec.name)) throw new DatasetError(`unknown sequence dataset ${JSON.stringify(spec.name)}`);
  const name = spec.name;
  const { length: L, vocabulary: V, shift } = sequenceSizes(spec);
  const n = sampleCount(name, spec.samples, SEQUENCE_DEFAULTS.samples, MIN_SEQUENCE_SAMPLES, MAX_SEQUENCE_SAMPLES);
  // Its own stream of the seed, as the other generated sets (the split draws from another).
  const rng = new Random(seed, `data/${name}`);
  const x = new Float32Array(n * L);
  const y = new Float32Array(n * L);
  for (let i = 0; i < n; i++) {
    const xi = x.subarray(i * L, (i + 1) * L);
    for (let j = 0; j < L; j++) xi[j] = rng.int(V);
    sequenceTarget(name, xi, y.subarray(i * L, (i + 1) * L), shift);
  }
  const { train, validation } = splitExamples({ x, y, n, featureSize: L, targetSize: L }, spec.validationSplit, seed);
  return { info: sequenceInfo(spec), train, validation };
}
