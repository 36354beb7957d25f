// A hostile server that does not follow protocol.md §4.1's table: absurd HELLO limits, a server that
// never finishes its HELLO or drips it, answers for ids never used, nested BATCHes, floods of
// EVENTS_MISSED and STATE_DELTA, calls after GO_AWAY, illegal close frames, messages at and just over
// the size limit, and frames that arrive in the same read as the HELLO. Each outcome is the Java
// client's (HostileInputTest) or the spec's.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { Client, RpcError, Status, Writer, encodeFrame } from './runtime.js';
import type { ConnectionEvent, Event } from './runtime.js';
import { Counter, SCHEMA, echo, get, increment, itemCodec } from './counter.js';
import type { Ev, State } from './counter.js';
import { FakeServer, counterMethods, hello, options, raw, wsFrame } from './fake-server.js';
import type { Peer } from './fake-server.js';
import { connected, rejects, settled, t, until } from './harness.js';

const b = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

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

/** A HELLO whose maxInFlight varint is replaced by `bytes` (hello() writes 127 as the single byte 7f at offset 42). */
function helloWithMaxInFlight(bytes: string): Uint8Array {
  const h = hello({ maxInFlight: 0x7f });
  assert.equal(h[42], 0x7f);
  return Uint8Array.from([...h.subarray(0, 42), ...b(bytes), ...h.subarray(43)]);
}

/** Connects, sends `h` as the HELLO and returns what the server saw and how connect ended. */
async function refusedHello(h: Uint8Array): Promise<{ code: number; reason: string; error: unknown }> {
  const server = await FakeServer.start();
  try {
    const p = settled(Client.connect(server.url, Counter, options()));
    const peer = await server.next();
    peer.send(h);
    const closed = await peer.closed;
    let error: unknown;
    await p.catch((e: unknown) => (error = e));
    return { ...closed, error };
  } finally {
    await server.stop();
  }
}

t('HELLO with absurd limits: maxInFlight 65536, 2^31-1 and 2^31 are violations; maxMessageSize 0 refuses every call locally, 2^31-1 is taken', async () => {
  for (const [bytes, reason] of [
    ['80 80 04', 'HELLO: maxInFlight 65536'],
    ['ff ff ff ff 07', 'HELLO: maxInFlight 2147483647'],
    ['80 80 80 80 08', 'HELLO: malformed message: varint exceeds 31 bits'],
    ['ff ff ff ff ff 01', 'HELLO: malformed message: varint longer than 5 bytes'],
  ] as const) {
    const r = await refusedHello(helloWithMaxInFlight(bytes));
    assert.deepEqual([r.code, r.reason], [1002, reason]);
    assert.ok(r.error instanceof Error && r.error.message.includes('the server broke the protocol: ' + reason), String(r.error));
  }
  {
    const { server, peer, client } = await connected({ maxMessageSize: 0 });
    try {
      await rejects(client.call(get, []), Status.RESOURCE_EXHAUSTED, 'the call to get is 3 bytes; the server accepts at most 0');
      peer.stateDelta([[0, (w) => w.int(4)]]);
      await until(() => client.state.count === 4, 3000, 'the connection stays usable');
    } finally {
      await client.close();
      await server.stop();
    }
  }
  {
    const { server, peer, client } = await connected({ maxMessageSize: 0x7fffffff, maxInFlight: 65535 });
    try {
      const p = client.call(echo, [{ name: 'x'.repeat(100_000), count: 1 }]);
      const c = await peer.call();
      peer.result(c.id, (w) => itemCodec.encode(w, { name: 'y', count: 2 }));
      assert.deepEqual(await p, { name: 'y', count: 2 });
    } finally {
      await client.close();
      await server.stop();
    }
  }
});

