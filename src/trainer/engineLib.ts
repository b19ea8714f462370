// dist/lib/engine.js: the training engine as a library, for benches (bench/training-speed.bench.mjs) and
// tools that run it in their own process. Loading it loads TensorFlow (src/tf): set the TF_* thread
// variables (src/shared/threads.ts) in the environment before requiring it.
export { runComparison, type EngineOptions, type ComparisonResult } from './engine';
export { RunControl } from './control';
export { countNativeOps, perStep, type OpCounts } from './opCounter';
export { tf, backendInfo } from '../tf';
export { paperTransformerBase, paperTransformerComparison } from '../runSpec/presets';
