// Which reference trajectories the reference test replays: the repository's own, plus extra files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadReference, readReferenceFile, repoReferencePath, type ReferenceFile } from './helpers';

describe('optim: loading the reference trajectories', () => {
  let dir: string;
  const saved = process.env.RADAM_REFERENCE;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-ref-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.RADAM_REFERENCE;
    else process.env.RADAM_REFERENCE = saved;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the repository holds its own file, under test/fixtures/reference', () => {
    const p = repoReferencePath();
    assert.ok(p.endsWith(path.join('test', 'fixtures', 'reference', 'optimizer-trajectories.json')), p);
    assert.ok(readReferenceFile(p).cases.length > 0);
  });

  it('adds the cases of RADAM_REFERENCE files: new ones, and same-named ones that differ; identical ones once', () => {
    const own = readReferenceFile(repoReferencePath());
    const [first] = own.cases;
    const changed = JSON.parse(JSON.stringify(first)) as typeof first;
    changed.steps[0].params[Object.keys(changed.shapes)[0]][0] += 1;
    const extra: ReferenceFile = {
      tolerance: { atol: 2e-5, rtol: 3e-4 },
      cases: [first, { ...first, name: 'extra-case' }, changed],
    };
    const file = path.join(dir, 'extra.json');
    fs.writeFileSync(file, JSON.stringify(extra));
    process.env.RADAM_REFERENCE = file;
    const loaded = loadReference();
    assert.ok(loaded.extraFiles.includes(file));
    const fromExtra = loaded.cases.filter((c) => c.source === file);
    assert.deepEqual(
      fromExtra.map((c) => c.name),
      ['extra-case', `${first.name} (${file})`],
    );
    assert.ok(fromExtra.every((c) => c.atol === 2e-5 && c.rtol === 3e-4), 'each case keeps its file tolerance');
    assert.equal(loaded.cases.filter((c) => c.source === loaded.repoFile).length, own.cases.length);
  });

  it('a RADAM_REFERENCE file that does not exist is an error, not silently skipped', () => {
    process.env.RADAM_REFERENCE = path.join(dir, 'missing.json');
    assert.throws(() => loadReference(), /does not exist/);
  });
});
