// Small controls the toolkit does not have, as plain elements styled from --vscode-* variables.

export function slider(
  opts: { min: number; max: number; step: number; value: number; label: string; testId?: string; format?: (v: number) => string },
  onInput: (value: number) => void,
): HTMLElement & { setRange(min: number, max: number, value: number): void; input: HTMLInputElement } {
  const wrap = document.createElement('label') as unknown as HTMLElement & { setRange(min: number, max: number, value: number): void; input: HTMLInputElement };
  wrap.className = 'slider';
  const text = document.createElement('span');
  text.className = 'slider-label';
  const input = document.createElement('input');
  input.type = 'range';
  input.min = String(opts.min);
  input.max = String(opts.max);
  input.step = String(opts.step);
  input.value = String(opts.value);
  if (opts.testId) input.dataset.testid = opts.testId;
  input.setAttribute('aria-label', opts.label);
  const out = document.createElement('output');
  const show = () => (out.textContent = opts.format ? opts.format(+input.value) : input.value);
  show();
  input.addEventListener('input', () => {
    show();
    onInput(+input.value);
  });
  text.textContent = opts.label;
  wrap.append(text, input, out);
  wrap.input = input;
  wrap.setRange = (min: number, max: number, value: number) => {
    if (input.min !== String(min)) input.min = String(min);
    if (input.max !== String(max)) input.max = String(max);
    if (+input.value !== value) input.value = String(value);
    show();
  };
  return wrap;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A plain <select>; setOptions replaces the choices and keeps `value` selected when offered. */
export function select(
  choices: ReadonlyArray<{ value: string; label: string }>,
  value: string,
  onChange: (value: string) => void,
  opts: { testId?: string; label: string },
): HTMLSelectElement & { setOptions(choices: ReadonlyArray<{ value: string; label: string }>, value: string): void } {
  const node = document.createElement('select') as HTMLSelectElement & { setOptions(choices: ReadonlyArray<{ value: string; label: string }>, value: string): void };
  node.className = 'plain-select';
  if (opts.testId) node.dataset.testid = opts.testId;
  node.setAttribute('aria-label', opts.label);
  node.title = opts.label;
  let sig = '';
  node.setOptions = (list, v) => {
    const next = JSON.stringify(list) + '\u0000' + v;
    if (next === sig) return;
    sig = next;
    node.textContent = '';
    for (const c of list) {
      const o = document.createElement('option');
      o.value = c.value;
      o.textContent = c.label;
      node.append(o);
    }
    node.value = v;
  };
  node.addEventListener('change', () => onChange(node.value));
  node.setOptions(choices, value);
  return node;
}
