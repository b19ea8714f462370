// Dashboard front end entry. Renders what the host sends; holds no truth the disk does not also hold.
import { onHostMessage, post } from './vscodeApi';
import { badge, divider } from './components/toolkit';
import type { BackendUpdate } from '../src/protocol/webview';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const app = document.getElementById('app')!;
app.textContent = '';

const header = el('header', { class: 'header' });
header.append(el('h1', {}, 'RAdam Dashboard'));
const backendLine = el('div', { class: 'backend' });
backendLine.append('Backend: ', el('span', { 'data-testid': 'backend-name' }, 'probing…'));
header.append(backendLine);
const warning = el('div', { class: 'warning', 'data-testid': 'backend-warning', hidden: '' });
app.append(header, warning, divider());

const runs = el('section', { class: 'runs', 'data-testid': 'run-list' });
runs.append(el('h2', {}, 'Runs'), el('p', { class: 'empty' }, 'No runs yet. Run “RAdam: Start Training” from the Command Palette.'));
app.append(runs);

function showBackend(update: BackendUpdate): void {
  const name = backendLine.querySelector('[data-testid="backend-name"]')!;
  if (!update.backend) {
    name.textContent = update.error ? 'unavailable' : 'probing…';
    if (update.error) {
      warning.textContent = `The trainer process could not start: ${update.error}`;
      warning.hidden = false;
    }
    return;
  }
  name.textContent = update.backend.name;
  backendLine.append(' ', badge(update.backend.native ? 'native' : 'JavaScript fallback', 'backend-kind'));
  if (update.backend.warning) {
    warning.textContent = update.backend.warning;
    warning.hidden = false;
  }
}

onHostMessage((msg) => {
  switch (msg.type) {
    case 'backend':
      showBackend(msg);
      break;
  }
});

post({ type: 'ready' });
