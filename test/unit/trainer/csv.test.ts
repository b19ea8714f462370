import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DatasetSpec } from '../../../src/runSpec/runSpec';
import { DatasetError, loadDataset } from '../../../src/trainer/datasets';
import { parseCsv } from '../../../src/trainer/datasets/csvParse';

let root: string; // a temporary workspace folder
let outside: string; // a folder next to it

const IRIS = [
  'sepal_length,sepal_width,petal_length,petal_width,species',
  '5.1,3.5,1.4,0.2,setosa',
  '7.0,3.2,4.7,1.4,versicolor',
  '6.3,3.3,6.0,2.5,virginica',
  '4.9,3.0,1.4,0.2,setosa',
  '6.4,3.2,4.5,1.5,versicolor',
  '5.8,2.7,5.1,1.9,virginica',
];

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}
const csv = (csvPath: string, extra: Partial<DatasetSpec> = {}): DatasetSpec => ({
  name: 'csv',
  validationSplit: 0,
  csvPath,
  ...extra,
});
const load = (s: DatasetSpec, seed = 1) => loadDataset(s, seed, { workspaceRoot: root });

/** The DatasetError thrown by f, with its message, file, line and column. */
function error(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DatasetError, `expected a DatasetError, got ${e}`);
    return e;
  }
  assert.fail('no error thrown');
}

