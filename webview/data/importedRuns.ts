// Pure helpers for the dashboard's imported (TensorBoard) runs: which scalar tags can be charted, the
// charts' names, what to say about rho_t / r_t, and reading a beta2 typed by the user. No DOM.
import type { ImportedRunInfo, RunInfo } from '../../src/protocol/webview';

/** Scalar tags charted on demand at most (the host takes as many: WatchScalarTagsMessage). */
export const MAX_CHARTED_TAGS = 16;

/** Every scalar tag of these imported runs, sorted (what the "chart a scalar tag" picker offers). */
export function scalarTagChoices(runs: ReadonlyArray<RunInfo | undefined>): string[] {
  const tags = new Set<string>();
  for (const r of runs) for (const t of r?.imported?.scalarTags ?? []) tags.add(t);
  return [...tags].sort((a, b) => a.localeCompare(b));
}

/** The charted tags after adding `tag` (no duplicates, at most MAX_CHARTED_TAGS: the oldest goes). */
export function withTag(list: readonly string[], tag: string): string[] {
  const next = [...list.filter((t) => t !== tag), tag];
  return next.slice(Math.max(0, next.length - MAX_CHARTED_TAGS));
}

/**
 * A chart name for a tag, as chart names must be (`[a-z0-9-]`, at most 64: the PNG export's file name
 * and the e2e hook use it): a readable slug plus a hash of the exact tag, so two tags that slug alike
 * ("a/b" and "a.b") still get different names.
 */
export function scalarChartName(tag: string): string {
  let h = 0x811c9dc5;
  for (const ch of tag) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const slug = tag.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `scalar-${slug ? slug + '-' : ''}${h.toString(16).padStart(8, '0')}`;
}

/** What the dashboard says about an imported run's rho_t and r_t. */
export function rhoText(imported: ImportedRunInfo, beta2: number | undefined): string {
  switch (imported.rhoOrigin) {
    case 'logged':
      return 'ρₜ and rₜ: from the tags the run logs.';
    case 'beta2Logged':
      return `ρₜ and rₜ: computed from the step and the beta2 the run logs (${beta2 ?? '?'}).`;
    case 'beta2User':
      return `ρₜ and rₜ: computed from the step and the beta2 you set (${imported.userBeta2}); each logged step is taken as one optimizer step.`;
    case 'none':
      return (
        'ρₜ and rₜ cannot be derived: this run logs neither rho_t/r_t nor beta2. Enter the optimizer’s beta2 ' +
        '(e.g. 0.999, PyTorch’s default) to compute them from the step; this assumes each logged step is one ' +
        'optimizer step (no gradient accumulation). Or log them from the training loop (docs/pytorch.md).'
      );
  }
}

/** A beta2 typed by the user: a number in (0, 1), null for an empty field (clear), or an error text. */
export function parseBeta2(text: string): { beta2: number | null } | { error: string } {
  const t = text.trim();
  if (t === '') return { beta2: null };
  const v = Number(t);
  if (!Number.isFinite(v) || !(v > 0 && v < 1)) return { error: `beta2 must be a number between 0 and 1 (exclusive), e.g. 0.999; got “${t}”` };
  return { beta2: v };
}
