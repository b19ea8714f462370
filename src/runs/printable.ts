// Text from run files is untrusted: a label may hold terminal escape sequences (ESC[2J clears the
// screen), newlines that forge extra lines, or bidi controls that reorder what is shown. printable()
// makes it inert before it reaches a terminal (the CLI) or a notification: every control character is
// shown as a visible escape (\x1b, \n, \u202e), and the text is cut to `max` characters.
// (The dashboard sets text with textContent, never as HTML; it uses this too so labels look the same.)

// C0 controls, DEL, C1 controls, bidi embedding/override/isolate marks, line/paragraph separators, BOM.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/g;

export function printable(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  const escaped = text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return escaped.length > max ? escaped.slice(0, max - 1) + '…' : escaped;
}
