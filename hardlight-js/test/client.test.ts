// The Client against a scripted server over a real WebSocket on loopback: HELLO, calls and slots,
// answers, deadlines and cancel, state, events, features, GO_AWAY, close, contract checks.

import assert from 'node:assert/strict';
import { ApplicationError, Client, RpcError, Status, Topic, Writer, codecs } from './runtime.js';
import type { Event, MethodSpec } from './runtime.js';
import { Counter, Plain, SCHEMA, UnderflowException, admin, echo, fail, get, increment, itemCodec } from './counter.js';
import type { Ev, Item, State } from './counter.js';
import { FakeServer, hello, options, pause } from './fake-server.js';
import { connected, rejects, settled, t, until } from './harness.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

t('connect: the HELLO gives the state snapshot and the features; the lifecycle starts connecting, connected', async (cleanup) => {
  const { server, client, events } = await connected({ state: { count: 7, user: 'ann' }, features: ['b', 'a'] });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  assert.deepEqual(client.state, { count: 7, user: 'ann' });
  assert.deepEqual([...client.features], ['a', 'b']);
  assert.deepEqual(events, [{ type: 'connecting' }, { type: 'connected', reconnected: false }]);
});

t('calls take the lowest free id; answers in any order reach their callers', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const a = client.call(increment, [1]);
  const b = client.call(increment, [2]);
  const c = client.call(get, []);
  const calls = [await peer.call(), await peer.call(), await peer.call()];
  assert.deepEqual(calls.map((x) => [x.id, x.method, hex(x.args)]), [[0, 0, '02'], [1, 0, '04'], [2, 1, '']]);
  peer.resultInt(2, 30);
  peer.resultInt(0, 10);
  assert.equal(await c, 30);
  assert.equal(await a, 10);
  const d = client.call(increment, [3]);
  assert.equal((await peer.call()).id, 0, 'the lowest free id again');
  peer.resultInt(1, 20);
  peer.resultInt(0, 40);
  assert.equal(await b, 20);
  assert.equal(await d, 40);
});

t('the method id is the server\'s, mapped by name', async (cleanup) => {
  const methods = Counter.methods.map((m) => ({ id: 10 + (4 - m.id), name: m.name, hash: m.hash }));
  const { server, peer, client } = await connected({ methods });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(get, []);
  assert.equal((await peer.call()).method, 13);
  peer.resultInt(0, 1);
  assert.equal(await p, 1);
});