t('HELLO with an enormous schema text (4 MiB, 100,000 records) and 50,000 methods: parsed, checked and connected within the connect timeout', async (cleanup) => {
  let text = SCHEMA;
  const extra: string[] = [];
  for (let i = 0; i < 100_000; i++) extra.push(`record zz.R${i}(a:int,b:string)\n`);
  text += extra.join('');
  const methods = counterMethods();
  for (let i = 0; i < 50_000; i++) methods.push({ id: 1000 + i, name: 'm' + i, hash: BigInt(i) });
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const started = Date.now();
  const p = settled(Client.connect<State, Ev>(server.url, Counter, options({ connectTimeout: 8000 })));
  const peer = await server.next();
  peer.send(hello({ schema: text, fingerprint: Uint8Array.from(createHash('sha256').update(text).digest()), methods }));
  const client = await p;
  cleanup(() => client.close());
  const elapsed = Date.now() - started;
  const q = client.call(get, []);
  const c = await peer.call();
  peer.resultInt(c.id, 9);
  assert.equal(await q, 9);
  assert.ok(elapsed < 8000, `connected in ${elapsed} ms`);
}, 30000);

t('a server that accepts the upgrade and never sends HELLO: connect fails UNAVAILABLE at its timeout, the socket is closed 1000', async (cleanup) => {
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const started = Date.now();
  const p = settled(Client.connect(server.url, Counter, options({ connectTimeout: 400 })));
  const peer = await server.next();
  await rejects(p, Status.UNAVAILABLE, 'the server sent no HELLO within 400 ms (is it a HardLight server?)');
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 390 && elapsed < 2000, `failed after ${elapsed} ms`);
  assert.deepEqual(await peer.closed, { code: 1000, reason: 'connect failed' });
});

/** Writes `bytes` to `s` one byte every `ms`, until done or the socket closes. */
function drip(s: Socket, bytes: Uint8Array, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      if (i >= bytes.length || s.destroyed) {
        clearInterval(timer);
        resolve();
        return;
      }
      s.write(bytes.subarray(i, ++i));
    }, ms);
  });
}

t('a server that drips its HELLO a byte at a time: connect fails at its timeout; a dripped answer lets a deadline pass, and is accepted when it completes', async (cleanup) => {
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const p = settled(Client.connect(server.url, Counter, options({ connectTimeout: 600 })));
  const peer = await server.next();
  const dripping = drip(raw(peer), wsFrame(hello()), 20); // ~110 bytes: 2.2 s
  await rejects(p, Status.UNAVAILABLE, 'the server sent no HELLO within 600 ms');
  assert.equal((await peer.closed).code, 1000);
  await dripping;

  const { server: s2, peer: peer2, client } = await connected();
  cleanup(() => s2.stop());
  cleanup(() => client.close());
  const q = settled(client.call(get, [], { deadline: 300 }));
  const c = await peer2.call();
  const answer = new Writer();
  answer.varint(3);
  answer.varint(c.id);
  answer.int(77);
  const done = drip(raw(peer2), wsFrame(answer.finish().slice()), 150); // 5 bytes: 750 ms
  await rejects(q, Status.DEADLINE_EXCEEDED, 'Counter.get did not complete within 300 ms');
  assert.deepEqual([...(await peer2.next())], [5, c.id], 'CANCEL sent');
  await done;
  const r = client.call(get, []);
  assert.equal((await peer2.call()).id, 0, 'the late answer freed the id, quietly');
  peer2.resultInt(0, 1);
  assert.equal(await r, 1);
});

