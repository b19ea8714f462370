// Colour parsing and mixing for theme colours read from --vscode-* variables. Pure: no DOM.
import type { RGBA } from './histograms';

/** Parses #rgb, #rgba, #rrggbb, #rrggbbaa, rgb() and rgba(); null when it cannot. Alpha is 0-255. */
export function parseColor(input: string): RGBA | null {
  const s = input.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,8})$/.exec(s);
  if (m) {
    const h = m[1];
    if (h.length === 3 || h.length === 4) {
      const v = [...h].map((c) => parseInt(c + c, 16));
      return [v[0], v[1], v[2], h.length === 4 ? v[3] : 255];
    }
    if (h.length === 6 || h.length === 8) {
      const v = [0, 2, 4, 6].map((i) => parseInt(h.slice(i, i + 2) || 'ff', 16));
      return [v[0], v[1], v[2], v[3]];
    }
    return null;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(s);
  if (m) {
    let a = 255;
    if (m[4] !== undefined) a = m[4].endsWith('%') ? (parseFloat(m[4]) / 100) * 255 : parseFloat(m[4]) * 255;
    return [+m[1], +m[2], +m[3], Math.round(a)].map((v) => Math.max(0, Math.min(255, Math.round(v)))) as RGBA;
  }
  return null;
}

/** `a` blended over `b` by t (0 = b, 1 = a), opaque result. */
export function mix(a: RGBA, b: RGBA, t: number): RGBA {
  return [0, 1, 2].map((i) => Math.round(b[i] + (a[i] - b[i]) * t)).concat(255) as RGBA;
}

export function rgba(c: RGBA, alpha = c[3] / 255): string {
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${+alpha.toFixed(3)})`;
}

/** Relative luminance (0 dark .. 1 light), for choosing contrasting ramps. */
export function luminance(c: RGBA): number {
  const f = (v: number) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
