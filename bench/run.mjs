#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in turn (or those named: `npm run bench -- optim`),
// each in its own process so one bench's allocator state and thread pools do not colour the next.
// Each bench prints its own table of figures measured in that one run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
  .sort();
// Steadier timings on these VMs (see the environment notes): keep big buffers mapped, do not trim.
const env = {
  MALLOC_MMAP_THRESHOLD_: '33554432',
  MALLOC_TRIM_THRESHOLD_: '1073741824',
  MALLOC_TOP_PAD_: '268435456',
  ...process.env,
  RADAM_REQUIRE_NATIVE: process.env.RADAM_REQUIRE_NATIVE ?? '1',
};
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit', env });
  if (r.status !== 0) {
    failed++;
    console.log(`[bench] ${file} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
