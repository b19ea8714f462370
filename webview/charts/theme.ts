// Chart colours from VS Code's theme variables (--vscode-*), re-read when the theme changes, so light,
// dark and high-contrast themes all read well. Runs get one colour each, used by every chart.
import { parseColor, rgba } from '../data/colors';
import type { RGBA } from '../data/histograms';

export interface Theme {
  foreground: string;
  muted: string;
  background: RGBA;
  grid: string;
  threshold: string;
  fontFamily: string;
  fontSize: number;
  highContrast: boolean;
  /** Run colours (opaque). */
  runs: RGBA[];
}

const RUN_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
  '--vscode-terminal-ansiCyan',
  '--vscode-terminal-ansiMagenta',
];
// Used only when a variable is missing (e.g. the bench page, which has no VS Code theme).
const FALLBACK_RUNS = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700', '#29b8db', '#bc3fbc'];

function cssVar(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const color = (name: string, fallback: string) => cssVar(style, name) || fallback;
  const bg = parseColor(color('--vscode-editor-background', '#1e1e1e')) ?? [30, 30, 30, 255];
  const fg = color('--vscode-foreground', '#cccccc');
  const fgRgba = parseColor(fg) ?? [204, 204, 204, 255];
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    foreground: fg,
    muted: color('--vscode-descriptionForeground', fg),
    background: [bg[0], bg[1], bg[2], 255],
    grid: highContrast ? rgba(fgRgba, 0.45) : rgba(fgRgba, 0.12),
    threshold: color('--vscode-editorWarning-foreground', '#cca700'),
    fontFamily: color('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(color('--vscode-font-size', '12')) || 12,
    highContrast,
    runs: RUN_VARS.map((v, i) => parseColor(color(v, FALLBACK_RUNS[i])) ?? (parseColor(FALLBACK_RUNS[i]) as RGBA)).map(
      (c) => [c[0], c[1], c[2], 255] as RGBA,
    ),
  };
}

export function runColor(theme: Theme, slot: number): RGBA {
  return theme.runs[((slot % theme.runs.length) + theme.runs.length) % theme.runs.length];
}

/** Calls `onChange` when VS Code switches the theme (it changes the body's class and style). */
export function watchTheme(onChange: () => void): void {
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  }).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
}
