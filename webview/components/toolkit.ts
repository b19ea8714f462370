// The only module that touches @vscode/webview-ui-toolkit (deprecated upstream, archived Jan 2025):
// everything else builds UI through these helpers, so the toolkit can be swapped out here alone
// (each helper returns a plain HTMLElement and reports changes through a callback).
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeRadio,
  vsCodeRadioGroup,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(
  vsCodeBadge(),
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDivider(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodeRadio(),
  vsCodeRadioGroup(),
  vsCodeTextField(),
);

export function button(label: string, onClick: () => void, opts: { secondary?: boolean; icon?: boolean; testId?: string; title?: string } = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  if (opts.secondary) el.setAttribute('appearance', 'secondary');
  if (opts.icon) el.setAttribute('appearance', 'icon');
  if (opts.testId) el.dataset.testid = opts.testId;
  if (opts.title) {
    el.title = opts.title;
    el.setAttribute('aria-label', opts.title);
  }
  el.addEventListener('click', onClick);
  return el;
}

export function setDisabled(el: HTMLElement, disabled: boolean): void {
  if (el.hasAttribute('disabled') === disabled) return;
  if (disabled) el.setAttribute('disabled', '');
  else el.removeAttribute('disabled');
}

export function badge(text: string, testId?: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  if (testId) el.dataset.testid = testId;
  return el;
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}

interface Checkable extends HTMLElement {
  checked: boolean;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, opts: { testId?: string; title?: string } = {}): HTMLElement & { setChecked(v: boolean): void } {
  const el = document.createElement('vscode-checkbox') as unknown as Checkable & { setChecked(v: boolean): void };
  el.textContent = label;
  if (checked) el.setAttribute('checked', '');
  el.checked = checked;
  if (opts.testId) el.dataset.testid = opts.testId;
  if (opts.title) el.title = opts.title;
  let quiet = false;
  el.addEventListener('change', () => {
    if (!quiet) onChange(el.checked);
  });
  el.setChecked = (v: boolean) => {
    if (el.checked === v) return;
    quiet = true;
    el.checked = v;
    quiet = false;
  };
  return el;
}

interface Valued extends HTMLElement {
  value: string;
}

export interface Choice {
  value: string;
  label: string;
}

/** A dropdown; setOptions replaces the choices and keeps the value when it is still offered. */
export function dropdown(
  choices: Choice[],
  value: string,
  onChange: (value: string) => void,
  opts: { testId?: string; title?: string } = {},
): HTMLElement & { setOptions(choices: Choice[], value: string): void; value: string } {
  const el = document.createElement('vscode-dropdown') as unknown as Valued & { setOptions(choices: Choice[], value: string): void };
  if (opts.testId) el.dataset.testid = opts.testId;
  if (opts.title) el.title = opts.title;
  let quiet = false;
  let current = '';
  el.setOptions = (list: Choice[], v: string) => {
    const sig = JSON.stringify(list) + '\u0000' + v;
    if (sig === current) return;
    current = sig;
    quiet = true;
    el.textContent = '';
    for (const c of list) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', c.value);
      o.textContent = c.label;
      if (c.value === v) o.setAttribute('selected', '');
      el.append(o);
    }
    el.value = v;
    quiet = false;
  };
  el.addEventListener('change', () => {
    if (!quiet) onChange(el.value);
  });
  el.setOptions(choices, value);
  return el;
}

/** Mutually exclusive choices shown side by side (e.g. the histogram view). */
export function radioGroup(
  choices: Choice[],
  value: string,
  onChange: (value: string) => void,
  opts: { testId?: string; label?: string } = {},
): HTMLElement & { setValue(v: string): void } {
  const el = document.createElement('vscode-radio-group') as unknown as Valued & { setValue(v: string): void };
  el.setAttribute('orientation', 'horizontal');
  if (opts.testId) el.dataset.testid = opts.testId;
  if (opts.label) el.setAttribute('aria-label', opts.label);
  for (const c of choices) {
    const r = document.createElement('vscode-radio');
    r.setAttribute('value', c.value);
    r.textContent = c.label;
    if (opts.testId) r.dataset.testid = `${opts.testId}-${c.value}`;
    if (c.value === value) r.setAttribute('checked', '');
    el.append(r);
  }
  let quiet = false;
  el.addEventListener('change', () => {
    const v = el.value;
    if (quiet || !v) return;
    current = v;
    onChange(v);
  });
  let current = value;
  el.setValue = (v: string) => {
    if (v === current) return;
    current = v;
    quiet = true;
    for (const r of Array.from(el.children) as Array<HTMLElement & { checked: boolean }>) r.checked = r.getAttribute('value') === v;
    quiet = false;
  };
  return el;
}

/** A text field that reports its value on change (Enter or blur). */
export function textField(value: string, onChange: (value: string) => void, opts: { placeholder?: string; testId?: string; title?: string; size?: number } = {}): HTMLElement & { value: string } {
  const el = document.createElement('vscode-text-field') as unknown as Valued;
  el.setAttribute('value', value);
  el.value = value;
  if (opts.placeholder) el.setAttribute('placeholder', opts.placeholder);
  if (opts.size) el.setAttribute('size', String(opts.size));
  if (opts.testId) el.dataset.testid = opts.testId;
  if (opts.title) el.title = opts.title;
  el.addEventListener('change', () => onChange(el.value));
  return el;
}
