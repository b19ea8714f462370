// Graph steps in the engine (src/trainer/graphStep.ts through runComparison): a comparison trained with them
// draws the same curves as op by op (graphSteps false), and when the graph cannot be written (the temporary
// folder is missing, as on a full or misconfigured disk) the runs still finish, with the same curves, and
// the trainer's log says so once per run, naming the run and the folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { paperTransformerBase } from '../../../src/runSpec/presets';
import { readRun } from '../../../src/runs';
import type { ComparisonSpec } from '../../../src/runSpec/runSpec';
import { tf } from '../../../src/tf';
import { runComparison } from '../../../src/trainer/engine';
import { threeRuns } from './specs';

function transformer(steps: number): ComparisonSpec {
  const base = paperTransformerBase({ steps });
  return { kind: 'single', runs: [{ ...base, metrics: { ...base.metrics, validationEvery: 0 } }] };
}

(tf.getBackend() === 'tensorflow' ? describe : describe.skip)('engine: graph steps', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-graphsteps-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Every run's losses and validation losses, and the warnings logged. */
  async function train(comparison: ComparisonSpec, graphSteps: boolean): Promise<{ curves: number[][]; warnings: string[] }> {
    const warnings: string[] = [];
    const res = await runComparison({ comparison, runsDir: dir, graphSteps, events: { log: (level, text) => level === 'warn' && warnings.push(text) } });
    for (const r of res.runs) assert.equal(r.status, 'finished');
    return { curves: res.runs.map((r) => readRun(dir, r.id)!.metrics.map((m) => m.loss)), warnings };
  }

  for (const [name, spec] of [
    ['the paper preset Transformer, 12 steps', transformer(12)],
    ['three MLP runs (RAdam, Adam, SGD), 30 steps', threeRuns(30)],
  ] as const) {
    it(`${name}: the same losses as op by op, step for step, and no warning`, async () => {
      const graph = await train(spec, true);
      const eager = await train(spec, false);
      assert.deepEqual(graph.warnings, []);
      assert.equal(graph.curves.length, spec.runs.length);
      graph.curves.forEach((curve, k) => {
        assert.equal(curve.length, spec.runs[k].steps);
        curve.forEach((l, i) => assert.ok(Math.abs(l - eager.curves[k][i]) <= 1e-5 * Math.abs(eager.curves[k][i]) + 1e-7, `run ${k + 1} step ${i + 1}: ${l} vs ${eager.curves[k][i]}`));
      });
    });
  }

  it('with the temporary folder missing, the runs train op by op to the same losses and the log names each run and the folder', async () => {
    const missing = path.join(dir, 'no-such-tmp');
    const before = process.env.TMPDIR;
    process.env.TMPDIR = missing; // os.tmpdir() reads it on every call
    let fallen: Awaited<ReturnType<typeof train>>;
    try {
      assert.equal(os.tmpdir(), missing);
      fallen = await train(threeRuns(20), true);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    const eager = await train(threeRuns(20), false);
    assert.deepEqual(fallen.curves, eager.curves);
    assert.equal(fallen.warnings.length, 3, fallen.warnings.join('\n'));
    ['run 1 (RAdam)', 'run 2 (Adam)', 'run 3 (SGD)'].forEach((run, k) => {
      assert.ok(fallen.warnings[k].startsWith(`${run}: training step not compiled to a TensorFlow graph`), fallen.warnings[k]);
      assert.ok(fallen.warnings[k].includes(missing), fallen.warnings[k]);
    });
  });
});
