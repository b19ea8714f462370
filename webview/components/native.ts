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
