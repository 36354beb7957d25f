// The client on a standard (WHATWG) WebSocket, the one browsers have: Node's own behind
// --experimental-websocket, in a child process. Such a WebSocket may not send close code 1002, so the
// client sends 4002 with the same reason; a refused upgrade shows what the platform tells.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FakeServer, hello } from './fake-server.js';
import { t } from './harness.js';

const child = fileURLToPath(new URL('./whatwg-child.js', import.meta.url));

function run(url: string): { lines: Promise<Record<string, unknown>[]> } {
  const p = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', child, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  p.stdout.on('data', (d: Buffer) => (text += d.toString()));
  return {
    lines: new Promise((resolve) => p.on('close', () => resolve(text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)))),
  };
}

t('with a WHATWG WebSocket: HELLO, a call, and a violation closed with 4002 (1002 is not allowed there)', async (cleanup) => {
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const c = run(server.url);
  const peer = await server.next(10000);
  peer.send(hello({ state: { count: 3, user: 'x' } }));
  const call = await peer.call();
  peer.resultInt(call.id, 11);
  await peer.call();
  peer.send(Uint8Array.of(0));
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [4002, 'unknown frame type 0x00']);
  const lines = await c.lines;
  assert.deepEqual(lines[0], { state: { count: 3, user: 'x' } });
  assert.deepEqual(lines[1], { result: 11 });
  assert.equal(lines[2]!.error, 22);
  assert.match(String(lines[2]!.message), /was closed by this client: the server broke the protocol \(1002 unknown frame type 0x00\)$/);
}, 30000);

t('with a WHATWG WebSocket: a refused upgrade says what the platform tells (nothing about the status)', async (cleanup) => {
  const server = await FakeServer.start({ refuse: 403 });
  cleanup(() => server.stop());
  const lines = await run(server.url).lines;
  assert.equal(lines[0]!.connectError, 14);
  assert.match(String(lines[0]!.message), /^cannot connect to ws:.*: the server refused the WebSocket upgrade or is unreachable \(/);
}, 30000);
