// The runtime's budget (issue 12): the minified bundle (built by `npm run build`) under 12 KiB gzipped.
// Call metadata (protocol.md 3.2.1) and BATCH (3.8) had taken it to 12,951 bytes; shorter code paths
// and shared message parts brought it back to 12,271; the sender's check for repeats in a set fit by
// sharing the collection codecs (12,280); the hostile-server fixes (12,308) fit by declared fields and
// one error-copy helper (12,263); EVENTS_MISSED read as 31 bits (12,258). Size is deterministic, so this is a test rather than a benchmark.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

test('dist/hardlight.min.js is under 12 KiB minified and gzipped', () => {
  const min = readFileSync(new URL('../../dist/hardlight.min.js', import.meta.url));
  const gz = gzipSync(min, { level: 9 }).length;
  console.log(`# hardlight.min.js: ${min.length} bytes minified, ${gz} bytes gzipped`);
  assert.ok(gz < 12 * 1024, `${gz} bytes gzipped (budget: ${12 * 1024})`);
});

test('the bundle is an ES module exporting the runtime', async () => {
  const m = (await import(new URL('../../dist/hardlight.min.js', import.meta.url).href)) as Record<string, unknown>;
  for (const name of ['Client', 'Writer', 'Reader', 'codecs', 'Status', 'RpcError', 'ApplicationError', 'Instant', 'Duration', 'Topic']) {
    assert.ok(m[name], `exports ${name}`);
  }
});
