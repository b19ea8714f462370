// package.json's contributes.configuration, made from the declaration (schema.ts): what VS Code's settings
// editor shows. `npm run gen:manifest` writes it into package.json (test/tools/genManifest.ts);
// test/unit/runSpec/manifest.test.ts fails when package.json differs.
import { SETTINGS } from './schema';
import type { Range } from './fields';

export interface ContributedSetting {
  scope: string;
  type: string;
  default: unknown;
  [key: string]: unknown;
}

const RANGE_KEYS = ['enum', 'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const;

function rangeJson(r: Range): Record<string, unknown> {
  const out: Record<string, unknown> = { type: r.type };
  for (const k of RANGE_KEYS) if (r[k] !== undefined) out[k] = r[k];
  if (r.items) out.items = rangeJson(r.items);
  if (r.minItems !== undefined) out.minItems = r.minItems;
  if (r.maxItems !== undefined) out.maxItems = r.maxItems;
  return out;
}

/** contributes.configuration.properties, in the settings editor's order. */
export function configurationProperties(): Record<string, ContributedSetting> {
  const out: Record<string, ContributedSetting> = {};
  for (const { id, leaf } of SETTINGS) {
    const { type, ...range } = rangeJson(leaf.range);
    const d = leaf.doc;
    out[id] = {
      scope: d.scope ?? 'resource',
      type: type as string,
      default: d.default,
      ...range,
      order: d.order,
      ...(d.enumDescriptions ? { enumDescriptions: [...d.enumDescriptions] } : {}),
      markdownDescription: d.description,
    };
  }
  return out;
}

export function configurationContribution(): { title: string; properties: Record<string, ContributedSetting> } {
  return { title: 'RAdam Lab', properties: configurationProperties() };
}
