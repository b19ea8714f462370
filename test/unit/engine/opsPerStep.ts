// Native ops per training step of a comparison, for the op-count tests (opcount*.test.ts): counted over two
// runs that differ only by `steps` steps, so set-up and the final validation cancel out (and so does the
// first step of each batch shape, which a graph step runs eagerly while it records the graph).
import type { ComparisonSpec } from '../../../src/runSpec/runSpec';
import { runComparison } from '../../../src/trainer/engine';
import { countNativeOps, perStep, type OpCounts } from '../../../src/trainer/opCounter';

export async function opsPerStep(
  comparison: (steps: number) => ComparisonSpec,
  runsDir: string,
  watch: boolean,
  steps: number,
  graphSteps = true,
): Promise<OpCounts> {
  const run = (n: number) => runComparison({ comparison: comparison(n), runsDir, watch, graphSteps });
  const a = (await countNativeOps(() => run(steps))).counts!;
  const b = (await countNativeOps(() => run(2 * steps))).counts!;
  return perStep(a, b, steps);
}
