// Node 23 removed the long-deprecated `util.is*` type checks (DEP0044-DEP0058). @tensorflow/tfjs-node
// 4.22.0, its last release, still calls `util.isNullOrUndefined` (in every op that reads tensors back,
// e.g. `dataSync`, and in TopK) and `util.isArray`: under Node 24 — the Node of today's VS Code extension
// host, which forks our trainer — the first such op throws "(0 , util_1.isNullOrUndefined) is not a
// function". Upstream merged the fix (tfjs PR #8425) but never released it.
//
// Why a shim and not a patch of tfjs-node's files at install time: the shim works for every way
// tfjs-node reaches a user (our postinstall's own build, a plain `npm install` where Google's download
// works, the packaged VSIX), touches no third-party file, and is a no-op on Node 20 and 22 where the
// helpers still exist. tfjs-node reads the helpers off the shared `util` module object at call time
// (`(0, util_1.isNullOrUndefined)(x)`), so defining them once on that object, before any op runs, is
// enough. We only add what is missing, with the exact semantics Node documented for them, so code that
// feature-tests for their absence is unaffected on older Nodes.
//
// Only the processes that load tfjs (trainer, CLI, optimizer library, tests) install it: the extension
// host never loads tfjs-node, and we do not touch the `util` module other extensions share.

// `require`, not `import * as`: a bundler's ESM interop would hand us a copy of the module object, and
// helpers defined on a copy are invisible to tfjs-node's own `require("util")`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeUtil = require('util') as Record<string, unknown>;

type Check = (value: unknown) => boolean;

/** The helpers Node 23 removed, as Node <= 22 defined them. */
export const REMOVED_UTIL_HELPERS: Readonly<Record<string, Check>> = {
  isArray: (v) => Array.isArray(v),
  isBoolean: (v) => typeof v === 'boolean',
  isBuffer: (v) => Buffer.isBuffer(v),
  isDate: (v) => v instanceof Date,
  isError: (v) => v instanceof Error,
  isFunction: (v) => typeof v === 'function',
  isNull: (v) => v === null,
  isNullOrUndefined: (v) => v === null || v === undefined,
  isNumber: (v) => typeof v === 'number',
  isObject: (v) => v !== null && typeof v === 'object',
  isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
  isRegExp: (v) => v instanceof RegExp,
  isString: (v) => typeof v === 'string',
  isSymbol: (v) => typeof v === 'symbol',
  isUndefined: (v) => v === undefined,
};

/**
 * Defines the removed `util.is*` helpers that this Node lacks. Returns the names it added (empty on
 * Node <= 22). Idempotent.
 */
export function installNodeUtilShim(target: Record<string, unknown> = nodeUtil): string[] {
  const added: string[] = [];
  for (const [name, fn] of Object.entries(REMOVED_UTIL_HELPERS)) {
    if (typeof target[name] === 'function') continue;
    Object.defineProperty(target, name, { value: fn, writable: true, configurable: true, enumerable: true });
    added.push(name);
  }
  return added;
}
