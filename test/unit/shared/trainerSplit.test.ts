// Splitting a comparison over trainer processes (src/shared/trainerSplit.ts, issue 17): which runs go
// where, the auto rule with each of its conditions, the setting's parsing, and the trainer's check of a
// part it is given (the protocol refuses a bad one). Pure: no tfjs, no processes.
import assert from 'node:assert/strict';
import { isStartComparison } from '../../../src/protocol/trainer';
import { paperTransformerComparison } from '../../../src/runSpec/presets';
import { newComparisonId, runIdFor } from '../../../src/shared/runId';
import {
  SPLIT_MIN_SECONDS_SAVED,
  describePlan,
  estimatedStepSeconds,
  parseProcessesOverride,
  planProcesses,
  runIndicesProblem,
  splitRuns,
  type SplitInput,
} from '../../../src/shared/trainerSplit';
import { threeRuns } from '../engine/specs';

const quiet: SplitInput = { cores: 2, intraOpThreads: 1, setting: 'auto', otherComparisons: 0 };

describe('shared/trainerSplit: one comparison over one or two trainer processes', () => {
  it('splits the runs into two contiguous parts, the first larger by at most one', () => {
    assert.deepEqual(splitRuns(1), [[0]]);
    assert.deepEqual(splitRuns(2), [[0], [1]]);
    assert.deepEqual(splitRuns(3), [[0, 1], [2]]);
    assert.deepEqual(splitRuns(6), [[0, 1, 2], [3, 4, 5]]);
    assert.deepEqual(splitRuns(7), [[0, 1, 2, 3], [4, 5, 6]]);
  });

  it('auto splits the Transformer paper preset on 2 quiet cores with one intra-op thread', () => {
    const preset = paperTransformerComparison();
    const plan = planProcesses(preset, quiet);
    assert.deepEqual(plan.parts, [[0, 1], [2]]);
    assert.match(plan.why, /^auto: 1 intra-op thread, 2 cores, ~\d+\.\d s of training moved/);
    // The estimate of its step (596 ops, 705 MFLOP) is of the measured order (33 ms on one thread).
    const step = estimatedStepSeconds(preset.runs[0]);
    assert.ok(step > 0.015 && step < 0.05, `estimated ${step} s per step`);
    assert.equal(describePlan(plan), `2 trainer processes (runs 1-2 | 3) (${plan.why})`);
  });

  it('auto keeps one process for each condition that fails', () => {
    const preset = paperTransformerComparison();
    assert.equal(planProcesses(preset, { ...quiet, cores: 1 }).parts.length, 1);
    assert.match(planProcesses(preset, { ...quiet, cores: 1 }).why, /1 core/);
    assert.equal(planProcesses(preset, { ...quiet, intraOpThreads: 2 }).parts.length, 1);
    assert.match(planProcesses(preset, { ...quiet, intraOpThreads: 2 }).why, /2 intra-op threads/);
    assert.equal(planProcesses(preset, { ...quiet, otherComparisons: 1 }).parts.length, 1);
    assert.match(planProcesses(preset, { ...quiet, otherComparisons: 2 }).why, /2 other comparison/);
    const single = { ...preset, kind: 'single' as const, runs: preset.runs.slice(0, 1) };
    assert.deepEqual(planProcesses(single, quiet), { parts: [[0]], why: 'one run' });
    // Small work: the tiny spiral MLP for 30 steps is far under the start-up a second process costs.
    const small = planProcesses(threeRuns(30), quiet);
    assert.deepEqual(small.parts, [[0, 1, 2]]);
    assert.match(small.why, new RegExp(`under ${SPLIT_MIN_SECONDS_SAVED} s`));
  });

  it('auto splits a small model once its steps add up to the threshold, not before', () => {
    const perStep = estimatedStepSeconds(threeRuns(1).runs[2]);
    const enough = Math.ceil(SPLIT_MIN_SECONDS_SAVED / perStep) + 1;
    assert.equal(planProcesses(threeRuns(enough), quiet).parts.length, 2);
    assert.equal(planProcesses(threeRuns(Math.floor(enough / 2)), quiet).parts.length, 1);
  });

  it('the setting forces one or two processes (two needs two runs)', () => {
    assert.deepEqual(planProcesses(threeRuns(30), { ...quiet, setting: 2 }).parts, [[0, 1], [2]]);
    assert.deepEqual(planProcesses(threeRuns(30), { ...quiet, setting: 2, cores: 1, otherComparisons: 3 }).parts, [[0, 1], [2]]);
    assert.deepEqual(planProcesses(paperTransformerComparison(), { ...quiet, setting: 1 }).parts, [[0, 1, 2]]);
    const single = { ...threeRuns(30), runs: threeRuns(30).runs.slice(0, 1) };
    assert.deepEqual(planProcesses(single, { ...quiet, setting: 2 }).parts, [[0]]);
  });

  it('parses radam.training.processes: 0/auto, 1, 2; anything else is invalid', () => {
    assert.equal(parseProcessesOverride(undefined), 'auto');
    assert.equal(parseProcessesOverride(0), 'auto');
    assert.equal(parseProcessesOverride('auto'), 'auto');
    assert.equal(parseProcessesOverride(1), 1);
    assert.equal(parseProcessesOverride('2'), 2);
    assert.equal(parseProcessesOverride(3), null);
    assert.equal(parseProcessesOverride(1.5), null);
  });

  it('a part must be ascending, distinct runs of the comparison; the start message refuses any other', () => {
    assert.equal(runIndicesProblem([0, 2], 3), null);
    assert.match(String(runIndicesProblem([], 3)), /empty/);
    assert.match(String(runIndicesProblem([3], 3)), /not a run/);
    assert.match(String(runIndicesProblem([-1], 3)), /not a run/);
    assert.match(String(runIndicesProblem([0.5], 3)), /not a run/);
    assert.match(String(runIndicesProblem([1, 1], 3)), /ascend/);
    assert.match(String(runIndicesProblem([2, 1], 3)), /ascend/);
    const spec = threeRuns(30);
    const comparisonId = newComparisonId();
    const start = { type: 'start', comparisonId, runIds: spec.runs.map((r, i) => runIdFor(comparisonId, i, r.label)), comparison: spec, runsDir: '/tmp/x' };
    assert.equal(isStartComparison(start), true);
    assert.equal(isStartComparison({ ...start, runIndices: [2] }), true);
    assert.equal(isStartComparison({ ...start, runIndices: [1, 0] }), false);
    assert.equal(isStartComparison({ ...start, runIndices: [3] }), false);
  });
});
