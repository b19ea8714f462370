// One comparison over two real trainer processes (dist/trainer.js x 2, issue 17), through the host's
// TrainerGroup: each process trains its part, listeners hear one comparison's life (both parts'
// runs streamed, one comparisonEnded), every run folder is complete, and stop / pause reach both.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrainerGroup } from '../../src/host/trainerGroup';
import type { TrainerToHost } from '../../src/protocol/trainer';
import { readRun } from '../../src/runs';
import { threeRuns } from '../unit/engine/specs';

const distDir = path.resolve('dist');
let dir: string;
const groups: TrainerGroup[] = [];

function group(): { g: TrainerGroup; seen: TrainerToHost[] } {
  const g = new TrainerGroup({ distDir, log: () => {}, parts: [[0, 1], [2]] });
  groups.push(g);
  const seen: TrainerToHost[] = [];
  g.onMessage((m) => seen.push(m));
  return { g, seen };
}


const pidsOf = (seen: TrainerToHost[]) => new Set(seen.flatMap((m) => (m.type === 'comparisonStarted' ? m.runs.map((r) => r.pid) : [])));

describe('a comparison split over two trainer processes (TrainerGroup)', function () {
  this.timeout(120_000);
  before(() => assert.ok(fs.existsSync(path.join(distDir, 'trainer.js')), 'run node scripts/build.mjs first'));
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-group-'))));
  afterEach(async () => {
    for (const g of groups.splice(0)) {
      g.kill('SIGKILL');
      await g.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trains every run to the end in two processes: all metrics arrive, one comparisonEnded, complete folders', async () => {
    const { g, seen } = group();
    const { comparisonId, runIds } = g.startComparison({ comparison: threeRuns(200), runsDir: dir });
    assert.equal(runIds.length, 3);
    await g.exited; // each process is shut down once its part has ended
    const ends = seen.filter((m) => m.type === 'comparisonEnded');
    assert.deepEqual(ends, [{ type: 'comparisonEnded', comparisonId, ok: true }], 'one comparisonEnded, after both parts');
    assert.equal(seen[seen.length - 1].type, 'comparisonEnded', 'nothing after the end');
    const pids = pidsOf(seen);
    assert.equal(pids.size, 2, 'trained in two processes');
    assert.deepEqual(new Set(g.pids), pids);
    assert.ok(!pids.has(process.pid));
    const started = seen.flatMap((m) => (m.type === 'comparisonStarted' ? m.runs.map((r) => r.id) : []));
    assert.deepEqual([...started].sort(), [...runIds].sort(), 'every run started once');
    for (const id of runIds) {
      const run = readRun(dir, id)!;
      assert.equal(run.record.status, 'finished');
      assert.equal(run.metrics.length, 200);
      const streamed = seen.flatMap((m) => (m.type === 'metrics' ? m.batches.filter((b) => b.runId === id).flatMap((b) => b.metrics) : []));
      assert.deepEqual(streamed, run.metrics, `${id}: every record streamed, as on disk`);
    }
    const runEnded = seen.filter((m) => m.type === 'runEnded');
    assert.deepEqual(runEnded.map((m) => (m.type === 'runEnded' ? m.runId : '')).sort(), [...runIds].sort());
  });

  it('pause and stop reach both processes: both pause, then every run ends stopped', async () => {
    const { g, seen } = group();
    const { runIds } = g.startComparison({ comparison: threeRuns(1_000_000), runsDir: dir });
    const bothStreaming = () => runIds.every((id) => seen.some((m) => m.type === 'metrics' && m.batches.some((b) => b.runId === id && b.metrics.length > 0)));
    while (!bothStreaming()) await new Promise((r) => setTimeout(r, 50));
    g.pause();
    while (seen.filter((m) => m.type === 'paused' && m.paused).length < 2) await new Promise((r) => setTimeout(r, 50));
    g.resume();
    while (seen.filter((m) => m.type === 'paused' && !m.paused).length < 2) await new Promise((r) => setTimeout(r, 50));
    g.stop('enough');
    await g.exited;
    const end = seen.filter((m) => m.type === 'comparisonEnded');
    assert.equal(end.length, 1);
    assert.ok(end[0].type === 'comparisonEnded' && end[0].ok);
    for (const id of runIds) {
      const run = readRun(dir, id)!;
      assert.equal(run.record.status, 'stopped', `${id} stopped`);
      assert.equal(run.record.reason, 'enough');
      assert.ok(run.metrics.length >= 1);
      assert.equal(run.record.summary?.steps, run.metrics.length);
    }
  });
});