describe('trainer/datasets: csv', () => {
  before(() => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'radam-csv-'));
    root = path.join(base, 'workspace');
    outside = path.join(base, 'outside');
    fs.mkdirSync(root);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.csv'), IRIS.join('\n'));
  });
  after(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  it('reads text labels as classes (sorted), with CRLF, quotes and trailing blank lines', () => {
    const rows = [...IRIS];
    rows[0] = 'sepal_length,"sepal, width",petal_length,petal_width,species';
    rows[2] = '7.0,"3.2",4.7,1.4,"versi""color"'; // a doubled quote inside a quoted field
    write('data/iris.csv', '\ufeff' + rows.join('\r\n') + '\r\n\r\n\r\n');
    const d = load(csv('data/iris.csv', { csvLabelColumn: 'species' }));
    assert.equal(d.info.task, 'classification');
    assert.deepEqual(d.info.classNames, ['setosa', 'versi"color', 'versicolor', 'virginica']);
    assert.deepEqual(d.info.featureNames, ['sepal_length', 'sepal, width', 'petal_length', 'petal_width']);
    assert.deepEqual(d.info.inputShape, [4]);
    assert.equal(d.info.outputSize, 4);
    assert.equal(d.train.n, 6);
    // setosa x2, versi"color, versicolor, virginica x2 (the split permutes rows: compare sorted)
    assert.deepEqual([...d.train.y].sort(), [0, 0, 1, 2, 3, 3]);
    assert.ok(d.info.featureScaling && Math.abs(d.info.featureScaling.mean[0] - 5.9167) < 1e-3);
  });

  it('reads a few distinct integers as classes and other numbers as a regression target', () => {
    write('ints.csv', 'a,b,label\n1,2,3\n2,3,1\n3,4,3\n4,5,2\n');
    const c = load(csv('ints.csv'));
    assert.equal(c.info.task, 'classification');
    assert.deepEqual(c.info.classNames, ['1', '2', '3']);
    assert.deepEqual([...c.train.y].sort(), [0, 1, 2, 2]);

    write('reg.csv', 'x,y\n1,0.5\n2,1.5\n3,2.5\n4,3.5\n');
    const r = load(csv('reg.csv', { csvLabelColumn: '1' })); // a 0-based index
    assert.equal(r.info.task, 'regression');
    assert.equal(r.info.outputSize, 1);
    assert.deepEqual(r.info.targetScaling?.mean, [2]);
    assert.ok(Math.abs([...r.train.y].reduce((a, b) => a + b, 0)) < 1e-6, 'targets standardised');

    // Many distinct integers: regression too (ages, counts, prices in cents).
    write('many.csv', 'x,y\n' + Array.from({ length: 30 }, (_, i) => `${i},${i * 7}`).join('\n'));
    assert.equal(load(csv('many.csv', { csvLabelColumn: 'y' })).info.task, 'regression');
  });

  it('splits deterministically for a seed', () => {
    write('iris.csv', IRIS.join('\n'));
    const a = load(csv('iris.csv', { validationSplit: 0.5 }), 3);
    const b = load(csv('iris.csv', { validationSplit: 0.5 }), 3);
    assert.deepEqual(a, b);
    const others = [4, 5, 6, 7].map((s) => load(csv('iris.csv', { validationSplit: 0.5 }), s).validation.y.join());
    assert.ok(others.some((v) => v !== a.validation.y.join()), 'another seed, another split');
  });

  it('names file, line and column of a value that is not a number', () => {
    const rows = [...IRIS];
    rows[3] = '6.3,3.3,6.0,abc,virginica'; // line 4; "abc" starts at character 13
    write('data.csv', rows.join('\n'));
    const e = error(() => load(csv('data.csv', { csvLabelColumn: 'species' })));
    assert.equal(e.message, 'data.csv:4:13: "abc" is not a number (column "petal_width")');
    assert.deepEqual([e.file, e.line, e.column], ['data.csv', 4, 13]);
  });

  it('counts lines inside quoted fields and CRLF correctly in error positions', () => {
    write('multi.csv', 'x,y,label\r\n1,2,"two\r\nlines"\r\n3,,b\r\n');
    const e = error(() => load(csv('multi.csv')));
    assert.equal(e.message, 'multi.csv:4:3: empty value (column "y")');
  });

  it('reports rows of the wrong width, unterminated quotes, odd text after quotes and bad headers', () => {
    write('short.csv', 'a,b,label\n1,2,x\n3,y\n');
    assert.equal(error(() => load(csv('short.csv'))).message, 'short.csv:3:1: this row has 2 fields, the header has 3');
    write('open.csv', 'a,label\n1,x\n2,"y\n3,z\n');
    assert.equal(error(() => load(csv('open.csv'))).message, 'open.csv:3:3: unterminated quoted field (no closing ")');
    write('after.csv', 'a,label\n1,"x"y\n');
    assert.equal(error(() => load(csv('after.csv'))).message, 'after.csv:2:6: unexpected character "y" after a closing quote');
    assert.match(error(() => load(csv('iris.csv', { csvLabelColumn: 'kind' }))).message, /^iris.csv:1:1: no label column "kind" in the header \(columns: sepal_length, /);
    write('empty.csv', '\n\n');
    assert.match(error(() => load(csv('empty.csv'))).message, /^empty.csv: the file is empty/);
    write('one.csv', 'a,label\n1,x\n');
    assert.match(error(() => load(csv('one.csv'))).message, /^one.csv: needs at least 2 data rows/);
    write('same.csv', 'a,label\n1,x\n2,x\n');
    assert.match(error(() => load(csv('same.csv'))).message, /single value "x"; nothing to learn/);
    write('hex.csv', 'a,label\n0x10,x\n2,y\n');
    assert.equal(error(() => load(csv('hex.csv'))).message, 'hex.csv:2:1: "0x10" is not a number (column "a")');
  });

  it('refuses paths that leave the workspace: .., absolute, symlinks', () => {
    assert.match(error(() => load(csv('../outside/secret.csv'))).message, /must be inside the workspace folder/);
    assert.match(error(() => load(csv(path.join(outside, 'secret.csv')))).message, /must be inside the workspace folder/);
    assert.match(error(() => load(csv('data/../../outside/secret.csv'))).message, /must be inside the workspace folder/);
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(root, 'link.csv'));
    assert.match(error(() => load(csv('link.csv'))).message, /^link.csv: resolves \(through a symbolic link\) to .*outside the workspace folder/);
    fs.symlinkSync(outside, path.join(root, 'linkdir'));
    assert.match(error(() => load(csv('linkdir/secret.csv'))).message, /outside the workspace folder/);
    // An absolute path inside the workspace is fine, and so is a link that stays inside.
    assert.equal(load(csv(path.join(root, 'iris.csv'))).train.n, 6);
    fs.symlinkSync(path.join(root, 'iris.csv'), path.join(root, 'inner-link.csv'));
    assert.equal(load(csv('inner-link.csv')).train.n, 6);
    assert.match(error(() => load(csv('missing.csv'))).message, /^missing.csv: file not found/);
    assert.match(error(() => load(csv('data'))).message, /^data: not a regular file/);
    assert.match(error(() => loadDataset(csv('iris.csv'), 1)).message, /needs an open workspace folder/);
    assert.match(error(() => load(csv(''))).message, /no file is set/);
  });
});

describe('trainer/datasets: csv parser', () => {
  const rows = (text: string) => {
    const out: string[][] = [];
    parseCsv(text, 'f.csv', (fields) => out.push(fields.map((f) => f.text)));
    return out;
  };
  it('handles quotes, embedded newlines, lone CR, trailing commas and blank lines', () => {
    assert.deepEqual(rows('a,b\n"x,1","y\n2"\n'), [['a', 'b'], ['x,1', 'y\n2']]);
    assert.deepEqual(rows('a,b\r1,2\r'), [['a', 'b'], ['1', '2']]);
    assert.deepEqual(rows('a,b,\n1,2,\n'), [['a', 'b', ''], ['1', '2', '']]);
    assert.deepEqual(rows('a,b\n\n  \n1,2'), [['a', 'b'], ['1', '2']]);
    assert.deepEqual(rows('""\n'), [['']], 'a quoted empty field is a record, not a blank line');
    assert.deepEqual(rows('a"b,c\n'), [['a"b', 'c']]);
  });
});
