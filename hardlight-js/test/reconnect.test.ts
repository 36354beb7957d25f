// Reconnect semantics of docs/client.md: lost calls fail unless idempotent (then sent again), calls
// made meanwhile wait, state and events carry on with afterReconnect, GO_AWAY makes before it
// breaks, attempts back off and may run out.

import assert from 'node:assert/strict';
import { Client, Status } from './runtime.js';
import type { ConnectionEvent, Event } from './runtime.js';
import { Counter, get, increment } from './counter.js';
import type { Ev, State } from './counter.js';
import { FakeServer, hello, options, pause } from './fake-server.js';
import { connected, rejects, t, until } from './harness.js';

const fast = { initialDelay: 20, maxDelay: 100, multiplier: 2, jitter: 0 };

t('a lost connection: pending idempotent calls are sent again, others fail CONNECTION_LOST; state and events go on', async (cleanup) => {
  const { server, peer, client, events } = await connected({ state: { count: 1, user: 'a' } }, { reconnect: fast });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const states: [State, State][] = [];
  client.onState((s, p) => states.push([s, p]));
  const heard: Event<Ev>[] = [];
  client.onEvent((e) => heard.push(e));
  const inc = client.call(increment, [1]);
  const g = client.call(get, []);
  await peer.call();
  await peer.call();
  peer.close(1011, 'crash');
  await rejects(inc, Status.CONNECTION_LOST, 'the server closed it (1011 crash)');
  const peer2 = await server.next();
  peer2.send(hello({ state: { count: 9, user: 'b' } }));
  const again = await peer2.call();
  assert.equal(again.method, 1, 'get is idempotent: sent again');
  peer2.resultInt(again.id, 42);
  assert.equal(await g, 42);
  assert.deepEqual(client.state, { count: 9, user: 'b' });
  assert.deepEqual(states, [[{ count: 9, user: 'b' }, { count: 1, user: 'a' }]]);
  peer2.event('t', { $type: 'Inc', by: 1 });
  peer2.event('t', { $type: 'Inc', by: 2 });
  await until(() => heard.length === 2);
  assert.deepEqual(heard.map((e) => e.afterReconnect), [true, false]);
  assert.deepEqual(events.map((e) => e.type), ['connecting', 'connected', 'disconnected', 'reconnecting', 'connected']);
  assert.deepEqual(events[3], { type: 'reconnecting', attempt: 1, delay: 20 });
  assert.deepEqual(events[4], { type: 'connected', reconnected: true });
  assert.equal((events[2] as { reason: Error }).reason.message.includes('1011 crash'), true);
});

t('calls made while disconnected wait for the new connection (bounded by their deadline, else callWait)', async (cleanup) => {
  const { server, peer, client } = await connected({}, { reconnect: { ...fast, initialDelay: 200, callWait: 100 } });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  peer.close(1011, 'crash');
  await until(() => peer.ws.readyState === peer.ws.CLOSED);
  await pause(20);
  await rejects(client.call(get, [], { deadline: 50 }), Status.DEADLINE_EXCEEDED, /^Counter\.get did not complete within 50 ms \(not connected: waiting for the reconnect to ws:.*; nothing was sent\)$/);
  await rejects(client.call(increment, [1]), Status.UNAVAILABLE, /^not connected to ws:.*: still reconnecting after 100 ms \(nothing was sent\)$/);
  const longer = client.call(increment, [5], { deadline: 3000 }); // a deadline beyond callWait: waits up to the deadline
  const waiting = longer;
  const peer2 = await server.next();
  await pause(150); // the call has now waited longer than callWait (100 ms): its deadline bounds it
  peer2.send(hello());
  const c = await peer2.call();
  assert.equal(c.method, 0, 'a non-idempotent call made while disconnected goes to the new connection');
  peer2.resultInt(c.id, 5);
  assert.equal(await waiting, 5);
});

t('attempts back off exponentially and give up after maxAttempts, closing the client with the last failure', async () => {
  const seen: ConnectionEvent[] = [];
  const { server, peer, client } = await connected({}, { reconnect: { ...fast, maxAttempts: 3 }, onConnectionEvent: (e) => seen.push(e) });
  const url = server.url;
  const it = client.events();
  await server.stop();
  void peer;
  await until(() => seen.some((e) => e.type === 'closed'), 5000, 'closed');
  assert.deepEqual(
    seen.filter((e) => e.type === 'reconnecting'),
    [
      { type: 'reconnecting', attempt: 1, delay: 20 },
      { type: 'reconnecting', attempt: 2, delay: 40 },
      { type: 'reconnecting', attempt: 3, delay: 80 },
    ],
  );
  const closed = seen.at(-1) as { type: 'closed'; reason: Error };
  assert.match(closed.reason.message, new RegExp(`^gave up reconnecting to ${url.replace(/[./]/g, '\\$&')} after 3 attempts; the last failed: cannot connect to`));
  await rejects(client.call(get, []), Status.UNAVAILABLE, 'gave up reconnecting');
  await rejects(it.next(), Status.UNAVAILABLE, 'gave up reconnecting');
});

