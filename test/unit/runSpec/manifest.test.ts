// package.json's contributes.configuration is generated from src/runSpec/schema.ts (`npm run gen:manifest`):
// this fails when someone edits one without the other.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v from 'valibot';
import { configurationProperties } from '../../../src/runSpec/manifest';
import { SETTINGS } from '../../../src/runSpec/schema';
import { manifestText } from '../../tools/genManifest';
import { repoRoot } from '../../tools/readmeTables';

const file = path.join(repoRoot(), 'package.json');

describe('package.json contributes.configuration = the schema', () => {
  it('package.json is what `npm run gen:manifest` writes (run it after changing src/runSpec/schema.ts)', () => {
    const current = fs.readFileSync(file, 'utf8');
    const expected = manifestText(current);
    if (expected !== current) {
      const have = JSON.parse(current).contributes.configuration.properties as Record<string, unknown>;
      const want = configurationProperties();
      const differ = [...new Set([...Object.keys(have), ...Object.keys(want)])].filter((k) => JSON.stringify(have[k]) !== JSON.stringify(want[k]));
      assert.fail(`package.json's settings differ from src/runSpec/schema.ts (${differ.join(', ') || 'order or title'}); run \`npm run gen:manifest\``);
    }
  });

  it('the generator follows an edit of the declaration (the check above can fail)', () => {
    const current = fs.readFileSync(file, 'utf8');
    const lr = SETTINGS.find((s) => s.id === 'radam.optimizer.learningRate')!;
    const saved = lr.leaf.doc.default;
    lr.leaf.doc.default = 0.02;
    try {
      assert.notEqual(manifestText(current), current);
      assert.equal(JSON.parse(manifestText(current)).contributes.configuration.properties['radam.optimizer.learningRate'].default, 0.02);
    } finally {
      lr.leaf.doc.default = saved;
    }
    assert.equal(manifestText(current), current);
  });

  it('every setting is declared once, each default within its own range, each enum value described when any is', () => {
    const ids = SETTINGS.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length, 'a setting id declared twice');
    for (const { id, leaf } of SETTINGS) {
      assert.ok(v.is(leaf.schema, leaf.doc.default), `${id}: its default ${JSON.stringify(leaf.doc.default)} is outside its range`);
      if (leaf.doc.enumDescriptions) assert.equal(leaf.doc.enumDescriptions.length, leaf.range.enum?.length, `${id}: one description per value`);
      assert.ok(leaf.doc.description.length > 10, `${id}: has a description`);
    }
  });
});
