// The docs say what the code does: the README's settings and commands tables against package.json's
// `contributes`, and the CLI's --help against the flags it parses and the defaults it uses.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { USAGE, UsageError, defaultRunSpec, parseArgs } from '../../../src/cli/args';
import { OPTIMIZER_DEFAULTS } from '../../../src/optim/spec';
import { OPTIMIZER_NAMES } from '../../../src/optim/types';
import { DEFAULT_METRICS } from '../../../src/runSpec/runSpec';
import { leaves } from '../../../src/runSpec/fields';
import { RunSpecFields } from '../../../src/runSpec/schema';
import {
  SETTINGS_BEGIN,
  SETTINGS_END,
  between,
  cells,
  headings,
  readManifest,
  repoRoot,
  section,
  settingsTable,
} from '../../tools/readmeTables';

const root = repoRoot();
const manifest = readManifest(root);
const settings = manifest.contributes.configuration.properties;
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The rows of the first table in a README section, as cells, without the header and separator rows. */
function tableRows(title: string): string[][] {
  const lines = section(readme, title);
  const first = lines.findIndex((l) => l.startsWith('|'));
  assert.ok(first >= 0, `README section "${title}" has no table`);
  const table: string[] = [];
  for (const l of lines.slice(first)) {
    if (!l.startsWith('|')) break;
    table.push(l);
  }
  return table.slice(2).map(cells);
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

describe('docs: README settings table = package.json contributes.configuration', () => {
  it('the generated part of the README is what test/tools/readmeTables.ts makes from package.json (npm run docs:tables)', () => {
    const current = between(readme, SETTINGS_BEGIN, SETTINGS_END);
    assert.notEqual(current, null, 'README.md lacks the settings table markers');
    assert.equal(current, settingsTable(settings));
  });

  it('lists every setting once, no other, in package.json order, each with its type and default', () => {
    const rows = tableRows('Settings');
    assert.deepEqual(
      rows.map((r) => unquote(r[0])),
      Object.keys(settings),
    );
    for (const [key, type, dflt] of rows) {
      const s = settings[unquote(key)];
      assert.equal(type, s.type, `${key}: type`);
      assert.deepEqual(JSON.parse(unquote(dflt)), s.default, `${key}: default`);
    }
  });

  it('names every value of every enum setting (datasets, models, ...) in its "accepted" column', () => {
    for (const [key, , , acceptedCell] of tableRows('Settings')) {
      const values = settings[unquote(key)].enum;
      if (!values) continue;
      assert.deepEqual(
        acceptedCell.split(',').map((v) => unquote(v.trim())),
        values.map(String),
        `${key}`,
      );
    }
  });

  it('the generator escapes pipes, turns #setting# links into code and keeps one row per setting', () => {
    const table = settingsTable({
      'a.b': { type: 'string', default: 'x', enum: ['x', 'y'], enumDescriptions: ['one', 'two | three'], markdownDescription: 'See `#a.c#`.\nMore.' },
      'a.c': { type: 'array', default: [1], items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 4 },
      'a.d': { type: 'number', default: 1e-8, exclusiveMinimum: 0, maximum: 1 },
    });
    assert.deepEqual(table.split('\n').slice(2), [
      '| `a.b` | string | `"x"` | `x`, `y` | See `a.c`. More.<br>`x`: one<br>`y`: two \\| three |',
      '| `a.c` | array | `[1]` | list of integer >= 1 (1 to 4 items) |  |',
      '| `a.d` | number | `1e-8` | > 0, <= 1 |  |',
    ]);
  });
});

describe('docs: README commands table = package.json contributes.commands', () => {
  it('lists every command as **Category: Title**, once, no other, in package.json order', () => {
    const listed = tableRows('Commands').map((r) => r[0]);
    const expected = manifest.contributes.commands.map((c) => `**${c.category ? `${c.category}: ` : ''}${c.title}**`);
    assert.deepEqual(listed, expected);
    for (const row of tableRows('Commands')) assert.ok(row[1] && row[1].length > 10, `${row[0]}: says what it does`);
  });
});

/** The help text of one flag: its line and the continuation lines indented under it. */
function flagHelp(flag: string): string {
  const lines = USAGE.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^\\s+${flag.replace(/[-]/g, '\\-')}(\\s|$|,)`).test(l));
  assert.ok(i >= 0, `--help does not document ${flag}`);
  const out = [lines[i]];
  for (const l of lines.slice(i + 1)) {
    if (/^\s{20,}\S/.test(l)) out.push(l);
    else break;
  }
  return out.join(' ');
}

/** The `(default X)` of a flag's help, or null. */
function helpDefault(flag: string): string | null {
  const m = /\(default ([^)]+)\)/.exec(flagHelp(flag));
  return m ? m[1].trim() : null;
}

/** The `a | b | c` choices of a flag's help (parenthesised remarks left out). */
function helpChoices(flag: string): string[] {
  const text = flagHelp(flag)
    .replace(/\([^)]*\)/g, ' ')
    .replace(new RegExp(`^\\s*${flag}\\s+\\S+`), '');
  return text
    .split('|')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Every --flag the help documents (the option column only, not flags named inside descriptions). */
function documentedFlags(): string[] {
  return [...USAGE.matchAll(/^\s{2}(-h, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[2]);
}

describe('docs: radam-lab --help = the flags it parses and the defaults it uses', () => {
  it('every flag in --help is parsed (none is an unknown option)', () => {
    const flags = documentedFlags();
    assert.ok(flags.length >= 20, `found ${flags.length} flags`);
    for (const flag of flags) {
      try {
        parseArgs(['train', flag, '1']);
      } catch (e) {
        assert.ok(e instanceof UsageError, `${flag}: ${String(e)}`);
        // (a flag without a value leaves '1' behind, an unknown option of its own: only the flag matters)
        assert.ok(!e.message.includes(`unknown option "${flag}"`), `${flag} is documented but not parsed`);
      }
    }
  });

  it('every flag the parser knows is in --help', () => {
    // The CLI's own flags (a `case` each in args.ts) and the run spec fields' flags (src/runSpec/schema.ts).
    const source = fs.readFileSync(path.join(root, 'src', 'cli', 'args.ts'), 'utf8');
    const own = [...source.matchAll(/case '(--[a-z][a-z0-9-]*)'/g)].map((m) => m[1]);
    const fields = leaves(RunSpecFields).flatMap(([, l]) => (l.doc.flag ? [l.doc.flag] : []));
    assert.ok(own.length >= 8 && fields.length >= 15, `found ${own.length} flags in args.ts, ${fields.length} in the schema`);
    const parsed = [...own, ...fields];
    for (const flag of fields) {
      let error = '';
      try {
        parseArgs(['train', flag, '1']);
      } catch (e) {
        error = String(e);
      }
      assert.ok(!error.includes('unknown option'), `${flag} is declared but not parsed: ${error}`);
    }
    const documented = new Set(documentedFlags());
    for (const flag of parsed) assert.ok(documented.has(flag), `${flag} is parsed but --help does not mention it`);
    // And the parser really rejects what is not a flag (so the check above means something).
    assert.throws(() => parseArgs(['train', '--no-such-flag']), /unknown option/);
  });

  it('the choices it lists are the ones it accepts and package.json offers', () => {
    assert.deepEqual(helpChoices('--optimizer'), [...OPTIMIZER_NAMES]);
    assert.deepEqual(helpChoices('--dataset'), settings['radam.training.dataset'].enum);
    assert.deepEqual(helpChoices('--model'), settings['radam.training.model'].enum);
    assert.deepEqual(helpChoices('--activation'), settings['radam.training.activation'].enum);
    for (const [flag, values] of [
      ['--dataset', settings['radam.training.dataset'].enum],
      ['--model', settings['radam.training.model'].enum],
      ['--activation', settings['radam.training.activation'].enum],
      ['--optimizer', OPTIMIZER_NAMES],
    ] as const) {
      for (const v of values ?? []) assert.doesNotThrow(() => parseArgs(['train', flag, String(v)]), `${flag} ${String(v)}`);
    }
  });

  it('the defaults it states are the CLI default spec, the optimizer defaults and package.json defaults', () => {
    const spec = defaultRunSpec();
    const d = (key: string) => settings[key].default;
    const cases: Array<[flag: string, stated: unknown, ...actual: unknown[]]> = [
      ['--optimizer', helpDefault('--optimizer'), spec.optimizer.name],
      ['--dataset', helpDefault('--dataset'), spec.dataset.name, d('radam.training.dataset')],
      ['--model', helpDefault('--model'), spec.model.name, d('radam.training.model')],
      ['--activation', helpDefault('--activation'), spec.model.activation, d('radam.training.activation')],
      ['--label-column', helpDefault('--label-column'), d('radam.training.csvLabelColumn')],
      ['--hidden', helpDefault('--hidden')?.split(',').map(Number), spec.model.hiddenLayers, d('radam.training.hiddenLayers')],
      ['--validation-split', Number(helpDefault('--validation-split')), spec.dataset.validationSplit, d('radam.training.validationSplit')],
      ['--steps', Number(helpDefault('--steps')), spec.steps, d('radam.training.steps')],
      ['--batch-size', Number(helpDefault('--batch-size')), spec.batchSize, d('radam.training.batchSize')],
      ['--seed', Number(helpDefault('--seed')), spec.seed, d('radam.training.seed')],
      ['--lr', Number(helpDefault('--lr')), spec.optimizer.learningRate, OPTIMIZER_DEFAULTS.radam.learningRate, d('radam.optimizer.learningRate')],
      ['--beta2', Number(helpDefault('--beta2')), OPTIMIZER_DEFAULTS.radam.beta2, d('radam.optimizer.beta2')],
      ['--histogram-every', Number(helpDefault('--histogram-every')), spec.metrics.histogramEvery, DEFAULT_METRICS.histogramEvery, d('radam.metrics.histogramEvery')],
      ['--validation-every', Number(helpDefault('--validation-every')), spec.metrics.validationEvery, DEFAULT_METRICS.validationEvery],
    ];
    for (const [flag, stated, ...actual] of cases) {
      for (const a of actual) assert.deepEqual(stated, a, `${flag}: --help says ${JSON.stringify(stated)}, the code uses ${JSON.stringify(a)}`);
    }
  });
});

describe('docs: radam-lab --help = the schema (src/runSpec/schema.ts)', () => {
  it('every run spec field with a flag: --help states its declared default and lists its choices, and the parser takes the same range as its setting', () => {
    for (const [fieldPath, l] of leaves(RunSpecFields)) {
      const flag = l.doc.flag;
      if (!flag) continue;
      const d = l.doc.default;
      if (d !== undefined && d !== '' && !l.doc.helpDefault) assert.equal(helpDefault(flag), Array.isArray(d) ? d.join(',') : String(d), `${flag} (${fieldPath})`);
      if (l.range.enum) assert.deepEqual(helpChoices(flag), [...l.range.enum], `${flag} choices`);
      if (l.doc.setting) {
        const s = settings[l.doc.setting];
        assert.deepEqual(s.default, d, `${flag}: the default of ${l.doc.setting}`);
        for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'] as const) assert.deepEqual(s[k], (l.range as Record<string, unknown>)[k], `${flag}: ${k} of ${l.doc.setting}`);
      }
    }
  });
});

describe('docs: references to README sections exist', () => {
  it('every `README, "Section"` named in --help or in src/ is a README heading (or the start of one, up to a colon)', () => {
    const titles = headings(readme);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(path.join(root, 'src'));
    const refs: Array<[where: string, title: string]> = [];
    for (const f of files) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/README, "([^"]+)"/g)) refs.push([path.relative(root, f), m[1]]);
    }
    for (const m of USAGE.matchAll(/README, "([^"]+)"/g)) refs.push(['radam-lab --help', m[1]]);
    assert.ok(refs.some(([where]) => where === 'radam-lab --help'), 'the help names a README section');
    for (const [where, title] of refs) {
      assert.ok(
        titles.some((h) => h === title || h.startsWith(`${title}:`)),
        `${where} points to README section "${title}", which does not exist (headings: ${titles.join(' / ')})`,
      );
    }
  });
});
