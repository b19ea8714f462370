// Bad files on disk and bad input (issue 13): truncated and corrupt run files, crafted labels, symbolic
// links out of the runs folder, an unreadable --out, half-valid spec files and out-of-range flags. The
// CLI is the real one; the dashboard's side is the same functions (listRunEntries, toRunInfo, reasonText).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toRunInfo, unreadableRunInfo } from '../../src/panel/runAdapter';
import { HISTOGRAMS_FILE, METRICS_FILE, RUN_FILE, deleteRun, listRunEntries, newComparisonId, readMetricLines, readRun, runIdFor, writeJsonAtomic, type RunRecord } from '../../src/runs';
import { FIELD_RULES, ruleSchema } from '../../src/runSpec/rules';
import { packagedSettingsSchema } from '../../src/runSpec/schemaSource';
import { checkSetting } from '../../src/runSpec/settingsSchema';
import { DEFAULT_METRICS } from '../../src/runSpec/runSpec';
import { reasonText } from '../../webview/data/runReason';
import { CLI, assertNoStack, cli, isRoot, runFolders, tmpDir } from './helpers';

function record(id: string, over: Partial<RunRecord> = {}): RunRecord {
  const cid = id.split('-').slice(0, 4).join('-');
  return {
    format: 1,
    id,
    comparisonId: cid,
    comparisonKind: 'single',
    index: 0,
    label: 'RAdam',
    spec: {
      label: 'RAdam',
      optimizer: { name: 'radam', learningRate: 1e-3 },
      dataset: { name: 'spiral', validationSplit: 0.2 },
      model: { name: 'mlp', hiddenLayers: [8], activation: 'relu' },
      steps: 3,
      batchSize: 4,
      seed: 1,
      metrics: { ...DEFAULT_METRICS },
    },
    status: 'finished',
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    backend: { name: 'tensorflow', native: true },
    pid: 1,
    parameters: 1,
    dataset: { task: 'classification', inputShape: [2], outputSize: 3, trainExamples: 1, validationExamples: 0 },
    summary: { steps: 3, finalLoss: 0.5, minLoss: 0.5, finalValLoss: null, finalValAccuracy: null, wallMs: 1, samplesPerSecond: 1 },
    ...over,
  };
}

function writeRun(runsDir: string, rec: RunRecord, files: Record<string, string> = {}): void {
  fs.mkdirSync(path.join(runsDir, rec.id), { recursive: true });
  writeJsonAtomic(path.join(runsDir, rec.id, RUN_FILE), rec);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(runsDir, rec.id, name), text);
}

const line = (step: number) => JSON.stringify({ step, loss: 1 / step, lr: 0.001, rhoT: null, rT: null, rectified: null, effectiveStepSize: 0.001, gradNorm: null, updateRatio: null, ms: step }) + '\n';