t('jitter spreads the delays within ±jitter', async (cleanup) => {
  const seen: ConnectionEvent[] = [];
  const { server, client } = await connected({}, { reconnect: { initialDelay: 100, maxDelay: 100, jitter: 0.5, maxAttempts: 6 }, onConnectionEvent: (e) => seen.push(e) });
  cleanup(() => client.close());
  await server.stop();
  await until(() => seen.filter((e) => e.type === 'reconnecting').length >= 3, 5000);
  const delays = seen.flatMap((e) => (e.type === 'reconnecting' ? [e.delay] : []));
  for (const d of delays) assert.ok(d >= 50 && d <= 150, `delay ${d}`);
});

t('a server answering with another contract during a reconnect closes the client (INCOMPATIBLE is not retried)', async (cleanup) => {
  const seen: ConnectionEvent[] = [];
  const { server, peer, client } = await connected({}, { reconnect: fast, onConnectionEvent: (e) => seen.push(e) });
  cleanup(() => server.stop());
  peer.close(1001, 'restart');
  const peer2 = await server.next();
  peer2.send(hello({ service: 'Other' }));
  await until(() => seen.some((e) => e.type === 'closed'));
  await rejects(client.call(get, []), Status.INCOMPATIBLE, "the server serves 'Other'");
});

t('GO_AWAY with reconnect: a new connection is made at once, new calls go to it, the old one finishes its calls and is closed', async (cleanup) => {
  const { server, peer, client, events } = await connected({}, { reconnect: fast });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const old = client.call(increment, [1]);
  await peer.call();
  peer.goAway('deploy');
  const peer2 = await server.next();
  peer2.send(hello());
  await until(() => events.length === 3);
  assert.deepEqual(events.at(-1), { type: 'connected', reconnected: true });
  const fresh = client.call(increment, [2]);
  const c = await peer2.call();
  assert.equal(c.id, 0);
  peer2.resultInt(0, 2);
  assert.equal(await fresh, 2);
  peer.resultInt(0, 1);
  assert.equal(await old, 1);
  const closed = await peer.closed;
  assert.equal(closed.code, 1000, 'the old connection is closed once drained');
  await pause(20);
  assert.deepEqual(events.map((e) => e.type), ['connecting', 'connected', 'connected'], 'no disconnected: the new connection came first');
});

t('GO_AWAY with reconnect: a call that crossed the GO_AWAY and was refused UNAVAILABLE goes to the new connection', async (cleanup) => {
  const { server, peer, client } = await connected({}, { reconnect: fast });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(increment, [7]);
  const c = await peer.call();
  peer.goAway('deploy');
  peer.error(c.id, Status.UNAVAILABLE, 'server is shutting down: deploy');
  const peer2 = await server.next();
  peer2.send(hello());
  const c2 = await peer2.call();
  assert.equal(c2.method, 0);
  peer2.resultInt(c2.id, 7);
  assert.equal(await p, 7);
});

t('GO_AWAY then a close 1001 with reconnect: an unanswered call did not run and is sent again on the next link, idempotent or not', async (cleanup) => {
  const seen: ConnectionEvent[] = [];
  const { server, peer, client } = await connected({}, { reconnect: fast, onConnectionEvent: (e) => seen.push(e) });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(increment, [7]); // not idempotent
  await peer.call();
  peer.goAway('deploy');
  const peer2 = await server.next(); // made at once after the GO_AWAY; its HELLO is held back
  peer.close(1001, 'server shutting down');
  await until(() => peer.ws.readyState === peer.ws.CLOSED);
  peer2.send(hello());
  const c2 = await peer2.call();
  assert.equal(c2.method, 0, 'the increment that did not run is sent again');
  peer2.resultInt(c2.id, 7);
  assert.equal(await p, 7);
});

t('a close 1001 without GO_AWAY, with reconnect: a non-idempotent call may have run and is not sent again', async (cleanup) => {
  const { server, peer, client } = await connected({}, { reconnect: fast });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(increment, [7]);
  await peer.call();
  peer.close(1001, 'server shutting down');
  await rejects(p, Status.CONNECTION_LOST, 'it may or may not have run (close 1001 server shutting down)');
});

t('GO_AWAY with reconnect and no call in flight: the old connection stays open until the new one is ready', async (cleanup) => {
  const { server, peer, client, events } = await connected({}, { reconnect: fast });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  peer.goAway('deploy');
  const peer2 = await server.next();
  await pause(50);
  assert.equal(peer.ws.readyState, peer.ws.OPEN, 'not closed before the new connection is ready');
  peer2.send(hello());
  assert.equal((await peer.closed).code, 1000);
  await until(() => events.length === 3);
  assert.deepEqual(events.map((e) => e.type), ['connecting', 'connected', 'connected']);
  const p = client.call(get, []);
  const c = await peer2.call();
  peer2.resultInt(c.id, 1);
  assert.equal(await p, 1);
});

t('close() while reconnecting stops the attempts', async () => {
  const seen: ConnectionEvent[] = [];
  const { server, peer, client } = await connected({}, { reconnect: { ...fast, initialDelay: 300 }, onConnectionEvent: (e) => seen.push(e) });
  peer.close(1011, 'x');
  await until(() => seen.some((e) => e.type === 'reconnecting'));
  await client.close();
  await pause(400);
  assert.equal(server.all.length, 1, 'no attempt after close');
  assert.deepEqual(seen.at(-1), { type: 'closed' });
  await server.stop();
});

t('the first connect is not retried', async () => {
  const server = await FakeServer.start();
  const url = server.url;
  await server.stop();
  await rejects(Client.connect(url, Counter, options({ reconnect: true })), Status.UNAVAILABLE, 'cannot connect to');
});
