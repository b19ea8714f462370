// Writes package.json's contributes.configuration from the declaration in src/runSpec/schema.ts, then the
// README's settings table from it. `npm run gen:manifest` (= build, then node out/test/tools/genManifest.js).
// `--check`: exit code 1 when package.json is stale (test/unit/runSpec/manifest.test.ts checks the same).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configurationContribution } from '../../src/runSpec/manifest';
import { repoRoot } from './readmeTables';

/** package.json's text with the generated contributes.configuration. */
export function manifestText(current: string): string {
  const pkg = JSON.parse(current) as { contributes: Record<string, unknown> };
  pkg.contributes.configuration = configurationContribution();
  return JSON.stringify(pkg, null, 2) + '\n';
}

function main(argv: string[]): number {
  const file = path.join(repoRoot(), 'package.json');
  const current = fs.readFileSync(file, 'utf8');
  const next = manifestText(current);
  if (argv.includes('--check')) {
    if (next === current) return 0;
    console.error('package.json: contributes.configuration differs from src/runSpec/schema.ts; run `npm run gen:manifest`');
    return 1;
  }
  if (next !== current) fs.writeFileSync(file, next);
  console.log(next === current ? 'package.json: contributes.configuration is up to date' : 'package.json: contributes.configuration rewritten from src/runSpec/schema.ts');
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
