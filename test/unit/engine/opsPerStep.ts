// Native ops per training step of a comparison, for the op-count tests (opcount*.test.ts): counted over two
// runs that differ only by `steps` steps, so set-up and the final validation cancel out (and so does the
// first step of each batch shape, which a graph step runs eagerly while it records the graph).
import assert from 'node:assert/strict';
import type { ComparisonSpec } from '../../../src/runSpec/runSpec';
import { runComparison } from '../../../src/trainer/engine';
import { countNativeOps, perStep, type OpCounts } from '../../../src/trainer/opCounter';

export async function opsPerStep(
  comparison: (steps: number) => ComparisonSpec,
  runsDir: string,
  watch: boolean,
  steps: number,
  graphSteps = true,
  fusedUpdates = true,
): Promise<OpCounts> {
  const run = (n: number) => runComparison({ comparison: comparison(n), runsDir, watch, graphSteps, fusedUpdates });
  const a = (await countNativeOps(() => run(steps))).counts!;
  const b = (await countNativeOps(() => run(2 * steps))).counts!;
  return perStep(a, b, steps);
}

/** The title of the graph-step op-count tests. */
export const GRAPH_STEP_TITLE = 'watch off, graph steps (the default): forward, backward and update are ONE graph run; beside it only the batch gathers';
/** The title of the tests of graph steps whose update is the optimizer's own ops. */
export const UNFUSED_TITLE = 'watch off, graph steps, fusedUpdates false: the forward/backward is ONE graph run; beside it the batch gathers and the 10 ops of the update';

/**
 * What a graph step leaves per training step: ONE graph run, and beside it only the 2 batch gathers, plus
 * the optimizer's 10 ops on the flat vector when the update is not fused into the graph (fusedUpdate.ts).
 * `inGraph`: ops of the model that must not run eagerly.
 */
export function assertGraphStepOps(c: OpCounts, inGraph: readonly string[], fused = true): void {
  assert.equal(c.graphRuns, 1, JSON.stringify(c));
  assert.equal(c.ops, fused ? 2 : 12, JSON.stringify(c.byName));
  assert.equal(c.byName.GatherV2, 2, 'the batch gathers');
  if (fused) assert.equal(c.byName.Sqrt, undefined, 'the update runs in the graph');
  else assert.equal(c.byName.Sqrt, 1, 'the update runs once, on the flat parameter vector');
  for (const op of inGraph) assert.equal(c.byName[op], undefined, `${op} runs in the graph`);
}
