// The frame around a chart: a title, controls, a PNG export button, and the canvas container with
// data-* attributes (points, last step) that tests can read without a test hook.
import { button } from '../components/toolkit';
import type { Theme } from './theme';

export interface Card {
  root: HTMLElement;
  controls: HTMLElement;
  body: HTMLElement;
  canvas: HTMLCanvasElement;
  footer: HTMLElement;
}

export function chartCard(name: string, title: string, onPng: () => void, opts: { tall?: boolean } = {}): Card {
  const root = document.createElement('section');
  root.className = 'chart-card' + (opts.tall ? ' tall' : '');
  root.dataset.chart = name;
  root.dataset.testid = `chart-${name}`;
  const header = document.createElement('header');
  const h = document.createElement('h3');
  h.textContent = title;
  const controls = document.createElement('div');
  controls.className = 'chart-controls';
  header.append(h, controls, button('PNG', onPng, { secondary: true, testId: `export-png-${name}`, title: `Save the ${title} chart as PNG` }));
  const body = document.createElement('div');
  body.className = 'chart-body';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  body.append(canvas);
  const footer = document.createElement('div');
  footer.className = 'chart-footer';
  root.append(header, body, footer);
  return { root, controls, body, canvas, footer };
}

/** The canvas as a PNG data URL on the editor's background (a bare canvas is transparent). */
export function canvasPng(canvas: HTMLCanvasElement, theme: Theme): string {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const g = out.getContext('2d')!;
  const [r, gr, b] = theme.background;
  g.fillStyle = `rgb(${r}, ${gr}, ${b})`;
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, 0, 0);
  return out.toDataURL('image/png');
}

export function setDataAttrs(el: HTMLElement, attrs: Record<string, string | number | null>): void {
  for (const [k, v] of Object.entries(attrs)) {
    const s = v === null ? '' : String(v);
    if (el.dataset[k] !== s) el.dataset[k] = s;
  }
}
