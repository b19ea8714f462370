// The CLI's flags without a process (the train and inspect commands run as processes in test/processes/).
import assert from 'node:assert/strict';
import { applyOverrides, comparisonFromFile, parseArgs, UsageError } from '../../../src/cli/args';
import { runSpec } from './specs';

describe('radam-lab flags (args.ts, no tfjs)', () => {
  it('parses and merges without tfjs (args.ts)', () => {
    assert.throws(() => parseArgs(['train', '--optimizer', 'adagrad']), UsageError);
    const a = parseArgs(['train', '--lr=0.1', '--compare', 'adam,sgd-momentum']);
    assert.ok(a.command === 'train');
    const c = applyOverrides(comparisonFromFile(runSpec()), a.overrides);
    assert.deepEqual(c.runs.map((r) => r.optimizer.name), ['radam', 'adam', 'sgd-momentum']);
    assert.ok(c.runs.every((r) => r.optimizer.learningRate === 0.1 && r.seed === 7));
    assert.equal(c.runs[1].optimizer.rectificationThreshold, undefined, 'RAdam-only fields stay off the baselines');
  });

  it('parses LOGDIR and --json; rejects a missing LOGDIR, two of them and unknown flags', () => {
    assert.deepEqual(parseArgs(['inspect', 'logs', '--json']), { command: 'inspect', logdir: 'logs', json: true });
    assert.deepEqual(parseArgs(['inspect', '--', '--odd-name']), { command: 'inspect', logdir: '--odd-name', json: false });
    assert.throws(() => parseArgs(['inspect']), UsageError);
    assert.throws(() => parseArgs(['inspect', 'a', 'b']), UsageError);
    assert.throws(() => parseArgs(['inspect', 'a', '--out', 'x']), UsageError);
  });
});
