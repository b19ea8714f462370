// glibc malloc settings for the trainer process. Like TensorFlow's thread settings (threads.ts) they are read
// once, when the process starts, so they go into the environment the host forks the trainer with.
//
// Why: TensorFlow allocates every op's output with malloc, and glibc hands freed blocks of more than a few
// hundred KiB back to the kernel (mmap'd blocks, and trimming the heap's top), so the next op's output lands
// in fresh pages, which the kernel must map and zero again (~17 us per 4 KiB page on these VMs,
// ../shared/notes/environment.md). Keeping freed memory mapped (no mmap for blocks under 32 MiB, no trimming
// below 1 GiB free, grow the heap by 256 MiB at a time) left the Transformer preset's step time as it was
// (28.9 against 28.2-28.5 ms with one core free) but cut its CPU time per step from 39-45 ms to 35 ms
// (docs/training-speed.md, "glibc's allocator"): CPU the rest of the machine (VS Code, the second trainer of
// a split comparison) gets back. The benches have always run their trainers with these settings.
// The cost: the trainer keeps its peak memory until it exits.
//
// Untouched heap is not resident, so the 256 MiB of padding costs address space, not memory.

/** The settings (glibc reads MALLOC_*_ at start-up; other C libraries ignore them). */
export const KEEP_FREED_MEMORY: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024),
  MALLOC_TOP_PAD_: String(256 * 1024 * 1024),
});

/**
 * What to add to a trainer's environment: KEEP_FREED_MEMORY, or nothing when `env` already sets any MALLOC_
 * variable (the user's own tuning, e.g. exported before starting VS Code, wins as a whole: glibc's settings
 * interact, so half of ours beside half of theirs would be neither).
 */
export function allocatorEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const own = Object.keys(env).some((k) => k.startsWith('MALLOC_') && env[k] !== undefined && env[k] !== '');
  return own ? {} : { ...KEEP_FREED_MEMORY };
}