t('answers for ids never used, beyond the limit, reused after completion or after a local deadline: once accepted, twice a violation', async (cleanup) => {
  const { server, peer, client } = await connected({ maxInFlight: 4 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const q = settled(client.call(get, [], { deadline: 100 }));
  const c = await peer.call();
  await rejects(q, Status.DEADLINE_EXCEEDED, 'did not complete within 100 ms');
  assert.equal((await peer.next())[0], 5);
  const next = settled(client.call(get, []));
  assert.equal((await peer.call()).id, 1, 'id 0 stays reserved until the server answers');
  peer.resultInt(c.id, 1); // the late answer: accepted quietly
  peer.send(encodeFrame({ type: 12, callId: c.id, metadata: { a: 'b' }, value: Uint8Array.of(2) })); // a second answer
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [1002, 'RESULT for call id 0 not in flight']);
  await rejects(next, Status.CONNECTION_LOST, 'RESULT for call id 0 not in flight');
  for (const [bytes, reason] of [
    ['0c 03 01 01 61 01 62 02', 'RESULT for call id 3 not in flight'],
    ['0d 04 01 01 61 01 62 02 00 00', 'ERROR for call id 4 not in flight'],
    ['04 ff ff ff ff 07 02 00 00', 'ERROR for call id 2147483647 not in flight'],
  ] as const) {
    const x = await connected({ maxInFlight: 4 });
    try {
      const pending = settled(x.client.call(get, []));
      await x.peer.call();
      x.peer.send(b(bytes));
      const cl = await x.peer.closed;
      assert.deepEqual([cl.code, cl.reason], [1002, reason]);
      await rejects(pending, Status.CONNECTION_LOST, reason);
    } finally {
      await x.client.close();
      await x.server.stop();
    }
  }
});

/** A BATCH message of `frames`. */
function batch(frames: Uint8Array[]): Uint8Array {
  const w = new Writer();
  w.varint(15);
  w.varint(frames.length);
  for (const f of frames) w.bytes(f);
  return w.finish().slice();
}

t('a BATCH of 256 BATCHes is refused whole (nesting is not allowed): no inner frame handled', async (cleanup) => {
  const { server, peer, client } = await connected({ state: { count: 1, user: null } });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = settled(client.call(get, []));
  const c = await peer.call();
  const result = new Writer();
  result.varint(3);
  result.varint(c.id);
  result.int(5);
  const inner = batch([result.finish().slice(), b('06 01 00 0e')]);
  const frames: Uint8Array[] = [result.finish().slice()];
  while (frames.length < 256) frames.push(inner);
  peer.send(batch(frames));
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [1002, 'BATCH: HELLO or BATCH inside']);
  await rejects(p, Status.CONNECTION_LOST, 'BATCH: HELLO or BATCH inside');
  assert.equal(client.state.count, 1, 'the STATE_DELTA inside was not applied');
});

t('256 EVENTS_MISSED (one BATCH of 256, then 256 messages of 2^31-1, the largest count): the next event reports them all in missedBefore, a finite positive number', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const it = client.events();
  peer.send(batch(Array.from({ length: 256 }, () => Uint8Array.of(0x0a, 0x01))));
  peer.event('t', { $type: 'Inc', by: 1 });
  const first = await it.next();
  assert.equal(first.value?.missedBefore, 256);
  const big = encodeFrame({ type: 10, count: (1n << 31n) - 1n });
  for (let i = 0; i < 256; i++) peer.send(big);
  peer.event('t', { $type: 'Inc', by: 2 });
  const second = await it.next();
  assert.equal(second.value?.missedBefore, 256 * (2 ** 31 - 1));
  assert.ok(Number.isFinite(second.value?.missedBefore));
});

t('a STATE_DELTA storm (5,000 deltas, some batched): every state the listener sees is a whole one, in order; the state is current when a call resolves', async (cleanup) => {
  const { server, peer, client } = await connected({ state: { count: 0, user: 'a' } });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const seen: State[] = [];
  client.onState((s) => seen.push(s));
  const p = client.call(get, []);
  const c = await peer.call();
  const delta = (i: number): Uint8Array => {
    const w = new Writer();
    w.varint(6);
    w.varint(2);
    w.varint(0);
    w.int(i);
    w.varint(1);
    w.presence(true);
    w.string('u' + i);
    return w.finish().slice();
  };
  for (let i = 1; i <= 5000; ) {
    if (i % 3 === 0 && i + 1 <= 5000) {
      peer.send(batch([delta(i), delta(i + 1)]));
      i += 2;
    } else peer.send(delta(i++));
  }
  peer.resultInt(c.id, 5000);
  assert.equal(await p, 5000);
  assert.deepEqual(client.state, { count: 5000, user: 'u5000' });
  assert.equal(seen.length, 5000);
  seen.forEach((s, i) => assert.deepEqual(s, { count: i + 1, user: 'u' + (i + 1) }));
});