t('with every slot busy a call waits for one instead of failing, and takes the freed id', async (cleanup) => {
  const { server, peer, client } = await connected({ maxInFlight: 2 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const a = client.call(increment, [1]);
  const b = client.call(increment, [2]);
  const c = client.call(increment, [3]);
  await peer.call();
  await peer.call();
  await pause(50);
  assert.equal(peer.received.size, 0, 'the third call waits: nothing sent');
  peer.resultInt(1, 2);
  const third = await peer.call();
  assert.deepEqual([third.id, hex(third.args)], [1, '06']);
  peer.resultInt(0, 1);
  peer.resultInt(1, 3);
  assert.deepEqual(await Promise.all([a, b, c]), [1, 2, 3]);
});

t('a deadline passing while the call waits for a slot fails it and sends nothing', async (cleanup) => {
  const { server, peer, client } = await connected({ maxInFlight: 1 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const a = client.call(increment, [1]);
  await peer.call();
  await rejects(client.call(increment, [2], { deadline: 50 }), Status.DEADLINE_EXCEEDED, 'Counter.increment did not complete within 50 ms (no call slot became free; nothing was sent)');
  peer.resultInt(0, 1);
  assert.equal(await a, 1);
  await pause(20);
  assert.equal(peer.received.size, 0);
});

t('a deadline fails the call, sends CANCEL, and keeps its id reserved until the server answers', async (cleanup) => {
  const { server, peer, client } = await connected({ maxInFlight: 2 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const started = Date.now();
  const late = client.call(increment, [1], { deadline: 80 });
  assert.equal((await peer.call()).id, 0);
  await rejects(late, Status.DEADLINE_EXCEEDED, /^Counter\.increment did not complete within 80 ms$/);
  assert.ok(Date.now() - started >= 75);
  assert.equal(hex(await peer.next()), '0500', 'CANCEL of id 0');
  const b = client.call(increment, [2]);
  assert.equal((await peer.call()).id, 1, 'id 0 stays reserved');
  const c = client.call(increment, [3]);
  await pause(30);
  assert.equal(peer.received.size, 0, 'no id free: the third call waits');
  peer.error(0, Status.CANCELLED, 'cancelled by the client'); // the server's answer to the cancelled call frees id 0
  const third = await peer.call();
  assert.equal(third.id, 0);
  peer.resultInt(0, 3);
  peer.resultInt(1, 2);
  assert.deepEqual(await Promise.all([b, c]), [2, 3]);
});

t('the client\'s default deadline applies to calls without one', async (cleanup) => {
  const { server, peer, client } = await connected({}, { defaultDeadline: 40 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(get, []);
  await peer.call();
  await rejects(p, Status.DEADLINE_EXCEEDED, 'Counter.get did not complete within 40 ms');
  assert.equal(hex(await peer.next()), '0500');
});

t('an AbortSignal cancels: CANCELLED at once, CANCEL sent; aborted before sending: nothing sent', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const ac = new AbortController();
  const p = client.call(increment, [1], { signal: ac.signal });
  await peer.call();
  ac.abort();
  await rejects(p, Status.CANCELLED, 'Counter.increment was cancelled by the caller');
  assert.equal(hex(await peer.next()), '0500');
  await rejects(client.call(increment, [1], { signal: ac.signal }), Status.CANCELLED, 'before it was sent');
  const q = client.call(get, []);
  assert.equal((await peer.call()).id, 1, 'id 0 stays reserved until the server answers; the aborted call sent nothing');
  peer.error(0, Status.CANCELLED, 'cancelled by the client');
  peer.resultInt(1, 5);
  assert.equal(await q, 5);
  const r = client.call(get, []);
  assert.equal((await peer.call()).id, 0, 'the answer freed id 0');
  peer.resultInt(0, 6);
  assert.equal(await r, 6);
});

t('declared exceptions by index; unknown status numbers are UNKNOWN; an unknown declared index keeps the frame\'s status', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const a = client.call(fail, []);
  await peer.call();
  peer.error(0, Status.APPLICATION_ERROR, 'below zero', 1);
  const e = await rejects(a, Status.APPLICATION_ERROR, 'below zero');
  assert.ok(e instanceof UnderflowException && e instanceof ApplicationError);
  assert.equal(e.name, 'UnderflowException');
  const b = client.call(fail, []);
  await peer.call();
  peer.error(0, 99, 'from the future');
  await rejects(b, Status.UNKNOWN, 'from the future');
  const c = client.call(fail, []);
  await peer.call();
  peer.error(0, Status.APPLICATION_ERROR, 'unknown declared', 2);
  const ce = await rejects(c, Status.APPLICATION_ERROR, 'unknown declared');
  assert.ok(!(ce instanceof UnderflowException));
  const d = client.call(increment, [1]);
  await peer.call();
  peer.error(0, Status.INTERNAL, 'handler failed');
  await rejects(d, Status.INTERNAL, 'handler failed');
});

t('typed results: records with the evolution format, void', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(echo, [{ name: 'pen', count: 2 }]);
  const call = await peer.call();
  assert.equal(hex(call.args), '0503' + '70656e' + '04');
  // a newer server's Item with an appended component: skipped
  peer.result(call.id, (w) => {
    const m = w.beginLength();
    w.string('pen');
    w.int(3);
    w.string('appended');
    w.endLength(m);
  });
  assert.deepEqual(await p, { name: 'pen', count: 3 });
  const v = client.call(fail, []);
  await peer.call();
  peer.result(0);
  assert.equal(await v, undefined);
});

t('STATE_DELTA applies atomically, tells listeners, and the state is current when the call resolves', async (cleanup) => {
  const { server, peer, client } = await connected({ state: { count: 1, user: null } });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const seen: [State, State][] = [];
  const off = client.onState((s, prev) => seen.push([s, prev]));
  const p = client.call(increment, [1]).then((r) => [r, client.state] as const);
  await peer.call();
  peer.stateDelta([
    [0, (w) => w.int(2)],
    [1, (w) => codecs.nullable(codecs.string).encode(w, 'bo')],
  ]);
  peer.resultInt(0, 2);
  assert.deepEqual(await p, [2, { count: 2, user: 'bo' }]);
  assert.deepEqual(seen, [[{ count: 2, user: 'bo' }, { count: 1, user: null }]]);
  off();
  peer.stateDelta([[1, (w) => codecs.nullable(codecs.string).encode(w, null)]]);
  await until(() => client.state.user === null);
  assert.equal(seen.length, 1, 'unsubscribed');
});

t('STATE_DELTA of a newer server: fields beyond this client\'s components are ignored with the rest of the frame', async (cleanup) => {
  const { server, peer, client } = await connected({ state: { count: 1, user: null } });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  peer.stateDelta([
    [0, (w) => w.int(5)],
    [2, (w) => w.string('appended component')],
    [3, (w) => w.raw(Uint8Array.of(0xff, 0xff))],
  ]);
  await until(() => client.state.count === 5);
  const p = client.call(get, []);
  await peer.call();
  peer.resultInt(0, 5);
  assert.equal(await p, 5, 'the connection stays open');
});

t('events: listeners and the async iterator, in order, with their topic', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const heard: Event<Ev>[] = [];
  client.onEvent((e) => heard.push(e));
  const it = client.events();
  peer.event('room-1', { $type: 'Inc', by: 2 });
  peer.event('room-2', { $type: 'Dec', by: 1 });
  const a = await it.next();
  const b = await it.next();
  assert.deepEqual(a.value?.value, { $type: 'Inc', by: 2 });
  assert.ok(a.value?.topic.equals(Topic.of('room-1')));
  assert.deepEqual(b.value?.value, { $type: 'Dec', by: 1 });
  assert.equal(b.value?.missedBefore, 0);
  assert.equal(b.value?.afterReconnect, false);
  assert.equal(heard.length, 2);
});

t('events: an EVENT_META hands its metadata to listeners and the iterator; a plain EVENT has none', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const heard: Event<Ev>[] = [];
  client.onEvent((e) => heard.push(e));
  const it = client.events();
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  peer.event('room-1', { $type: 'Inc', by: 2 }, { traceparent, 'tag-bin': Uint8Array.of(0xca, 0xfe) });
  peer.event('room-1', { $type: 'Dec', by: 1 });
  const a = await it.next();
  const b = await it.next();
  assert.deepEqual(a.value?.value, { $type: 'Inc', by: 2 });
  assert.deepEqual(a.value?.metadata, { traceparent, 'tag-bin': Uint8Array.of(0xca, 0xfe) });
  assert.equal(heard[0]?.metadata, a.value?.metadata);
  assert.deepEqual(b.value?.value, { $type: 'Dec', by: 1 });
  assert.equal(b.value?.metadata, undefined);
  assert.ok(!('metadata' in b.value!), 'a plain EVENT keeps the event shape it always had');
});

t('events: a full queue drops new events and counts them; EVENTS_MISSED adds the server\'s drops', async (cleanup) => {
  const { server, peer, client } = await connected({}, { eventQueue: 2 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const it = client.events();
  const heard: Event<Ev>[] = [];
  client.onEvent((e) => heard.push(e));
  for (let i = 1; i <= 5; i++) peer.event('t', { $type: 'Inc', by: i });
  peer.send([0x0a, 0x07]); // EVENTS_MISSED 7
  await until(() => heard.length === 5);
  assert.deepEqual(heard.map((e) => e.missedBefore), [0, 0, 0, 1, 2], 'listeners see every event; the queue kept two');
  const first = await it.next();
  const second = await it.next();
  assert.deepEqual([first.value?.value, second.value?.value], [{ $type: 'Inc', by: 1 }, { $type: 'Inc', by: 2 }]);
  peer.event('t', { $type: 'Inc', by: 6 });
  const third = await it.next();
  assert.deepEqual(third.value?.value, { $type: 'Inc', by: 6 });
  assert.equal(third.value?.missedBefore, 10, '3 dropped by the full queue + 7 by the server');
  peer.event('t', { $type: 'Inc', by: 7 });
  assert.equal((await it.next()).value?.missedBefore, 0);
});

t('events of a case this client does not know are skipped and counted, not a violation', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const it = client.events();
  const w = new Writer();
  w.varint(7);
  w.topic(Topic.of('t'));
  w.varint(5); // tag 5: a newer server's subtype
  const m = w.beginLength();
  w.string('whatever it holds');
  w.endLength(m);
  peer.send(w.finish());
  peer.event('t', { $type: 'Dec', by: 3 });
  assert.deepEqual((await it.next()).value?.value, { $type: 'Dec', by: 3 });
  assert.equal(client.skippedEvents, 1);
});

t('a contract without events or state ignores EVENT and STATE_DELTA frames', async (cleanup) => {
  const { server, peer, client } = await connected({}, {}, Plain);
  cleanup(() => server.stop());
  cleanup(() => client.close());
  peer.event('t', { $type: 'Dec', by: 3 });
  peer.stateDelta([[0, (w) => w.int(1)]]);
  const p = client.call(get, []);
  await peer.call();
  peer.resultInt(0, 9);
  assert.equal(await p, 9);
  assert.equal(client.state, undefined);
});

t('features: a method whose feature the connection lacks fails locally with PERMISSION_DENIED; FEATURES changes the set', async (cleanup) => {
  const { server, peer, client } = await connected({ features: ['user'] });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  await rejects(client.call(admin, []), Status.PERMISSION_DENIED, "Counter.admin needs the feature 'admin', which this connection lacks (enabled: [user])");
  await pause(20);
  assert.equal(peer.received.size, 0, 'nothing sent');
  peer.features(['admin', 'user']);
  await until(() => client.features.has('admin'));
  const p = client.call(admin, []);
  await peer.call();
  peer.result(0, (w) => w.string('ok'));
  assert.equal(await p, 'ok');
});

t('GO_AWAY: new calls fail UNAVAILABLE locally, calls in flight complete, then the client closes with 1000', async (cleanup) => {
  const { server, peer, client, events } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const inFlight = client.call(increment, [1]);
  await peer.call();
  peer.goAway('restart');
  await until(() => events.length > 0 && true);
  await pause(20);
  await rejects(client.call(get, []), Status.UNAVAILABLE, 'server is shutting down: restart');
  peer.resultInt(0, 1);
  assert.equal(await inFlight, 1);
  const closed = await peer.closed;
  assert.equal(closed.code, 1000);
  await rejects(client.call(get, []), Status.UNAVAILABLE, 'server is shutting down: restart');
});

t('a close by the server fails pending calls with CONNECTION_LOST naming the code and reason; later calls fail at once', async (cleanup) => {
  const { server, peer, client, events } = await connected();
  cleanup(() => server.stop());
  const it = client.events();
  const p = client.call(increment, [1]);
  await peer.call();
  peer.close(1011, 'handler factory failed');
  await rejects(p, Status.CONNECTION_LOST, /^the connection to ws:\/\/127\.0\.0\.1:\d+\/hl was lost: the server closed it \(1011 handler factory failed\)$/);
  await rejects(client.call(get, []), Status.CONNECTION_LOST, 'the server closed it (1011 handler factory failed)');
  await rejects(it.next(), Status.CONNECTION_LOST, 'was lost');
  assert.deepEqual(events.map((e) => e.type), ['connecting', 'connected', 'disconnected', 'closed']);
});

t('a close 1001 (server shutting down) says the call may or may not have run', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  const p = client.call(increment, [1]);
  await peer.call();
  peer.close(1001, 'server shutting down');
  await rejects(p, Status.CONNECTION_LOST, 'the server shut down before the call completed; it may or may not have run (close 1001 server shutting down)');
});

t('GO_AWAY then a close 1001: a call still unanswered did not run (protocol.md 3.6) and fails UNAVAILABLE saying so', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  const answered = client.call(increment, [1]);
  const unanswered = client.call(increment, [2]);
  const a = await peer.call();
  await peer.call();
  peer.goAway('restart');
  peer.resultInt(a.id, 1);
  assert.equal(await answered, 1);
  peer.close(1001, 'server shutting down');
  await rejects(unanswered, Status.UNAVAILABLE, 'the server shut down (restart) before it received the call: it did not run (close 1001 server shutting down)');
});

t('GO_AWAY then a connection lost without a close frame: an unanswered call may or may not have run', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  const p = client.call(increment, [1]);
  await peer.call();
  peer.goAway('restart');
  peer.ws.terminate();
  await rejects(p, Status.CONNECTION_LOST, 'the server shut down (restart) before the call completed; it may or may not have run (no close frame)');
});

t('close(): pending calls fail, iteration ends, the server sees 1000, the lifecycle ends with closed', async (cleanup) => {
  const { server, peer, client, events } = await connected();
  cleanup(() => server.stop());
  const it = client.events();
  const p = settled(client.call(increment, [1]));
  await peer.call();
  const next = it.next();
  await client.close();
  await rejects(p, Status.CONNECTION_LOST, 'closed by this client');
  assert.deepEqual(await next, { value: undefined, done: true });
  assert.equal((await peer.closed).code, 1000);
  await rejects(client.call(get, []), Status.CONNECTION_LOST, 'was closed by the application');
  assert.deepEqual(events.at(-1), { type: 'closed' });
  await client.close();
});

t('a call larger than the server\'s maxMessageSize fails RESOURCE_EXHAUSTED; arguments that cannot be encoded fail INVALID_ARGUMENT', async (cleanup) => {
  const { server, peer, client } = await connected({ maxMessageSize: 16 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  await rejects(client.call(echo, [{ name: 'x'.repeat(20), count: 1 }]), Status.RESOURCE_EXHAUSTED, 'the call to echo is 26 bytes; the server accepts at most 16');
  await rejects(client.call(increment, [1.5]), Status.INVALID_ARGUMENT, 'cannot encode the arguments of Counter.increment: 1.5 is not a valid int');
  await rejects(client.call(echo, [null as never]), Status.INVALID_ARGUMENT, 'cannot encode the arguments of Counter.echo');
  const p = client.call(increment, [1]);
  assert.equal((await peer.call()).id, 0, 'the failed calls freed their ids');
  peer.resultInt(0, 1);
  assert.equal(await p, 1);
});

t('a set that repeats an element when sent fails the call locally with INVALID_ARGUMENT: nothing is sent, the connection goes on', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  // the echo method of the contract, as a client whose argument is a set of items and a map of names
  const items = codecs.set(itemCodec);
  const names = codecs.map(codecs.string, codecs.int);
  const echoSet: MethodSpec<[Set<Item>, Map<string, number>], Item> = {
    ...echo,
    encodeArgs: (w, [s, m]) => (items.encode(w, s), names.encode(w, m)),
  } as MethodSpec<[Set<Item>, Map<string, number>], Item>;
  const twoEqual = new Set([{ name: 'a', count: 1 }, { name: 'a', count: 1 }]);
  await rejects(client.call(echoSet, [twoEqual, new Map()]), Status.INVALID_ARGUMENT, 'cannot encode the arguments of Counter.echo: repeated element in a set (two are sent as the same bytes)');
  const sameAsSent = new Map([['?', 1], ['\ud800', 2]]);
  await rejects(client.call(echoSet, [new Set<Item>(), sameAsSent]), Status.INVALID_ARGUMENT, 'cannot encode the arguments of Counter.echo: repeated key in a map (two are sent as the same bytes)');
  // the next call on the connection goes out (and is the first thing the server receives: the refused ones sent nothing)
  const p = client.call(echoSet, [new Set([{ name: 'a', count: 1 }, { name: 'a', count: 2 }]), new Map([['?', 1], ['\ud800\udc00', 2]])]);
  const call = await peer.call();
  assert.deepEqual([call.id, call.method, hex(call.args)], [0, 4, '02' + '03016102' + '03016104' + '02' + '013f' + '02' + '04f0908080' + '04']);
  assert.equal(peer.received.size, 0, 'nothing else was sent');
  peer.result(0, (w) => itemCodec.encode(w, { name: 'b', count: 3 }));
  assert.deepEqual(await p, { name: 'b', count: 3 });
});

t('the in-flight limit is the smaller of the client\'s and the server\'s', async (cleanup) => {
  const { server, peer, client } = await connected({ maxInFlight: 100 }, { maxInFlight: 1 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const a = client.call(get, []);
  const b = client.call(get, []);
  await peer.call();
  await pause(30);
  assert.equal(peer.received.size, 0);
  peer.resultInt(0, 1);
  assert.equal((await peer.call()).id, 0);
  peer.resultInt(0, 2);
  assert.deepEqual(await Promise.all([a, b]), [1, 2]);
});

t('256 calls in flight, answered in reverse', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const calls = Array.from({ length: 300 }, (_, i) => client.call(increment, [i]));
  const ids: number[] = [];
  for (let i = 0; i < 256; i++) ids.push((await peer.call()).id);
  assert.deepEqual(ids, Array.from({ length: 256 }, (_, i) => i));
  for (let i = 255; i >= 0; i--) peer.resultInt(i, i);
  for (let i = 0; i < 44; i++) {
    const c = await peer.call();
    peer.resultInt(c.id, 256 + i);
  }
  const results = await Promise.all(calls);
  assert.deepEqual(results, Array.from({ length: 300 }, (_, i) => i));
});

// ---- the contract checks of the HELLO -------------------------------------------------------------

t('a method the server lacks fails UNIMPLEMENTED at call; a different hash without the schema fails INCOMPATIBLE', async (cleanup) => {
  const methods = Counter.methods
    .filter((m) => m.name !== 'admin')
    .map((m) => ({ id: m.id, name: m.name, hash: m.name === 'echo' ? 1n : m.hash }));
  const { server, peer, client } = await connected({ methods, features: ['admin'] });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  await rejects(client.call(admin, []), Status.UNIMPLEMENTED, 'the server does not implement Counter.admin');
  await rejects(client.call(echo, [{ name: '', count: 0 }]), Status.INCOMPATIBLE, "Counter.echo is incompatible with the server: its signature differs: regenerate the client from the server's contract");
  const p = client.call(get, []);
  await peer.call();
  peer.resultInt(0, 1);
  assert.equal(await p, 1, 'the other methods work');
});

function serverSchema(edit: (s: string) => string): { schema: string; fingerprint: Uint8Array } {
  const schema = edit(SCHEMA);
  return { schema, fingerprint: Uint8Array.from(require_sha(schema)) };
}
import { createHash } from 'node:crypto';
function require_sha(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

t('with the schema (HELLO extension 4): an appended record component is compatible; the call goes through', async (cleanup) => {
  const s = serverSchema((x) => x.replace('record counter.Item(name:string,count:int)', 'record counter.Item(name:string,count:int,tags:list<string>)'));
  const methods = Counter.methods.map((m) => ({ id: m.id, name: m.name, hash: m.name === 'echo' ? 77n : m.hash }));
  const { server, peer, client } = await connected({ ...s, methods });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(echo, [{ name: 'a', count: 1 }]);
  const c = await peer.call();
  peer.result(c.id, (w) => {
    const m = w.beginLength();
    w.string('a');
    w.int(1);
    codecs.list(codecs.string).encode(w, ['x']);
    w.endLength(m);
  });
  assert.deepEqual(await p, { name: 'a', count: 1 });
});

t('with the schema: a retyped component, a renamed parameter, another result fail INCOMPATIBLE naming the difference', async (cleanup) => {
  const cases: [string, string, string][] = [
    ['record counter.Item(name:string,count:int)', 'record counter.Item(name:string,count:long)', "Counter.echo is incompatible with the server: record counter.Item component 2 is 'count:int' here and 'count:long' there"],
    ['method echo(item:counter.Item)', 'method echo(thing:counter.Item)', "Counter.echo is incompatible with the server: parameter 1 is 'item:counter.Item' here and 'thing:counter.Item' there"],
    ['method echo(item:counter.Item):counter.Item', 'method echo(item:counter.Item):counter.Item?', "Counter.echo is incompatible with the server: result is 'counter.Item' here and 'counter.Item?' there"],
  ];
  for (const [from, to, message] of cases) {
    const s = serverSchema((x) => x.replace(from, to));
    const methods = Counter.methods.map((m) => ({ id: m.id, name: m.name, hash: m.name === 'echo' ? 77n : m.hash }));
    const { server, client } = await connected({ ...s, methods });
    await rejects(client.call(echo, [{ name: 'a', count: 1 }]), Status.INCOMPATIBLE, message);
    await client.close();
    await server.stop();
  }
});

t('with the schema: a compatible state (appended component) connects and decodes; an incompatible one refuses the connection', async (cleanup) => {
  const s = serverSchema((x) => x.replace('record counter.State(count:int,user:string?)', 'record counter.State(count:int,user:string?,since:instant)'));
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const p = Client.connect(server.url, Counter, options());
  const peer = await server.next();
  const state = new Writer();
  state.raw(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)); // another state hash
  const m = state.beginLength();
  state.int(4);
  state.raw(Uint8Array.of(1, 1, 0x62)); // user "b"
  state.raw(Uint8Array.of(0, 0)); // since: Instant.EPOCH, unknown here
  state.endLength(m);
  const h = hello({ ...s, state: null, extra: [{ tag: 1, bytes: state.finish().slice() }] });
  peer.send(h);
  const client = await p;
  cleanup(() => client.close());
  assert.deepEqual(client.state, { count: 4, user: 'b' });

  const bad = serverSchema((x) => x.replace('record counter.State(count:int,user:string?)', 'record counter.State(count:long,user:string?)'));
  const q = Client.connect(server.url, Counter, options());
  const peer2 = await server.next();
  peer2.send(hello({ ...bad, stateHash: 9n }));
  await rejects(q, Status.INCOMPATIBLE, "the server's connection state is incompatible with this client's counter.State: record counter.State component 1 is 'count:int' here and 'count:long' there");
  assert.equal((await peer2.closed).code, 1000);
});

t('without the schema: another state or event hash, or a missing state or events, refuses the connection', async () => {
  const cases: [Parameters<typeof hello>[0], string][] = [
    [{ stateHash: 1n }, "the server's connection state is incompatible with this client's counter.State: it differs from the server's: regenerate the client from the server's contract"],
    [{ state: null }, 'the server sent no connection state; this client expects counter.State'],
    [{ eventHash: 1n }, "the server's event type is incompatible with this client's counter.Ev: it differs from the server's: regenerate the client from the server's contract"],
    [{ events: false }, 'the server declares no events; this client expects counter.Ev'],
    [{ service: 'Other' }, "the server serves 'Other', this client was generated for 'Counter'"],
  ];
  for (const [h, message] of cases) {
    const server = await FakeServer.start();
    const events: string[] = [];
    const p = Client.connect(server.url, Counter, options({ onConnectionEvent: (e) => events.push(e.type) }));
    const peer = await server.next();
    peer.send(hello(h));
    await rejects(p, Status.INCOMPATIBLE, message);
    const closed = await peer.closed;
    assert.equal(closed.code, 1000, message);
    assert.deepEqual(events, ['connecting', 'closed']);
    await server.stop();
  }
});

t('with the schema: an event type with an appended subtype is compatible', async (cleanup) => {
  const s = serverSchema((x) =>
    x.replace('sealed counter.Ev{counter.Ev.Inc,counter.Ev.Dec}', 'sealed counter.Ev{counter.Ev.Inc,counter.Ev.Dec,counter.Ev.Reset}').replace('record counter.Item(', 'record counter.Ev.Reset()\nrecord counter.Item('),
  );
  const { server, client } = await connected({ ...s, eventHash: 3n });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  assert.equal(client.skippedEvents, 0);
});

t('a schema text whose SHA-256 is not the fingerprint is a protocol violation (close 1002)', async (cleanup) => {
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const p = Client.connect(server.url, Counter, options());
  const peer = await server.next();
  peer.send(hello({ schema: SCHEMA + 'record x.Y()\n' }));
  await rejects(p, Status.UNAVAILABLE, 'the server broke the protocol: HELLO schema does not match its fingerprint');
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [1002, 'HELLO schema does not match its fingerprint']);
});

t('unknown HELLO extension tags are skipped', async (cleanup) => {
  const { server, client } = await connected({ extra: [{ tag: 9, bytes: Uint8Array.of(1, 2, 3) }, { tag: 500, bytes: new Uint8Array(0) }] });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  assert.deepEqual(client.state, { count: 0, user: null });
});

// ---- peers that are not HardLight ------------------------------------------------------------------

t('a refused upgrade gives a readable error (Node shows the HTTP status; a browser cannot)', async (cleanup) => {
  const server = await FakeServer.start({ refuse: 403 });
  cleanup(() => server.stop());
  await rejects(Client.connect(server.url, Counter, options()), Status.UNAVAILABLE, /^cannot connect to ws:\/\/127\.0\.0\.1:\d+\/hl: the server refused the WebSocket upgrade or is unreachable \(Unexpected server response: 403\)$/);
});

t('a WebSocket server that selects no subprotocol is not taken for a HardLight server', async (cleanup) => {
  const server = await FakeServer.start({ protocol: false });
  cleanup(() => server.stop());
  await rejects(Client.connect(server.url, Counter, options()), Status.UNAVAILABLE, /the server refused the WebSocket upgrade or is unreachable \(Server sent no subprotocol\)/);
});

t('an echo server that accepts hardlight.v1 but never sends a HELLO: the connect times out saying so', async (cleanup) => {
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const p = Client.connect(server.url, Counter, options({ connectTimeout: 300 }));
  const peer = await server.next();
  peer.ws.on('message', (d: Buffer) => peer.ws.send(d));
  await rejects(p, Status.UNAVAILABLE, 'the server sent no HELLO within 300 ms (is it a HardLight server?)');
});

t('nothing listening: UNAVAILABLE at once', async () => {
  const server = await FakeServer.start();
  const url = server.url;
  await server.stop();
  await rejects(Client.connect(url, Counter, options()), Status.UNAVAILABLE, `cannot connect to ${url}: the server refused the WebSocket upgrade or is unreachable`);
});

t('no WebSocket class: a clear error naming the option', async () => {
  const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
  delete (globalThis as { WebSocket?: unknown }).WebSocket;
  await assert.rejects(
    Client.connect('ws://127.0.0.1:1/hl', Counter, {}),
    (e: unknown) => e instanceof RpcError && /pass one as the WebSocket option/.test(e.message),
  );
  if (saved) (globalThis as { WebSocket?: unknown }).WebSocket = saved;
});

void itemCodec;

t('connect options out of range are refused before any connection is tried, naming the option', async () => {
  const bad: [string, object, RegExp][] = [
    ['maxInFlight', { maxInFlight: 0 }, /^maxInFlight: 0 \(expected: > 0, <= 65535\)$/],
    ['maxInFlight', { maxInFlight: 65536 }, /^maxInFlight: 65536 \(expected: > 0, <= 65535\)$/],
    ['connectTimeout', { connectTimeout: -1 }, /^connectTimeout: -1 /],
    ['maxMessageSize', { maxMessageSize: NaN }, /^maxMessageSize: NaN /],
    ['eventQueue', { eventQueue: 0 }, /^eventQueue: 0 /],
    ['defaultDeadline', { defaultDeadline: 0 }, /^defaultDeadline: 0 /],
  ];
  for (const [name, o, message] of bad) {
    // port 1 on loopback: nothing listens, so only a check before connecting can answer RangeError
    await assert.rejects(Client.connect('ws://127.0.0.1:1', Counter, options(o)), (e: unknown) => {
      assert.ok(e instanceof RangeError, name);
      assert.match(e.message, message);
      return true;
    });
  }
});
