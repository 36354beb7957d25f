// The runtime's budget: the minified bundle (built by `npm run build`) under 13 KiB gzipped (12 KiB
// until call metadata, protocol.md 3.2.1, took about 350 bytes; 12.5 KiB until BATCH, protocol.md 3.8, took about 280). Size is deterministic, so this is a
// test rather than a benchmark.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

test('dist/hardlight.min.js is under 13 KiB minified and gzipped', () => {
  const min = readFileSync(new URL('../../dist/hardlight.min.js', import.meta.url));
  const gz = gzipSync(min, { level: 9 }).length;
  console.log(`# hardlight.min.js: ${min.length} bytes minified, ${gz} bytes gzipped`);
  assert.ok(gz < 13 * 1024, `${gz} bytes gzipped (budget: ${13 * 1024})`);
});

test('the bundle is an ES module exporting the runtime', async () => {
  const m = (await import(new URL('../../dist/hardlight.min.js', import.meta.url).href)) as Record<string, unknown>;
  for (const name of ['Client', 'Writer', 'Reader', 'codecs', 'Status', 'RpcError', 'ApplicationError', 'Instant', 'Duration', 'Topic']) {
    assert.ok(m[name], `exports ${name}`);
  }
});
