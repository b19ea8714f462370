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
import type { DatasetSpec, SequenceDatasetName } from '../../runSpec/runSpec';
import { SEQUENCE_DATASETS } from '../../runSpec/runSpec';
import { Random } from '../random';
import { sampleCount, splitExamples } from './split';
import { DatasetError, type Dataset, type DatasetInfo } from './types';

export const SEQUENCE_DEFAULTS = { sequenceLength: 12, vocabularySize: 16, shift: 1, samples: 10_000 };
export const SEQUENCE_LIMITS = { sequenceLength: [2, 64], vocabularySize: [2, 256] } as const;
export const MIN_SEQUENCE_SAMPLES = 10;
export const MAX_SEQUENCE_SAMPLES = 200_000;

export function isSequenceDataset(name: string): name is SequenceDatasetName {
  return (SEQUENCE_DATASETS as readonly string[]).includes(name);
}

interface SequenceSizes {
  length: number;
  vocabulary: number;
  shift: number;
}

function intIn(name: string, field: string, v: number | undefined, dflt: number, lo: number, hi: number): number {
  if (v === undefined || v === null) return dflt;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new DatasetError(`${name}: ${field} must be an integer in [${lo}, ${hi}], got ${v}`);
  return v;
}

/** The sizes of a sequence set's spec, defaults filled in; throws DatasetError when out of range. */
export function sequenceSizes(spec: Pick<DatasetSpec, 'name' | 'sequenceLength' | 'vocabularySize' | 'shift'>): SequenceSizes {
  const [l0, l1] = SEQUENCE_LIMITS.sequenceLength;
  const [v0, v1] = SEQUENCE_LIMITS.vocabularySize;
  const length = intIn(spec.name, 'sequenceLength', spec.sequenceLength, SEQUENCE_DEFAULTS.sequenceLength, l0, l1);
  const vocabulary = intIn(spec.name, 'vocabularySize', spec.vocabularySize, SEQUENCE_DEFAULTS.vocabularySize, v0, v1);
  const shift = spec.name === 'copy-shift' ? intIn(spec.name, 'shift', spec.shift, SEQUENCE_DEFAULTS.shift, 0, length - 1) : 0;
  return { length, vocabulary, shift };
}

/** What a sequence set looks like (no data). */
export function sequenceInfo(spec: Pick<DatasetSpec, 'name' | 'sequenceLength' | 'vocabularySize' | 'shift'>): DatasetInfo {
  const { length, vocabulary } = sequenceSizes(spec);
  return {
    name: spec.name,
    task: 'classification',
    inputShape: [length],
    outputSize: vocabulary,
    sequence: { length, vocabulary },
  };
}

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
