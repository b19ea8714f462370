// The only module that touches @vscode/webview-ui-toolkit (deprecated upstream, archived Jan 2025):
// everything else builds UI through these helpers, so the toolkit can be swapped out here alone.
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeOption, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(
  vsCodeBadge(),
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDivider(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodeProgressRing(),
);

export function button(label: string, onClick: () => void, opts: { secondary?: boolean; testId?: string; title?: string } = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  if (opts.secondary) el.setAttribute('appearance', 'secondary');
  if (opts.testId) el.dataset.testid = opts.testId;
  if (opts.title) el.title = opts.title;
  el.addEventListener('click', onClick);
  return el;
}

export function badge(text: string, testId?: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  if (testId) el.dataset.testid = testId;
  return el;
}

export function progressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}