describe('faults: files on disk', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = tmpDir('files')));
  afterEach(() => {
    spawnSync('chmod', ['-R', 'u+rwX', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('corrupt and truncated run files: listed as "unreadable: <why>" (CLI and dashboard), skipped lines counted, nothing vanishes', () => {
    const cid = newComparisonId();
    const ok = record(runIdFor(cid, 0, 'ok'));
    // Line 2 is not JSON; line 4 is JSON but not a metric record (its schema: loss is a number, no unknown keys).
    const notARecord = JSON.stringify({ ...JSON.parse(line(4)), loss: 'NaN', extra: 1 }) + '\n';
    writeRun(dir, ok, { [METRICS_FILE]: line(1) + 'garbage{\n' + line(3) + notARecord + '{"step": 5, "lo', [HISTOGRAMS_FILE]: '' });
    const broken = [
      { id: runIdFor(cid, 1, 'cut'), text: '{"format": 1, "id": "x", "sta', why: /unreadable: run\.json is not valid JSON/ },
      { id: runIdFor(cid, 2, 'empty'), text: '', why: /unreadable: run\.json is not valid JSON \(empty\)/ },
      { id: runIdFor(cid, 3, 'array'), text: '[1,2]', why: /unreadable: run\.json is not a JSON object/ },
      { id: runIdFor(cid, 4, 'fields'), text: '{"format": 1}', why: /unreadable: run\.json lacks id, comparisonId, comparisonKind, index, label, spec, status, startedAt, endedAt, backend, pid, parameters, dataset, summary$/ },
      { id: runIdFor(cid, 5, 'future'), text: JSON.stringify(record(runIdFor(cid, 5, 'future'), { format: 99 })), why: /unreadable: run\.json has format 99, newer/ },
      { id: runIdFor(cid, 6, 'none'), text: null, why: /unreadable: no run\.json/ },
      {
        id: runIdFor(cid, 7, 'typed'),
        text: JSON.stringify({ ...record(runIdFor(cid, 7, 'typed')), status: 'done', pid: '12', colour: 'red' }),
        why: /unreadable: run\.json mistypes status \(expected "running" \| "finished" \| "stopped" \| "failed" \| "diverged", got "done"\), pid \(expected number, got "12"\); has unknown key colour$/,
      },
    ];
    for (const b of broken) {
      fs.mkdirSync(path.join(dir, b.id));
      if (b.text !== null) fs.writeFileSync(path.join(dir, b.id, RUN_FILE), b.text);
    }
    const r = cli(['list', '--out', '.'], { cwd: dir });
    assert.equal(r.code, 0);
    assertNoStack(r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 8, r.stdout);
    assert.match(lines[0], new RegExp(`^${ok.id}  finished `));
    broken.forEach((b, i) => assert.match(lines[i + 1], new RegExp(`^${b.id}  ${b.why.source}`)));
    const json = JSON.parse(cli(['list', '--out', '.', '--json'], { cwd: dir }).stdout);
    assert.equal(json.length, 8);
    assert.equal(json.filter((x: { status: string }) => x.status === 'unreadable').length, 7);
    // Readers say how many lines they skipped: one garbage line, one line that is not a record, one cut last line.
    const data = readRun(dir, ok.id)!;
    assert.deepEqual(data.metrics.map((m) => m.step), [1, 3]);
    assert.equal(data.skippedLines, 3);
    const m = readMetricLines(path.join(dir, ok.id));
    assert.match(m.firstProblem ?? '', /^line 2: not JSON/);
    assert.equal(m.skipped, 2);
    assert.equal(data.truncated, true);
    // The dashboard lists the same entries: unreadable ones with the reason beside the badge.
    const infos = listRunEntries(dir).map((e) => (e.record ? toRunInfo(e.record) : unreadableRunInfo(e.id, e.unreadable)));
    assert.equal(infos.length, 8);
    assert.equal(infos[1].status, 'unknown');
    assert.match(reasonText(infos[1]), /^unreadable: run\.json is not valid JSON/);
  });

  it('crafted label and reason (terminal escapes, forged lines, bidi): printed inert by list; inert in the dashboard model', () => {
    const cid = newComparisonId();
    const evil = record(runIdFor(cid, 0, 'evil'), {
      label: '\u001b[2J\u001b]0;pwned\u0007evil\nforged  finished  X\u202e',
      status: 'failed',
      reason: 'boom \u001b[31mred\u001b[0m\r\n',
    });
    writeRun(dir, evil);
    const r = cli(['list', '--out', '.'], { cwd: dir });
    assert.equal(r.code, 0);
    // eslint-disable-next-line no-control-regex -- the test looks for control characters
    assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/, 'a control character reached the terminal');
    assert.equal(r.stdout.trim().split('\n').length, 1, 'a newline in the label forged an extra line');
    assert.ok(r.stdout.includes('\\x1b[2J\\x1b]0;pwned\\x07evil\\nforged'), r.stdout);
    assert.ok(r.stdout.includes('boom \\x1b[31mred\\x1b[0m\\r\\n'), r.stdout);
    const info = toRunInfo(evil);
    // eslint-disable-next-line no-control-regex -- the test looks for control characters
    assert.doesNotMatch(info.label + (info.error ?? ''), /[\u0000-\u001f\u202e]/);
  });

  it('a run folder that is a symbolic link to outside the runs folder is not followed: listed unreadable, its target never read or deleted', () => {
    const outside = path.join(dir, 'outside');
    const runsDir = path.join(dir, 'runs');
    fs.mkdirSync(runsDir);
    const cid = newComparisonId();
    const id = runIdFor(cid, 0, 'link');
    const target = record(id, { label: 'OUTSIDE-SECRET' });
    writeRun(outside, target, { [METRICS_FILE]: line(1) });
    fs.symlinkSync(path.join(outside, id), path.join(runsDir, id));
    // run.json itself a link (to a file outside) is refused too.
    const id2 = runIdFor(cid, 1, 'filelink');
    fs.mkdirSync(path.join(runsDir, id2));
    fs.symlinkSync(path.join(outside, id, RUN_FILE), path.join(runsDir, id2, RUN_FILE));
    const r = cli(['list', '--out', 'runs'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, /OUTSIDE-SECRET/);
    assert.match(r.stdout, new RegExp(`${id}  unreadable: the run folder is a symbolic link \\(not followed\\)`));
    assert.match(r.stdout, new RegExp(`${id2}  unreadable: run\\.json is a symbolic link \\(not followed\\)`));
    assert.equal(readRun(runsDir, id), undefined);
    assert.equal(deleteRun(runsDir, id), true);
    assert.ok(fs.existsSync(path.join(outside, id, RUN_FILE)), 'deleting the link left its target alone');
    assert.deepEqual(runFolders(runsDir), [id2]);
  });

  it('an unreadable --out: one line saying why, exit 1, no stack (a file; and a folder nobody may read)', function () {
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    const r = cli(['list', '--out', 'file'], { cwd: dir });
    assert.equal(r.code, 1);
    assertNoStack(r.stderr);
    assert.match(r.stderr, /^radam-lab: cannot read the runs folder .*file \(--out\): not a folder\n$/);
    const j = cli(['list', '--out', 'file', '--json'], { cwd: dir });
    assert.equal(JSON.parse(j.stdout).ok, false);
    if (!isRoot()) return;
    // Root reads any folder: the permission case runs the CLI as nobody.
    fs.mkdirSync(path.join(dir, 'private'), { mode: 0o700 });
    fs.chmodSync(dir, 0o755);
    const n = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'list', '--out', path.join(dir, 'private')], { encoding: 'utf8', cwd: '/' });
    assert.equal(n.status, 1);
    assertNoStack(n.stderr);
    assert.match(n.stderr, /cannot read the runs folder .*private \(--out\): permission denied/);
  });
});

