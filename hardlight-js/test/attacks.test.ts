// A hostile server that does not follow protocol.md §4.1's table: absurd HELLO limits, a server that
// never finishes its HELLO or drips it, answers for ids never used, nested BATCHes, floods of
// EVENTS_MISSED and STATE_DELTA, calls after GO_AWAY, illegal close frames, messages at and just over
// the size limit, and frames that arrive in the same read as the HELLO. Each outcome is the Java
// client's (HostileInputTest) or the spec's.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Client, Status, Writer, encodeFrame } from './runtime.js';
import type { ConnectionEvent, Event } from './runtime.js';
import { Counter, get, increment } from './counter.js';
import type { Ev, State } from './counter.js';
import { FakeServer, hello, options } from './fake-server.js';
import type { Peer } from './fake-server.js';
import { connected, rejects, settled, t, until } from './harness.js';

const b = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** One unmasked server-to-client WebSocket frame (FIN set) of `opcode` around `payload`. */
function wsFrame(payload: Uint8Array, opcode = 2): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** The TCP socket under a server-side `ws` connection: bytes written to it reach the client as they are. */
function raw(peer: Peer): Socket {
  return (peer.ws as unknown as { _socket: Socket })._socket;
}

/** Accepts a connection and sends `bytes` (whole WebSocket frames) in one write, before the client can act on any of them. */
async function connectWithOneWrite(bytes: Buffer, extra = {}): Promise<{ server: FakeServer; peer: Peer; client: Client<State, Ev>; events: ConnectionEvent[] }> {
  const server = await FakeServer.start();
  const events: ConnectionEvent[] = [];
  const p = Client.connect<State, Ev>(server.url, Counter, options({ onConnectionEvent: (e) => events.push(e), ...extra }));
  const peer = await server.next();
  raw(peer).write(bytes);
  return { server, peer, client: await p, events };
}

t('ERROR_META with good metadata and a truncated rest: the violation fails the call (it is not left pending)', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = settled(client.call(increment, [1]));
  await peer.call();
  peer.send(b('0d 00 01 01 61 01 62 02')); // id 0, metadata a=b, status 2, then nothing
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [1002, 'ERROR_META: malformed message: truncated varint']);
  await rejects(p, Status.CONNECTION_LOST, 'the server broke the protocol (1002 ERROR_META: malformed message: truncated varint)');
});

t('HELLO and GO_AWAY in one read, with reconnect: the client reconnects (it is not left with a connection that takes no calls)', async (cleanup) => {
  const { server, client, events } = await connectWithOneWrite(Buffer.concat([wsFrame(hello()), wsFrame(encodeFrame({ type: 9, reason: 'deploy' }))]), {
    reconnect: { initialDelay: 10, maxDelay: 50 },
  });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const call = client.call(get, [], { deadline: 4000 });
  const peer2 = await server.next();
  peer2.send(hello());
  const c = await peer2.call();
  peer2.resultInt(c.id, 5);
  assert.equal(await call, 5);
  assert.deepEqual(events.at(-1), { type: 'connected', reconnected: true });
});

t('HELLO and a close in one read, without reconnect: the client is closed, its event iteration ends, calls fail at once', async (cleanup) => {
  const close = Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]); // 1000 "bye"
  const { server, client, events } = await connectWithOneWrite(Buffer.concat([wsFrame(hello()), wsFrame(close, 8)]));
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const it = client.events();
  await rejects(it.next(), Status.CONNECTION_LOST, 'the server closed it (1000 bye)');
  await until(() => events.some((e) => e.type === 'closed'), 3000, 'the closed event');
  await rejects(client.call(get, []), Status.CONNECTION_LOST, '1000 bye');
});
