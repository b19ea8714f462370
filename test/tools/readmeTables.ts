// The README's settings table, generated from package.json `contributes.configuration` (itself generated
// from the one declaration, src/runSpec/schema.ts, by genManifest.ts), and helpers to read the README's
// tables back. Used by test/unit/docs/readme.test.ts, which fails when the README and package.json differ.
//
// Regenerate both after changing the schema:
//   npm run gen:manifest           (= build, genManifest.js, then readmeTables.js --write)
//   npm run docs:tables            (the README's table alone)
//   node out/test/tools/readmeTables.js --check    exit code 1 when the README's table is stale
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SettingSchema {
  type?: string | string[];
  default?: unknown;
  enum?: unknown[];
  enumDescriptions?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: SettingSchema;
  minItems?: number;
  maxItems?: number;
  markdownDescription?: string;
  description?: string;
}

export interface CommandContribution {
  command: string;
  title: string;
  category?: string;
}

export interface Manifest {
  contributes: {
    commands: CommandContribution[];
    configuration: { properties: Record<string, SettingSchema> };
  };
}

export const SETTINGS_BEGIN =
  '<!-- settings table: generated from src/runSpec/schema.ts through package.json (`npm run gen:manifest`); edit the schema, not the table -->';
export const SETTINGS_END = '<!-- end of the generated settings table -->';

/** Markdown of VS Code's setting descriptions -> the README's: `#radam.x#` links become code, pipes are escaped, one line. */
export function cellText(markdown: string): string {
  return markdown
    .replace(/`#([\w.]+)#`/g, '`$1`')
    .replace(/#([a-zA-Z][\w]*\.[\w.]+)#/g, '`$1`')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function typeName(s: SettingSchema): string {
  return Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
}

/** The bounds of a number or integer schema: "> 0, <= 10". Empty when unbounded. */
export function bounds(s: SettingSchema): string {
  const parts: string[] = [];
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) parts.push(`>= ${s.minimum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  if (s.maximum !== undefined) parts.push(`<= ${s.maximum}`);
  return parts.join(', ');
}

/** What values a setting accepts, as the README's "accepted" column says it. */
export function accepted(s: SettingSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(', ');
  switch (typeName(s)) {
    case 'boolean':
      return 'true/false';
    case 'string':
      return 'text';
    case 'number':
    case 'integer':
      return bounds(s) || 'any';
    case 'array': {
      const item = s.items ? [typeName(s.items), bounds(s.items)].filter(Boolean).join(' ') : 'any';
      const count =
        s.minItems !== undefined && s.maxItems !== undefined
          ? ` (${s.minItems} to ${s.maxItems} items)`
          : s.minItems !== undefined
            ? ` (at least ${s.minItems})`
            : s.maxItems !== undefined
              ? ` (at most ${s.maxItems})`
              : '';
      return `list of ${item}${count}`;
    }
    default:
      return typeName(s);
  }
}

/** The README's "default" column: the JSON of the default, as code. */
export function defaultCell(s: SettingSchema): string {
  return `\`${JSON.stringify(s.default)}\``;
}

/** The description column: the setting's description, then one line per enum value that has a description. */
export function descriptionCell(s: SettingSchema): string {
  let text = cellText(s.markdownDescription ?? s.description ?? '');
  if (s.enum && s.enumDescriptions) {
    text += s.enum.map((v, i) => `<br>\`${String(v)}\`: ${cellText(s.enumDescriptions?.[i] ?? '')}`).join('');
  }
  return text;
}

/** The whole settings table, in package.json's order. */
export function settingsTable(properties: Record<string, SettingSchema>): string {
  const rows = Object.entries(properties).map(
    ([key, s]) => `| \`${key}\` | ${typeName(s)} | ${defaultCell(s)} | ${accepted(s)} | ${descriptionCell(s)} |`,
  );
  return ['| setting | type | default | accepted | what it does |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The text between two marker lines (without them), or null when either is missing. */
export function between(text: string, begin: string, end: string): string | null {
  const i = text.indexOf(begin);
  const j = text.indexOf(end, i + begin.length);
  if (i < 0 || j < 0) return null;
  return text.slice(i + begin.length, j).replace(/^\n/, '').replace(/\n$/, '');
}

/** `text` with the part between the markers replaced by `body`. Throws when the markers are missing. */
export function replaceBetween(text: string, begin: string, end: string, body: string): string {
  const i = text.indexOf(begin);
  const j = text.indexOf(end, i + begin.length);
  if (i < 0 || j < 0) throw new Error(`markers not found: ${begin} ... ${end}`);
  return `${text.slice(0, i + begin.length)}\n${body}\n${text.slice(j)}`;
}

/** The lines of the README section under the heading `## <title>` (up to the next heading of level 1 or 2). */
export function section(readme: string, title: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  if (start < 0) return [];
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^#{1,2} /.test(l));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The cells of a markdown table row (pipes escaped with a backslash stay inside cells). */
export function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every heading of the README, without its #s. */
export function headings(readme: string): string[] {
  return readme
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => l.replace(/^#+ /, '').trim());
}

export function repoRoot(from = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'radam-lab') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`the radam-lab package.json was not found above ${from}`);
    dir = up;
  }
}

export function readManifest(root = repoRoot()): Manifest {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
}

function main(argv: string[]): number {
  const root = repoRoot();
  const readmePath = path.join(root, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const table = settingsTable(readManifest(root).contributes.configuration.properties);
  if (argv.includes('--write')) {
    const next = replaceBetween(readme, SETTINGS_BEGIN, SETTINGS_END, table);
    if (next !== readme) fs.writeFileSync(readmePath, next);
    console.log(next === readme ? 'README.md: the settings table is up to date' : 'README.md: settings table rewritten from package.json');
    return 0;
  }
  const current = between(readme, SETTINGS_BEGIN, SETTINGS_END);
  if (current === table) {
    console.log('README.md: the settings table matches package.json');
    return 0;
  }
  console.error(
    current === null
      ? 'README.md: the settings table markers are missing'
      : 'README.md: the settings table differs from package.json; run `npm run docs:tables`',
  );
  return 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
