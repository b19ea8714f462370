// The trainer's allocator settings (src/host/allocatorEnv.ts): what is added to its environment, and that
// a user's own MALLOC_ tuning is left whole. Pure: no processes (test/processes/trainerProcess.test.ts checks
// that a forked trainer really starts with them).
import assert from 'node:assert/strict';
import { KEEP_FREED_MEMORY, allocatorEnv } from '../../../src/host/allocatorEnv';

describe('allocatorEnv (glibc malloc settings of the trainer)', () => {
  it('keeps freed memory mapped: no mmap under 32 MiB, no trim under 1 GiB, 256 MiB of heap padding', () => {
    assert.deepEqual(allocatorEnv({ PATH: '/usr/bin' }), {
      MALLOC_MMAP_THRESHOLD_: '33554432',
      MALLOC_TRIM_THRESHOLD_: '1073741824',
      MALLOC_TOP_PAD_: '268435456',
    });
  });

  it('adds nothing when the environment already tunes malloc (the user decides as a whole)', () => {
    assert.deepEqual(allocatorEnv({ MALLOC_ARENA_MAX: '2' }), {});
    assert.deepEqual(allocatorEnv({ MALLOC_TRIM_THRESHOLD_: '0' }), {});
  });

  it('an empty MALLOC_ variable is not a setting', () => {
    assert.deepEqual(allocatorEnv({ MALLOC_ARENA_MAX: '' }), { ...KEEP_FREED_MEMORY });
  });

  it('returns a copy the caller may change', () => {
    const env = allocatorEnv({});
    env.MALLOC_TOP_PAD_ = '0';
    assert.equal(KEEP_FREED_MEMORY.MALLOC_TOP_PAD_, '268435456');
  });
});
