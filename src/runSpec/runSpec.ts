// The run spec: a plain, serialisable description of one training run, and of a comparison (several
// runs that share data, model, initial weights and batch order and differ only by optimizer/schedule).
// The types are inferred from the one declaration (schema.ts), where every field's range, default and
// meaning is written.
//
// Data flow: workspace settings (radam.*) --> ComparisonSpec --> trainer process / CLI --> runs on disk.
// The same JSON can be given to `radam-lab train --spec run.json`.
import type * as v from 'valibot';
import { defaultsOf } from './fields';
import { MetricFields, type ComparisonFields, type DatasetFields, type ModelFields, type RunSpecFields, type ACTIVATIONS, type COMPARISON_KINDS, type DATASET_NAMES, type MODEL_NAMES } from './schema';

export { SEQUENCE_DATASETS } from './schema';

export type DatasetName = (typeof DATASET_NAMES)[number];
/** Synthetic token-sequence tasks (per-token classification), for the `transformer` model. */
export type SequenceDatasetName = 'reverse' | 'sort' | 'copy-shift';
export type ModelName = (typeof MODEL_NAMES)[number];
export type Activation = (typeof ACTIVATIONS)[number];
/** Where the transformer's layer norms sit: after each residual sum (the original and the paper's) or before each sublayer. */
export type TransformerNorm = 'post' | 'pre';
export type ComparisonKind = (typeof COMPARISON_KINDS)[number];

export type DatasetSpec = v.InferOutput<typeof DatasetFields.schema>;
export type ModelSpec = v.InferOutput<typeof ModelFields.schema>;
export type MetricOptions = v.InferOutput<typeof MetricFields.schema>;
export type RunSpec = v.InferOutput<typeof RunSpecFields.schema>;
export type ComparisonSpec = v.InferOutput<typeof ComparisonFields.schema>;

/** The metric options' defaults (schema.ts). */
export const DEFAULT_METRICS: MetricOptions = defaultsOf(MetricFields) as MetricOptions;
