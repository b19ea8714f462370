// A comparison's runs trained as a part (EngineOptions.runIndices), as the host does when it splits a
// comparison over two trainer processes (issue 17): every run of a part must train exactly as beside all
// the others -- the same data, the same seeded batches, the same initial weights -- so its losses are
// bit-identical. The real tfjs-node backend (the unit layer insists on it under RADAM_REQUIRE_NATIVE), the native steps of the MLP and of the Transformer preset.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRun } from '../../../src/runs';
import { paperTransformerComparison } from '../../../src/runSpec/presets';
import type { ComparisonSpec } from '../../../src/runSpec/runSpec';
import { newComparisonId, runIdFor } from '../../../src/shared/runId';
import { runComparison } from '../../../src/trainer/engine';
import { comparison, threeRuns } from './specs';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-split-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Trains `runIndices` of `spec` (all if undefined) under the given ids; every step's loss per run id. */
async function losses(spec: ComparisonSpec, comparisonId: string, runIndices?: number[]): Promise<Map<string, number[]>> {
  const runIds = spec.runs.map((r, i) => runIdFor(comparisonId, i, r.label));
  const out = new Map<string, number[]>();
  const res = await runComparison({
    comparison: spec,
    runsDir: path.join(dir, runIndices ? `part-${runIndices.join('-')}` : 'all'),
    comparisonId,
    runIds,
    ...(runIndices ? { runIndices } : {}),
    events: {
      metrics: (batches) => {
        for (const b of batches) {
          const list = out.get(b.runId) ?? [];
          for (const m of b.metrics) {
            assert.equal(m.step, list.length + 1, 'one line per step, in order');
            list.push(m.loss);
          }
          out.set(b.runId, list);
        }
      },
    },
  });
  assert.deepEqual(
    res.runs.map((r) => [r.id, r.index, r.status]),
    (runIndices ?? spec.runs.map((_, i) => i)).map((i) => [runIds[i], i, 'finished']),
    'the part trains its runs, under their own ids and indices, to the end',
  );
  return out;
}

async function checkSplit(spec: ComparisonSpec, steps: number): Promise<void> {
  const comparisonId = newComparisonId();
  const all = await losses(spec, comparisonId);
  const first = await losses(spec, comparisonId, [0, 1]);
  const last = await losses(spec, comparisonId, [2]);
  const ids = spec.runs.map((r, i) => runIdFor(comparisonId, i, r.label));
  for (const id of ids) assert.equal(all.get(id)?.length, steps, `${id}: ${steps} losses`);
  // The runs differ (different optimizers), so equal losses below are no accident of the spec.
  assert.notDeepEqual(all.get(ids[0]), all.get(ids[2]));
  assert.deepEqual(first.get(ids[0]), all.get(ids[0]), 'run 1 trained in the part [1, 2]: the same losses, bit for bit');
  assert.deepEqual(first.get(ids[1]), all.get(ids[1]), 'run 2 trained in the part [1, 2]: the same losses, bit for bit');
  assert.deepEqual(last.get(ids[2]), all.get(ids[2]), 'run 3 trained alone: the same losses, bit for bit');
  assert.deepEqual([...last.keys()], [ids[2]], 'a part streams only its own runs');
  // Only the part's run folders exist in its runs folder; their run.json is the full comparison's record.
  assert.deepEqual(fs.readdirSync(path.join(dir, 'part-2')), [ids[2]]);
  const rec = readRun(path.join(dir, 'part-2'), ids[2])!.record;
  assert.equal(rec.index, 2);
  assert.equal(rec.label, spec.runs[2].label);
  assert.equal(rec.comparisonId, comparisonId);
}

describe('engine: a comparison trained in parts (runIndices)', function () {
  this.timeout(120_000);

  it('MLP: each run of a part has the same losses as with all runs in one process', async () => {
    const spec = threeRuns(40);
    await checkSplit(spec, 40);
  });

  it('Transformer paper preset (native step): each run of a part has the same first 10 losses', async () => {
    await checkSplit(paperTransformerComparison({ steps: 10 }), 10);
  });

  it('refuses a part that is not ascending runs of the comparison', async () => {
    const spec = comparison([{ label: 'RAdam', optimizer: { name: 'radam' } }, { label: 'Adam', optimizer: { name: 'adam' } }], { steps: 3 });
    await assert.rejects(runComparison({ comparison: spec, runsDir: dir, runIndices: [1, 0] }), /ascend/);
    await assert.rejects(runComparison({ comparison: spec, runsDir: dir, runIndices: [2] }), /not a run/);
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing on disk');
  });
});
