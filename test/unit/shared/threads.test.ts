// The thread rule (src/shared/threads.ts): its outputs for chosen specs, the overrides, and the parsing of
// the setting and the --threads flag. Pure: no tfjs, no processes.
import assert from 'node:assert/strict';
import {
  FLOPS_PER_OP_PER_THREAD,
  PARALLEL_ABOVE_FLOPS_PER_OP,
  describeThreadEnv,
  flopsPerOp,
  intraOpThreads,
  interOpThreads,
  macsPerExample,
  opsPerStep,
  parseThreadOverride,
  stepFlops,
  tfThreadEnv,
  threadEnvFor,
} from '../../../src/shared/threads';
import { parseArgs, UsageError } from '../../../src/cli/args';
import type { ComparisonSpec, RunSpec } from '../../../src/runSpec/runSpec';
import { runSpec } from '../engine/specs';

const mlp = (dataset: RunSpec['dataset']['name'], hiddenLayers: number[], batchSize: number): RunSpec =>
  runSpec({ dataset: { name: dataset, validationSplit: 0.2 }, model: { name: 'mlp', hiddenLayers, activation: 'relu' }, batchSize });

describe('shared/threads: TensorFlow thread settings from the model size and the core count', () => {
  it('counts the work of a step: 6 x batch x multiply-adds per example', () => {
    // 784*256 + 256*256 + 256*10 = 268,800 multiply-adds per example.
    assert.equal(macsPerExample(mlp('digits', [256, 256], 128)), 268_800);
    assert.equal(stepFlops(mlp('digits', [256, 256], 128)), 6 * 128 * 268_800); // 206.4 MFLOP
    assert.equal(stepFlops(mlp('spiral', [64, 64], 32)), 6 * 32 * (2 * 64 + 64 * 64 + 64 * 3));
    // The cnn on digits: 26*26*9*8 + 11*11*9*8*16 + 5*5*16*10.
    assert.equal(macsPerExample({ ...mlp('digits', [], 64), model: { name: 'cnn', hiddenLayers: [], activation: 'relu' } }), 48_672 + 139_392 + 4_000);
    // csv: shape unknown without the file; counted as a narrow table, not as nothing.
    assert.ok(macsPerExample({ ...mlp('spiral', [64], 32), dataset: { name: 'csv', validationSplit: 0.2, csvPath: 'x.csv' } }) > 0);
  });

  it('sizes an op: FLOPs per step over the native ops of the fused step', () => {
    assert.equal(opsPerStep(mlp('digits', [256, 256], 128)), 41);
    assert.equal(flopsPerOp(mlp('digits', [256, 256], 128)), (6 * 128 * 268_800) / 41); // 5.0 MFLOP
    assert.equal(opsPerStep({ ...mlp('digits', [], 64), model: { name: 'cnn', hiddenLayers: [], activation: 'relu' } }), 92);
    const transformer = { ...mlp('reverse', [], 32), model: { name: 'transformer' as const, hiddenLayers: [], activation: 'relu' as const, layers: 6 } };
    assert.equal(opsPerStep(transformer), 596);
  });

  it('one intra-op thread where the quiet-machine sweep found it fastest: small ops (the defaults, MLP up to batch 128, the CNN, the Transformer preset)', () => {
    const cnn128 = { ...mlp('digits', [], 128), model: { name: 'cnn' as const, hiddenLayers: [], activation: 'relu' as const } };
    const transformer = { ...mlp('reverse', [], 32), model: { name: 'transformer' as const, hiddenLayers: [], activation: 'relu' as const, layers: 6, dModel: 64, heads: 4 } };
    for (const spec of [mlp('spiral', [64, 64], 32), mlp('digits', [256, 256], 32), mlp('digits', [256, 256], 128), cnn128, transformer]) {
      for (const cores of [2, 8, 64]) {
        assert.deepEqual(tfThreadEnv(spec, cores, 'auto'), { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '2' }, `${JSON.stringify(spec.model)} b${spec.batchSize}, ${cores} cores`);
      }
    }
  });

  it('two threads where it found 2 faster (MLP at batch 512 and 1024, 1024-wide at 128); more per FLOPS_PER_OP_PER_THREAD, at most one per core', () => {
    for (const spec of [mlp('digits', [256, 256], 512), mlp('digits', [256, 256], 1024), mlp('digits', [1024, 1024], 128)]) {
      assert.equal(tfThreadEnv(spec, 2, 'auto').TF_NUM_INTRAOP_THREADS, '2', `${JSON.stringify(spec.model)} b${spec.batchSize}`);
    }
    assert.equal(intraOpThreads(PARALLEL_ABOVE_FLOPS_PER_OP * 0.99, 8), 1);
    assert.equal(intraOpThreads(PARALLEL_ABOVE_FLOPS_PER_OP, 8), 2);
    assert.equal(intraOpThreads(PARALLEL_ABOVE_FLOPS_PER_OP + 2 * FLOPS_PER_OP_PER_THREAD, 8), 4);
    assert.equal(intraOpThreads(1e15, 8), 8);
    assert.equal(intraOpThreads(1e15, 2), 2);
    assert.equal(intraOpThreads(1e15, 1), 1);
    assert.equal(intraOpThreads(1e18, 1024), 64);
    // inter-op threads: one per core, at most 2 (graph steps; see threads.ts)
    assert.deepEqual([1, 2, 8].map(interOpThreads), [1, 2, 2]);
    assert.equal(tfThreadEnv(mlp('spiral', [64, 64], 32), 1, 'auto').TF_NUM_INTEROP_THREADS, '1');
    // 784-1024-1024-10 at batch 1024: 279 MFLOP per op -> 2 + floor(269 / 40) = 8 threads on 8 cores, 2 on 2.
    const big = mlp('digits', [1024, 1024], 1024);
    assert.equal(tfThreadEnv(big, 8, 'auto').TF_NUM_INTRAOP_THREADS, '8');
    assert.equal(tfThreadEnv(big, 2, 'auto').TF_NUM_INTRAOP_THREADS, '2');
    assert.equal(tfThreadEnv(big, 1, 'auto').TF_NUM_INTRAOP_THREADS, '1');
  });

  it('a comparison is sized by its largest run; a fixed override wins over the rule', () => {
    const c: ComparisonSpec = { kind: 'compare-adam', runs: [mlp('digits', [256, 256], 128), mlp('digits', [4096, 4096], 1024)] };
    assert.ok(Number(tfThreadEnv(c, 16, 'auto').TF_NUM_INTRAOP_THREADS) > 1);
    assert.deepEqual(tfThreadEnv(mlp('spiral', [64, 64], 32), 2, 4), { TF_NUM_INTRAOP_THREADS: '4', TF_NUM_INTEROP_THREADS: '2' });
    assert.equal(tfThreadEnv(mlp('spiral', [64, 64], 32), 2, 500).TF_NUM_INTRAOP_THREADS, '64');
  });

  it('auto leaves TF_* variables the user exported alone; a fixed setting overrides them', () => {
    const spec = mlp('digits', [256, 256], 128);
    assert.deepEqual(threadEnvFor(spec, 2, 'auto', { TF_NUM_INTRAOP_THREADS: '2' }), { TF_NUM_INTEROP_THREADS: '2' });
    assert.deepEqual(threadEnvFor(spec, 2, 'auto', { TF_NUM_INTRAOP_THREADS: '' }), { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '2' });
    assert.deepEqual(threadEnvFor(spec, 2, 3, { TF_NUM_INTRAOP_THREADS: '2' }), { TF_NUM_INTRAOP_THREADS: '3', TF_NUM_INTEROP_THREADS: '2' });
    assert.match(describeThreadEnv(tfThreadEnv(spec, 2, 'auto'), spec, 2, 'auto'), /TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=2 \(auto: 206\.4 MFLOP per step, 5\.0 MFLOP per op, 2 cores\)/);
  });

  it('parses the setting (0 = auto) and --threads (auto or 1..64)', () => {
    assert.equal(parseThreadOverride(0), 'auto');
    assert.equal(parseThreadOverride(undefined), 'auto');
    assert.equal(parseThreadOverride('auto'), 'auto');
    assert.equal(parseThreadOverride(1), 1);
    assert.equal(parseThreadOverride('12'), 12);
    assert.equal(parseThreadOverride(64), 64);
    for (const bad of [65, -1, 1.5, 'two', '', true]) assert.equal(parseThreadOverride(bad), null, JSON.stringify(bad));
  });

  it('radam-lab train --threads N|auto (default auto)', () => {
    const threadsOf = (argv: string[]) => {
      const a = parseArgs(argv);
      assert.ok(a.command === 'train');
      return a.threads;
    };
    assert.equal(threadsOf(['train']), 'auto');
    assert.equal(threadsOf(['train', '--threads', 'auto']), 'auto');
    assert.equal(threadsOf(['train', '--threads=3']), 3);
    assert.throws(() => parseArgs(['train', '--threads', '65']), (e: unknown) => e instanceof UsageError && /--threads: expected auto or an integer in \[1, 64\], got "65"/.test(e.message));
    assert.throws(() => parseArgs(['train', '--threads', 'many']), UsageError);
  });
});
