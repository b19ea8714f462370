import * as assert from 'assert';
import { installNodeUtilShim, REMOVED_UTIL_HELPERS } from '../../../src/tf/nodeUtilShim';

describe('Node util shim (tfjs-node 4.22 on Node >= 23)', () => {
  it('adds the removed helpers only where missing, with Node <= 22 semantics', () => {
    const existing = () => 'kept';
    const target: Record<string, unknown> = { isArray: existing };
    const added = installNodeUtilShim(target);
    assert.ok(!added.includes('isArray'), 'an existing helper is left alone');
    assert.strictEqual(target.isArray, existing);
    assert.deepStrictEqual(added.sort(), Object.keys(REMOVED_UTIL_HELPERS).filter((n) => n !== 'isArray').sort());
    const isNullOrUndefined = target.isNullOrUndefined as (v: unknown) => boolean;
    assert.deepStrictEqual([null, undefined, 0, '', false, {}].map(isNullOrUndefined), [true, true, false, false, false, false]);
    const isPrimitive = target.isPrimitive as (v: unknown) => boolean;
    assert.deepStrictEqual([null, 1, 'a', Symbol('s'), {}, () => 0].map(isPrimitive), [true, true, true, true, false, false]);
    assert.deepStrictEqual(installNodeUtilShim(target), [], 'idempotent');
  });

  it('leaves the real util module with every helper tfjs-node calls, on this Node', () => {
    // src/tf/index.ts installs it before tfjs-node loads; importing it here does the same.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../../src/tf');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const util = require('util') as Record<string, unknown>;
    for (const name of ['isNullOrUndefined', 'isArray']) assert.strictEqual(typeof util[name], 'function', `util.${name}`);
  });
});