describe('faults: bad specs and flags (the same rules as the settings)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = tmpDir('spec')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const specs: Array<[string, string, RegExp[]]> = [
    ['unknown key', '{"stepz": 5}', [/spec\.json: stepz: unknown key/]],
    ['misspelled object', '{"optimiser": {"name": "adam"}}', [/spec\.json: optimiser: unknown key/]],
    ['nested unknown key', '{"optimizer": {"name": "adam", "lr": 0.1}}', [/spec\.json: optimizer\.lr: unknown key/]],
    ['an array', '[{"steps": 5}]', [/spec\.json: \(top level\): expected an object .*got an array/]],
    ['null', 'null', [/spec\.json: \(top level\): expected an object .*got null/]],
    ['no runs', '{"runs": []}', [/spec\.json: runs: is empty; give at least one run spec/]],
    ['runs not a list', '{"runs": {"steps": 3}}', [/spec\.json: runs: expected a list of run specs, got an object/]],
    ['wrong shape', '{"model": [64]}', [/spec\.json: model: expected an object, got an array/]],
    ['out of range, every problem', '{"runs": [{"steps": 0, "optimizer": {"learningRate": 0}}, {"seed": -7, "model": {"hiddenLayers": [0]}}]}', [
      /runs\[0\]\.steps: is 0; it must be an integer at least 1 and at most 1000000/,
      /runs\[0\]\.optimizer\.learningRate: is 0; it must be a number greater than 0 and at most 10/,
      /runs\[1\]\.seed: is -7; it must be an integer at least 0 and at most 2147483647/,
      /runs\[1\]\.model\.hiddenLayers: is \[0\]/,
    ]],
    ['bad kind', '{"kind": "race", "runs": [{}]}', [/spec\.json: kind: is "race"; it must be one of/]],
    ['not JSON', '{steps: 5}', [/spec\.json is not valid JSON/]],
  ];
  for (const [name, text, patterns] of specs) {
    it(`spec file: ${name} -> exit 2, the key path named, no stack, nothing trained`, () => {
      fs.writeFileSync(path.join(dir, 'spec.json'), text);
      const r = cli(['train', '--spec', 'spec.json', '--out', 'runs', '--quiet'], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assertNoStack(r.stderr);
      for (const p of patterns) assert.match(r.stderr, p);
      assert.equal(fs.existsSync(path.join(dir, 'runs')), false);
    });
  }

  const flags: Array<[string[], RegExp]> = [
    [['--lr', '0'], /--lr: expected a number greater than 0 and at most 10, got "0"/],
    [['--lr', '11'], /--lr: expected a number greater than 0 and at most 10, got "11"/],
    [['--seed', '1.5'], /--seed: expected an integer at least 0 and at most 2147483647, got "1\.5"/],
    [['--seed', '-7'], /--seed: expected an integer at least 0 and at most 2147483647, got "-7"/],
    [['--steps', '1e12'], /--steps: expected an integer at least 1 and at most 1000000, got "1e12"/],
    [['--hidden', ','], /--hidden: expected a list of 0 to 8 items, each an integer at least 1 and at most 4096, comma-separated, got ","/],
    [['--hidden', '8,,8'], /--hidden: expected .* got "8,,8"/],
    [['--batch-size', '5000'], /--batch-size: expected an integer at least 1 and at most 4096/],
    [['--beta2', '1'], /--beta2: expected a number at least 0 and less than 1, got "1"/],
    [['--dataset', 'mnist'], /--dataset: expected one of "spiral", .*got "mnist"/],
    [['--compare', 'adam,,sgd'], /--compare: expected optimizer names separated by commas/],
  ];
  for (const [args, pattern] of flags) {
    it(`flag ${args.join(' ')} -> exit 2, the flag named with the setting's range`, () => {
      const r = cli(['train', ...args, '--out', 'runs', '--quiet'], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assertNoStack(r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /radam\.(training|optimizer|transformer|metrics)\./, 'a CLI error named a VS Code setting');
    });
  }

  it('a model that does not fit the dataset: the CLI error names flags, not settings', () => {
    const r = cli(['train', '--model', 'cnn', '--steps', '2', '--out', 'runs', '--quiet'], { cwd: dir });
    assert.equal(r.code, 1);
    assertNoStack(r.stderr);
    assert.match(r.stderr, /--model: "cnn" needs image data .* set --dataset to "digits"/);
    assert.doesNotMatch(r.stderr, /radam\.training/);
  });

  it('every rule tied to a setting uses that setting\'s schema (package.json), and settings and flags agree value by value', () => {
    const schema = packagedSettingsSchema();
    for (const rule of FIELD_RULES.filter((r) => r.setting)) {
      assert.ok(schema[rule.setting!], `${rule.setting} is not a contributed setting`);
      assert.equal(ruleSchema(rule), schema[rule.setting!]);
    }
    // The values the issue found accepted by the CLI are refused by the settings as well.
    const refused: Array<[string, unknown]> = [
      ['radam.optimizer.learningRate', 0],
      ['radam.training.seed', 1.5],
      ['radam.training.seed', -7],
      ['radam.training.steps', 1e12],
    ];
    for (const [key, value] of refused) assert.ok(checkSetting(key, schema[key], value), `${key}=${value} accepted by the settings`);
  });
});
