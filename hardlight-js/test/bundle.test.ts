// The minified bundle (dist/hardlight.min.js, with the runtime's internal member names shortened)
// behaves as the modules do: the public names of objects it hands out are intact.

import assert from 'node:assert/strict';
import { FakeServer, hello } from './fake-server.js';
import { t, until } from './harness.js';
import { WebSocket } from 'ws';
import type * as Runtime from './runtime.js';

type Hl = typeof Runtime;

async function bundle(): Promise<Hl> {
  return (await import(new URL('../../dist/hardlight.min.js', import.meta.url).href)) as Hl;
}

t('the bundle: connect, state, a call, an event, a typed error, a reconnect, with their public names', async (cleanup) => {
  const hl = await bundle();
  class Underflow extends hl.ApplicationError {}
  const state: Runtime.Codec<{ count: number; user: string | null }> = {
    encode(w, v) {
      const m = w.beginLength();
      w.int(v.count);
      hl.codecs.nullable(hl.codecs.string).encode(w, v.user);
      w.endLength(m);
    },
    decode(r) {
      r.enter();
      const s = r.pushLimit();
      const count = r.more() ? r.int() : 0;
      const user = r.more() ? hl.codecs.nullable(hl.codecs.string).decode(r) : null;
      r.popLimit(s);
      r.exit();
      return { count, user };
    },
  };
  const ev: Runtime.Codec<{ $type: 'Inc' | 'Dec'; by: number }> = {
    encode() {},
    decode(r) {
      r.enter();
      const t = r.tag(2, 'counter.Ev');
      const s = r.pushLimit();
      if (t >= 2) {
        r.popLimit(s);
        r.exit();
        throw r.malformed('unknown tag ' + t + ' of sealed counter.Ev');
      }
      const by = r.more() ? r.int() : 0;
      r.popLimit(s);
      r.exit();
      return { $type: t === 0 ? 'Inc' : 'Dec', by };
    },
  };
  const { Counter } = await import('./counter.js');
  const methods = Counter.methods.map((m) => ({ ...m }));
  methods[2] = { ...methods[2]!, errors: [{ name: 'counter.UnderflowException', create: (msg: string) => new Underflow(msg) }] };
  const spec: Runtime.ServiceSpec<{ count: number; user: string | null }, { $type: 'Inc' | 'Dec'; by: number }> = {
    ...Counter,
    methods,
    state: { ...Counter.state!, codec: state, fields: [hl.codecs.int as Runtime.Codec<unknown>, hl.codecs.nullable(hl.codecs.string) as Runtime.Codec<unknown>] },
    events: { hash: Counter.events!.hash, codec: ev },
  };
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const seen: Runtime.ConnectionEvent[] = [];
  const p = hl.Client.connect(server.url, spec, { WebSocket, reconnect: { initialDelay: 10, jitter: 0 }, onConnectionEvent: (e) => seen.push(e) });
  const peer = await server.next();
  peer.send(hello({ state: { count: 2, user: 'a' }, features: ['x'] }));
  const client = await p;
  cleanup(() => client.close());
  assert.deepEqual(client.state, { count: 2, user: 'a' });
  assert.deepEqual([...client.features], ['x']);
  assert.deepEqual(seen, [{ type: 'connecting' }, { type: 'connected', reconnected: false }]);

  const call = client.call(methods[0]!, [4]);
  const c = await peer.call();
  peer.resultInt(c.id, 6);
  assert.equal(await call, 6);

  const failing = client.call(methods[2]!, []);
  await peer.call();
  peer.error(0, 20, 'below zero', 1);
  await assert.rejects(failing, (e: unknown) => e instanceof Underflow && e instanceof hl.RpcError && e.status === hl.Status.APPLICATION_ERROR && e.message === 'below zero');

  const it = client.events();
  peer.event('room', { $type: 'Dec', by: 3 });
  const first = (await it.next()).value!;
  assert.deepEqual(Object.keys(first).sort(), ['afterReconnect', 'missedBefore', 'topic', 'value']);
  assert.deepEqual(first.value, { $type: 'Dec', by: 3 });
  assert.equal(first.topic.toString(), 'room');

  peer.close(1011, 'crash');
  const peer2 = await server.next();
  peer2.send(hello({ state: { count: 0, user: null } }));
  await until(() => seen.length === 5);
  assert.deepEqual(seen.slice(2).map((e) => Object.keys(e).sort()), [['reason', 'type'], ['attempt', 'delay', 'type'], ['reconnected', 'type']]);
  assert.deepEqual(seen[4], { type: 'connected', reconnected: true });
  assert.equal((seen[2] as { reason: Runtime.RpcError }).reason.status, hl.Status.CONNECTION_LOST);
  peer2.event('room', { $type: 'Inc', by: 1 });
  assert.equal((await it.next()).value!.afterReconnect, true);
  assert.equal(client.skippedEvents, 0);
});

t('the bundle: a set or map repeated when sent is refused, one distinct when sent goes out (internal names shortened alike)', async () => {
  const hl = await bundle();
  const record: Runtime.Codec<{ n: string }> = {
    encode(w, v) {
      const m = w.beginLength();
      w.string(v.n);
      w.endLength(m);
    },
    decode(r) {
      r.enter();
      const s = r.pushLimit();
      const n = r.more() ? r.string() : '';
      r.popLimit(s);
      r.exit();
      return { n };
    },
  };
  const refused = (e: unknown) => e instanceof RangeError && /^repeated (element in a set|key in a map) \(two are sent as the same bytes\)$/.test(e.message);
  assert.throws(() => hl.codecs.set(record).encode(new hl.Writer(), new Set([{ n: 'a' }, { n: 'a' }])), refused);
  assert.throws(() => hl.codecs.set(hl.codecs.string).encode(new hl.Writer(), new Set(['?', '\ud800'])), refused);
  assert.throws(() => hl.codecs.map(hl.codecs.float, hl.codecs.int).encode(new hl.Writer(), new Map([[1, 1], [1 + 2 ** -40, 2]])), refused);
  const w = new hl.Writer();
  hl.codecs.set(record).encode(w, new Set([{ n: 'a' }, { n: 'b' }]));
  assert.deepEqual(hl.codecs.set(record).decode(new hl.Reader(w.finish())), new Set([{ n: 'a' }, { n: 'b' }]));
});