t('GO_AWAY then more calls: new ones and one waiting for a slot fail UNAVAILABLE unsent, the one in flight completes, then the client closes 1000', async (cleanup) => {
  const { server, peer, client } = await connected({ maxInFlight: 1 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const a = client.call(increment, [1]);
  const waiting = settled(client.call(increment, [2]));
  const c = await peer.call();
  peer.goAway('deploy');
  peer.stateDelta([[0, (w) => w.int(3)]]); // once applied, the GO_AWAY before it was read
  await until(() => client.state.count === 3, 3000, 'the GO_AWAY read');
  const later = settled(client.call(get, []));
  await rejects(later, Status.UNAVAILABLE, 'server is shutting down: deploy');
  peer.resultInt(c.id, 1);
  assert.equal(await a, 1);
  await rejects(waiting, Status.UNAVAILABLE, 'server is shutting down: deploy');
  const closed = await peer.closed;
  assert.equal(closed.code, 1000);
  assert.equal(peer.received.size, 0, 'nothing but the first CALL was sent');
  await rejects(client.call(get, []), Status.UNAVAILABLE, 'server is shutting down: deploy');
});

t('close frames with codes a peer must not send (999, 1004, 1005, 1006, 2999), a reason that is not UTF-8, one byte, or over 125 bytes: the client fails its calls CONNECTION_LOST and answers as RFC 6455 says', async () => {
  const cases: [Buffer, number][] = [
    [Buffer.from([0x03, 0xe7]), 1002],
    [Buffer.from([0x03, 0xec]), 1002],
    [Buffer.from([0x03, 0xed]), 1002],
    [Buffer.from([0x03, 0xee]), 1002],
    [Buffer.from([0x0b, 0xb7]), 1002],
    [Buffer.from([0x03, 0xe8, 0xc0, 0x80]), 1007],
    [Buffer.from([0x03]), 1002], // a one-byte body
    [Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.alloc(124, 0x78)]), 1002], // 126 bytes: a control frame over 125
  ];
  for (const [body, answered] of cases) {
    const { server, peer, client } = await connected();
    try {
      const p = settled(client.call(get, []));
      await peer.call();
      raw(peer).write(wsFrame(body, 8));
      await rejects(p, Status.CONNECTION_LOST, `the connection to ${server.url} was lost`);
      const closed = await peer.closed;
      assert.equal(closed.code, answered, `answer to a close frame ${body.toString('hex')}: ${closed.code} ${closed.reason}`);
      await rejects(client.call(get, []), Status.CONNECTION_LOST, 'was lost');
    } finally {
      await client.close();
      await server.stop();
    }
  }
});

t("a message exactly at the client's maxMessageSize is taken, one byte over closes 1009; a call exactly at the server's limit is sent, one byte over is refused", async (cleanup) => {
  const { server, peer, client } = await connected({ maxMessageSize: 40 }, { maxMessageSize: 300 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const answer = (id: number, n: number): Uint8Array => {
    const w = new Writer();
    w.varint(3);
    w.varint(id);
    itemCodec.encode(w, { name: 'x'.repeat(n), count: 1 });
    return w.finish().slice();
  };
  // the call: CALL id method then the item; 40 bytes with a 34-character name
  const item = (n: number) => ({ name: 'z'.repeat(n), count: 1 });
  await rejects(client.call(echo, [item(35)]), Status.RESOURCE_EXHAUSTED, 'the call to echo is 41 bytes; the server accepts at most 40');
  const p = client.call(echo, [item(34)]);
  const c = await peer.call();
  assert.equal(c.args.length + 3, 40);
  const exact = answer(c.id, 293);
  assert.equal(exact.length, 300);
  peer.send(exact);
  assert.deepEqual(await p, { name: 'x'.repeat(293), count: 1 });
  const q = settled(client.call(echo, [item(1)]));
  const d = await peer.call();
  const over = answer(d.id, 294);
  assert.equal(over.length, 301);
  peer.send(over);
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [1009, 'message of 301 bytes (this client accepts at most 300)']);
  await rejects(q, Status.CONNECTION_LOST, 'the server broke the protocol (1009');
});

t('a violation whose close reason quotes the server\'s text (a feature name of emoji) is cut without splitting a character: the close is sent, within 123 bytes', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = settled(client.call(get, []));
  await peer.call();
  const name = 'a'.repeat(11) + '\u{1f600}'.repeat(17); // cut at 87 UTF-16 units, this splits an emoji
  peer.features([name]);
  await rejects(p, Status.CONNECTION_LOST, "the server broke the protocol (1002 FEATURES: malformed message: feature name 'aaaaaaaaaaa");
  const closed = await Promise.race([peer.closed, new Promise<undefined>((r) => setTimeout(r, 3000))]);
  assert.ok(closed, 'the client sent its close');
  assert.equal(closed.code, 1002);
  assert.ok(closed.reason.startsWith("FEATURES: malformed message: feature name 'aaaaaaaaaaa\u{1f600}") && closed.reason.endsWith('...'), closed.reason);
  assert.ok(Buffer.byteLength(closed.reason) <= 123 && !closed.reason.includes('\ufffd'), closed.reason);

  // a name of a million emoji (2 MB in the message): the reason is cut from its start, as quickly
  const long = await connected();
  try {
    long.peer.features(['b'.repeat(3) + '\u{1f600}'.repeat(1_000_000)]);
    const c = await long.peer.closed;
    assert.equal(c.code, 1002);
    assert.ok(c.reason.startsWith("FEATURES: malformed message: feature name 'bbb\u{1f600}") && c.reason.endsWith('\u{1f600}...'), c.reason);
    assert.ok(Buffer.byteLength(c.reason) <= 123 && !c.reason.includes('\ufffd'), c.reason);
  } finally {
    await long.client.close();
    await long.server.stop();
  }
});

