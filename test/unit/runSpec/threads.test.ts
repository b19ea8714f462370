// radam.training.threads: contributed in package.json, validated with every other setting, read by
// threadsFromSettings into what TrainingManager passes to the trainer (0 = auto).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpecFromSettings, threadsFromSettings } from '../../../src/runSpec/fromSettings';
import { checkSetting, type SettingSchema } from '../../../src/runSpec/settingsSchema';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8'));
const schema: Record<string, SettingSchema> = pkg.contributes.configuration.properties;
const KEY = 'radam.training.threads';

describe('settings: radam.training.threads', () => {
  it('is contributed as an integer 0..64, default 0 (auto), with a description', () => {
    const s = schema[KEY] as SettingSchema & { markdownDescription?: string };
    assert.ok(s, `${KEY} is contributed`);
    assert.equal(s.type, 'integer');
    assert.equal(s.default, 0);
    assert.equal(s.minimum, 0);
    assert.equal(s.maximum, 64);
    assert.match(s.markdownDescription ?? '', /`0` = automatic/);
    assert.equal(checkSetting(KEY, s, s.default), null);
  });

  it('0 or unset is auto; 1..64 fix the intra-op threads', () => {
    assert.equal(threadsFromSettings({}), 'auto');
    assert.equal(threadsFromSettings({ [KEY]: 0 }), 'auto');
    assert.equal(threadsFromSettings({ [KEY]: 1 }), 1);
    assert.equal(threadsFromSettings({ [KEY]: 64 }), 64);
  });

  it('out-of-range and non-integer values stop the run with a message naming the setting', () => {
    for (const bad of [65, -1, 2.5, 'auto']) {
      const r = runSpecFromSettings({ [KEY]: bad }, schema);
      assert.ok(!r.ok, JSON.stringify(bad));
      assert.deepEqual(r.problems.map((p) => p.key), [KEY]);
      assert.match(r.problems[0].message, /radam\.training\.threads .* it must be an integer at least 0 and at most 64/);
    }
    assert.ok(runSpecFromSettings({ [KEY]: 2 }, schema).ok);
  });

  it('does not change the run spec (run.json): threads change speed, not results', () => {
    const a = runSpecFromSettings({ [KEY]: 0 }, schema);
    const b = runSpecFromSettings({ [KEY]: 8 }, schema);
    assert.ok(a.ok && b.ok);
    assert.deepEqual(a.spec, b.spec);
  });
});
