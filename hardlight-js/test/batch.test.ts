// BATCH (docs/protocol.md section 3.8) on the client side, against a scripted server over a real
// WebSocket: calls made in one JS task go out as one BATCH to a server that announced it (HELLO
// extension 5), never to one that did not; a received BATCH is handled frame by frame; a malformed
// one closes as the Java client's HostileInputTest.malformedBatch does.

import assert from 'node:assert/strict';
import { Reader, Status, Writer } from './runtime.js';
import { increment } from './counter.js';
import type { Peer } from './fake-server.js';
import type { HelloSpec } from './fake-server.js';
import { connected, rejects, settled, t } from './harness.js';

const BATCHING: HelloSpec = { extra: [{ tag: 5, bytes: new Uint8Array(0) }] };
const b = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** The inner frames of a BATCH message (asserting it is one). */
function frames(m: Uint8Array): Uint8Array[] {
  assert.equal(m[0], 0x0f, 'a BATCH: ' + Buffer.from(m).toString('hex'));
  const r = new Reader(m);
  r.skip(1);
  const n = r.varint();
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.bytes());
  r.end('BATCH');
  return out;
}

function batch(inner: Uint8Array[]): Uint8Array {
  const w = new Writer();
  w.varint(0x0f);
  w.varint(inner.length);
  for (const f of inner) w.bytes(f);
  return w.finish().slice();
}

function result(id: number, v: number): Uint8Array {
  const w = new Writer();
  w.varint(3);
  w.varint(id);
  w.int(v);
  return w.finish().slice();
}

/** The call ids of the CALL frames in `fs`. */
function callIds(fs: Uint8Array[]): number[] {
  return fs.map((f) => {
    assert.equal(f[0], 2, 'a CALL');
    return f[1]!;
  });
}

t('calls made in one task go to a server announcing BATCH as one message; a BATCH of answers resolves them', async (cleanup) => {
  const { server, peer, client } = await connected(BATCHING);
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const calls = [1, 2, 3].map((n) => client.call(increment, [n]));
  const fs = frames(await peer.next());
  assert.deepEqual(callIds(fs), [0, 1, 2]);
  assert.deepEqual(fs.map((f) => f[3]), [2, 4, 6], 'the arguments, in the order of the calls');
  // answered out of order, in one BATCH
  peer.send(batch([result(2, 30), result(0, 10), result(1, 20)]));
  assert.deepEqual(await Promise.all(calls), [10, 20, 30]);
  // a lone call is a plain CALL
  const one = client.call(increment, [4]);
  const m = await peer.next();
  assert.equal(m[0], 2, 'a CALL, not a BATCH of one');
  peer.send(result(m[1]!, 40));
  assert.equal(await one, 40);
  assert.equal(peer.received.size, 0, 'nothing else was sent');
});

t('a server that does not announce BATCH gets one CALL message per call', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const calls = [1, 2, 3].map((n) => client.call(increment, [n]));
  for (let i = 0; i < 3; i++) {
    const c = await peer.call();
    peer.resultInt(c.id, c.id);
  }
  assert.deepEqual(await Promise.all(calls), [0, 1, 2]);
});

t('batches are cut to the server\'s maxMessageSize and 256 frames', async (cleanup) => {
  const { server, peer, client } = await connected({ ...BATCHING, maxMessageSize: 30, maxInFlight: 1000 }, { maxInFlight: 1000 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const calls = [1, 2, 3, 4, 5].map((n) => client.call(increment, [n]));
  const sizes: number[] = [];
  const ids: number[] = [];
  while (ids.length < 5) {
    const m = await peer.next();
    assert.ok(m.length <= 30, `${m.length} bytes`);
    const fs = m[0] === 0x0f ? frames(m) : [m];
    sizes.push(fs.length);
    ids.push(...callIds(fs));
  }
  assert.deepEqual(ids, [0, 1, 2, 3, 4]);
  assert.ok(sizes.length >= 2 && sizes.length < 5, `${sizes}`);
  for (const id of ids) peer.resultInt(id, id);
  assert.deepEqual(await Promise.all(calls), [0, 1, 2, 3, 4]);
});

t('600 calls in one task go as BATCHes of at most 256 frames', async (cleanup) => {
  const { server, peer, client } = await connected({ ...BATCHING, maxInFlight: 1000 }, { maxInFlight: 1000 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const calls = Array.from({ length: 600 }, (_, i) => client.call(increment, [i]));
  const counts: number[] = [];
  let got = 0;
  while (got < 600) {
    const fs = frames(await peer.next());
    counts.push(fs.length);
    got += fs.length;
    peer.send(batch(callIds2(fs).map((id) => result(id, id))));
  }
  assert.deepEqual(counts, [256, 256, 88]);
  assert.equal((await Promise.all(calls)).length, 600);
});

/** Call ids of CALL frames, any size. */
function callIds2(fs: Uint8Array[]): number[] {
  return fs.map((f) => {
    const r = new Reader(f);
    r.skip(1);
    return r.varint();
  });
}

async function violation(peerBytes: (peer: Peer) => Uint8Array, reason: RegExp): Promise<void> {
  const { server, peer, client } = await connected(BATCHING);
  try {
    const pending = settled(client.call(increment, [1]));
    await peer.call();
    peer.send(peerBytes(peer));
    const closed = await peer.closed;
    assert.equal(closed.code, 1002, closed.reason);
    assert.match(closed.reason, reason);
    await rejects(pending, Status.CONNECTION_LOST, 'the server broke the protocol (1002');
  } finally {
    await client.close();
    await server.stop();
  }
}

t('malformedBatch', async () => {
  await violation(() => b('0f 01 03 030002'), /^BATCH: count 1$/);
  await violation(() => b('0f 00'), /^BATCH: count 0$/);
  await violation(() => b('0f 8102' + '02 0a01'.repeat(257)), /^BATCH: count 257$/);
  await violation(() => b('0f 02 02 0a01 09 0a01'), /^BATCH: malformed message: truncated/);
  await violation(() => b('0f 02 02 0a01 02 0a01 00'), /^BATCH: .*trailing bytes/);
  await violation(() => b('0f 02 02 0a01 05 0f02010a01'), /^BATCH: HELLO or BATCH inside$/);
  await violation(() => b('0f 02 02 0a01 01 01'), /^BATCH: HELLO or BATCH inside$/);
  // an inner frame malformed in itself: the outcome it has alone
  await violation(() => b('0f 02 02 0a01 02 0500'), /^CANCEL is a client-to-server frame$/);
  await violation(() => b('0f 02 02 0a01 00'), /^empty message$/);
  await violation(() => b('0f 02 02 0a01 02 1000'), /^unknown frame type 0x10$/);
});

t('the frames of a BATCH before a malformed one are handled', async (cleanup) => {
  const { server, peer, client } = await connected(BATCHING);
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(increment, [1]);
  const c = await peer.call();
  peer.send(batch([result(c.id, 7), b('0500')]));
  assert.equal(await p, 7);
  const closed = await peer.closed;
  assert.match(closed.reason, /^CANCEL is a client-to-server frame$/);
});