t('a schema text of deeply nested, wide types is parsed in one pass: a 1.6 MB line connects at once; nesting beyond the stack is a violation, at once', async (cleanup) => {
  const withSchema = (line: string): Uint8Array => {
    const text = SCHEMA + line + '\n';
    return hello({ schema: text, fingerprint: Uint8Array.from(createHash('sha256').update(text).digest()) });
  };
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  // nested 2,000 deep around a map of 400,000 arguments: rescanning per level took about 12 s
  const wide = withSchema(`method m(a:${'list<'.repeat(2000)}map<int${',int'.repeat(400_000)}>${'>'.repeat(2000)}):int`);
  let started = Date.now();
  const p = settled(Client.connect<State, Ev>(server.url, Counter, options()));
  const peer = await server.next();
  peer.send(wide);
  const client = await p;
  cleanup(() => client.close());
  assert.ok(Date.now() - started < 2000, `connected in ${Date.now() - started} ms`);
  const q = client.call(get, []);
  const c = await peer.call();
  peer.resultInt(c.id, 3);
  assert.equal(await q, 3);

  const deep = withSchema(`method m(a:${'list<'.repeat(200_000)}int${'>'.repeat(200_000)}):int`);
  started = Date.now();
  const r = await refusedHello(deep);
  assert.ok(Date.now() - started < 2000, `refused in ${Date.now() - started} ms`);
  assert.equal(r.code, 1002);
  assert.match(r.reason, /^HELLO schema: /);
  assert.ok(r.error instanceof RpcError && r.error.status === Status.UNAVAILABLE, String(r.error));
});

t('a reconnect whose HELLO arrives with a violation in the same read: the client reconnects again', async (cleanup) => {
  const { server, peer, client, events } = await connected({}, { reconnect: { initialDelay: 10, maxDelay: 50 } });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  peer.close(4000, 'bye');
  const second = await server.next();
  raw(second).write(Buffer.concat([wsFrame(hello()), wsFrame(b('dd'))]));
  assert.equal((await second.closed).code, 1002);
  const third = await server.next(3000);
  third.send(hello({ state: { count: 3, user: null } }));
  await until(() => client.state.count === 3, 3000, 'the third connection installed');
  assert.deepEqual(
    events.map((e) => e.type),
    ['connecting', 'connected', 'disconnected', 'reconnecting', 'connected', 'disconnected', 'reconnecting', 'connected'],
  );
});

t('an onMetadata that throws fails its call with what it threw; the connection stays open (it is not the server\'s fault)', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const boom = new TypeError('listener bug');
  const p = client.call(increment, [1], {
    onMetadata: () => {
      throw boom;
    },
  });
  const c = await peer.call();
  peer.send(encodeFrame({ type: 12, callId: c.id, metadata: { a: 'b' }, value: Uint8Array.of(2) }));
  await assert.rejects(p, (e) => e === boom);
  const q = client.call(get, []);
  const d = await peer.call();
  assert.equal(d.id, 0, 'the id was freed');
  peer.resultInt(d.id, 4);
  assert.equal(await q, 4);
});
