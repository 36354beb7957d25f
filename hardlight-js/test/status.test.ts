// Status is built at run time from its names (status.ts): it must be the object a TypeScript enum
// would be, with protocol.md 3.7's numbers, both ways, in the modules and in the minified bundle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError, Status } from './runtime.js';
import type * as Runtime from './runtime.js';

// protocol.md 3.7
const CODES: [string, number][] = [
  ['CANCELLED', 1], ['UNKNOWN', 2], ['INVALID_ARGUMENT', 3], ['DEADLINE_EXCEEDED', 4], ['NOT_FOUND', 5],
  ['ALREADY_EXISTS', 6], ['PERMISSION_DENIED', 7], ['RESOURCE_EXHAUSTED', 8], ['FAILED_PRECONDITION', 9],
  ['ABORTED', 10], ['OUT_OF_RANGE', 11], ['UNIMPLEMENTED', 12], ['INTERNAL', 13], ['UNAVAILABLE', 14],
  ['DATA_LOSS', 15], ['UNAUTHENTICATED', 16], ['APPLICATION_ERROR', 20], ['PROTOCOL_ERROR', 21],
  ['CONNECTION_LOST', 22], ['INCOMPATIBLE', 23],
];

for (const [where, load] of [
  ['the modules', async () => ({ Status, RpcError })],
  ['the bundle', async () => (await import(new URL('../../dist/hardlight.min.js', import.meta.url).href)) as typeof Runtime],
] as const) {
  test(`Status in ${where}: every name to its number and back, nothing else`, { timeout: 10000 }, async () => {
    const m = await load();
    const expected: Record<string, string | number> = {};
    for (const [name, code] of CODES) {
      expected[name] = code;
      expected[code] = name;
    }
    assert.deepEqual({ ...m.Status }, expected);
    assert.equal(m.Status.UNAVAILABLE, 14);
    assert.equal(m.Status[23], 'INCOMPATIBLE');
    assert.equal(m.Status[17], undefined);
    assert.equal(String(new m.RpcError(m.Status.CONNECTION_LOST, 'gone')), 'RpcError CONNECTION_LOST: gone');
  });
}
