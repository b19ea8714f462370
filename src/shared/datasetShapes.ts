// What each built-in dataset looks like (task, input shape, outputs, names), known without its data: the
// extension host's thread rule (src/shared/threads.ts) sizes a model with it, the trainer's dataset modules
// (src/trainer/datasets/) describe what they generate or load with it. Pure: no data, no tfjs.
import type { DatasetName, DatasetSpec, SequenceDatasetName } from '../runSpec/runSpec';
import { SEQUENCE_DATASETS } from '../runSpec/runSpec';
import { fieldDefault, fieldRange } from '../runSpec/schema';
import { DatasetError, type DatasetInfo, type Task } from './datasetInfo';

/** The shape of a generated set (all are flat vectors); the generator is in src/trainer/datasets/<name>.ts. */
export interface SyntheticShape {
  name: DatasetName;
  task: Task;
  /** Features per example. */
  featureSize: number;
  /** Classes (classification) or targets (regression). */
  outputSize: number;
  featureNames: string[];
  classNames?: string[];
}

export const SPIRAL_ARMS = 3;

export type SyntheticName = 'spiral' | 'moons' | 'xor' | 'sine';

export const SYNTHETIC_SHAPES: Readonly<Record<SyntheticName, SyntheticShape>> = {
  spiral: {
    name: 'spiral',
    task: 'classification',
    featureSize: 2,
    outputSize: SPIRAL_ARMS,
    featureNames: ['x', 'y'],
    classNames: Array.from({ length: SPIRAL_ARMS }, (_, k) => `arm ${k}`),
  },
  moons: { name: 'moons', task: 'classification', featureSize: 2, outputSize: 2, featureNames: ['x', 'y'], classNames: ['upper moon', 'lower moon'] },
  xor: { name: 'xor', task: 'classification', featureSize: 2, outputSize: 2, featureNames: ['x', 'y'], classNames: ['same sign', 'opposite signs'] },
  sine: { name: 'sine', task: 'regression', featureSize: 1, outputSize: 1, featureNames: ['x'] },
};

export const DIGIT_SIZE = 28;

/** The digits set (28x28 MNIST images, 10 classes). */
export function digitsInfo(): DatasetInfo {
  return {
    name: 'digits',
    task: 'classification',
    inputShape: [DIGIT_SIZE, DIGIT_SIZE, 1],
    outputSize: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}

/** A generated set's info (before standardisation). */
export function syntheticInfo(shape: SyntheticShape): DatasetInfo {
  return {
    name: shape.name,
    task: shape.task,
    inputShape: [shape.featureSize],
    outputSize: shape.outputSize,
    featureNames: [...shape.featureNames],
    classNames: shape.classNames ? [...shape.classNames] : undefined,
  };
}

/** Sizes of a sequence set its DatasetSpec leaves out; length and vocabulary are the run spec's (src/runSpec/schema.ts). */
export const SEQUENCE_DEFAULTS = {
  sequenceLength: fieldDefault<number>('dataset.sequenceLength'),
  vocabularySize: fieldDefault<number>('dataset.vocabularySize'),
  shift: 1,
  samples: 10_000,
};
/** Inclusive ranges, the run spec's. */
export const SEQUENCE_LIMITS = { sequenceLength: fieldRange('dataset.sequenceLength'), vocabularySize: fieldRange('dataset.vocabularySize') };

export function isSequenceDataset(name: string): name is SequenceDatasetName {
  return (SEQUENCE_DATASETS as readonly string[]).includes(name);
}

export interface SequenceSizes {
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

/**
 * What a dataset looks like without loading it (task, input shape, outputs), for settings validation
 * in the extension host. Undefined for csv, whose shape is only known from its file. Sequence sets take
 * their sizes from `spec` (defaults when not given).
 */
export function datasetInfoWithoutLoading(name: DatasetName, spec: Partial<DatasetSpec> = {}): DatasetInfo | undefined {
  if (name === 'digits') return digitsInfo();
  if (isSequenceDataset(name)) return sequenceInfo({ ...spec, name });
  const shape = (SYNTHETIC_SHAPES as Partial<Record<DatasetName, SyntheticShape>>)[name];
  return shape ? syntheticInfo(shape) : undefined;
}
