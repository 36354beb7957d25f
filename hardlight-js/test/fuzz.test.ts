// A fuzzing server: after a valid HELLO (state, features, events) it sends a random sequence of
// messages drawn from (a) valid frames of every server-to-client type with random fields, (b) those
// frames mutated (a byte flipped, truncated, extended, a length or count inflated), (c) BATCHes
// nesting any of these, (d) random bytes; meanwhile the client has calls in flight (some with
// deadlines or abort signals), a state listener, an event listener and an event iterator that reads
// nothing until the end. Then the server closes (4321). For every run:
// - nothing escapes to the process (no uncaught exception, no unhandled rejection);
// - every call settles within 3 s of the close: resolved, or rejected with an RpcError of a Status;
// - a close the client sent has a code of protocol.md §4.1 (1000, 1002, 1003, 1009) and a reason of
//   1 to 123 UTF-8 bytes;
// - every state change the listener saw is the previous state with one whole STATE_DELTA the server
//   sent applied to it (never half of one), and client.state is the last of them;
// - the event queue holds at most its bound (4), and every missedBefore is a finite count.
// A share of the runs sends the first messages in the same write as the HELLO, so that the client
// reads them before connect resolves. A second property does the same against a reconnecting client,
// over up to three connections (below).
// HL_FUZZ_RUNS sets the number of runs (default 6,000: about 15 s on a quiet machine; runs past 40 s pass
// without running, so a loaded machine runs fewer), HL_FUZZ_RECONNECT_RUNS those of the
// second property (default 800: about 6 s; at most 20 s), HL_FUZZ_SEED replays a failure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Client, Reader, RpcError, Status, Topic, Writer, encodeFrame } from './runtime.js';
import type { Event } from './runtime.js';

type Metadata = Record<string, string | Uint8Array>;
import { Counter, admin, echo, evCodec, fail, get, increment } from './counter.js';
import type { Ev, State } from './counter.js';
import { FakeServer, hello, options, raw, wsFrame } from './fake-server.js';

const RUNS = Number(process.env.HL_FUZZ_RUNS ?? 6000);
const SEED = process.env.HL_FUZZ_SEED === undefined ? undefined : Number(process.env.HL_FUZZ_SEED);
const QUEUE = 4;
const CLIENT_CLOSE_CODES = [1000, 1002, 1003, 1009];

const bytesOf = (f: (w: Writer) => void): Uint8Array => {
  const w = new Writer();
  f(w);
  return w.finish().slice();
};

// ---- (a) valid frames ----------------------------------------------------------------------------

const id = fc.integer({ min: 0, max: 4 }); // the calls' ids, and a few more
const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const key = fc.stringMatching(/^[a-z0-9._-]{1,8}$/).filter((k) => !k.endsWith('-bin'));
const metadata: fc.Arbitrary<Metadata> = fc.dictionary(key, text, { minKeys: 1, maxKeys: 3 });
const featureSet = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 3 }).map((a) => a.sort());
const value = fc.oneof(
  int.map((v) => bytesOf((w) => w.int(v))),
  fc.record({ name: text, count: int }).map((v) => bytesOf((w) => echo.result!.encode(w, v))),
  fc.uint8Array({ maxLength: 6 }),
);
const ev: fc.Arbitrary<Ev> = fc.record({ $type: fc.constantFrom('Inc' as const, 'Dec' as const), by: int });
const stateDelta = fc
  .record({ count: fc.option(int), user: fc.option(fc.option(text)), newer: fc.option(fc.uint8Array({ maxLength: 4 })) })
  .filter((d) => d.count !== null || d.user !== null)
  .map((d) =>
    bytesOf((w) => {
      w.varint(6);
      w.varint((d.count !== null ? 1 : 0) + (d.user !== null ? 1 : 0) + (d.newer !== null ? 1 : 0));
      if (d.count !== null) {
        w.varint(0);
        w.int(d.count);
      }
      if (d.user !== null) {
        w.varint(1);
        Counter.state!.fields[1]!.encode(w, d.user);
      }
      if (d.newer !== null) {
        w.varint(2); // a newer server's component: it and the rest are ignored
        w.raw(d.newer);
      }
    }),
  );

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const valid: fc.Arbitrary<Uint8Array> = fc.oneof(
  w(4, fc.record({ callId: id, value }).map((f) => encodeFrame({ type: 3, ...f }))),
  w(2, fc.record({ callId: id, metadata, value }).map((f) => encodeFrame({ type: 12, ...f }))),
  w(3, fc.record({ callId: id, status: fc.integer({ min: 0, max: 30 }), message: text, declared: fc.integer({ min: 0, max: 2 }) }).map((f) => encodeFrame({ type: 4, ...f }))),
  w(2, fc.record({ callId: id, metadata, status: fc.integer({ min: 0, max: 30 }), message: text, declared: fc.integer({ min: 0, max: 2 }) }).map((f) => encodeFrame({ type: 13, ...f }))),
  w(8, stateDelta),
  w(6, fc.record({ topic: text, ev }).map((f) => encodeFrame({ type: 7, topic: Topic.of(f.topic), payload: bytesOf((w) => evCodec.encode(w, f.ev)) }))),
  w(3, fc.record({ topic: text, metadata, ev }).map((f) => encodeFrame({ type: 14, topic: Topic.of(f.topic), metadata: f.metadata, payload: bytesOf((w) => evCodec.encode(w, f.ev)) }))),
  w(2, featureSet.map((features) => encodeFrame({ type: 8, features }))),
  w(1, text.map((reason) => encodeFrame({ type: 9, reason }))),
  w(3, fc.bigInt({ min: 1n, max: (1n << 31n) - 1n }).map((count) => encodeFrame({ type: 10, count }))),
  w(1, fc.constant(0).map(() => hello())),
);

// ---- (b) mutated frames, (c) BATCHes, (d) random bytes --------------------------------------------

type Mutation = { kind: 'flip' | 'truncate' | 'extend' | 'inflate'; at: number; bytes: Uint8Array };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip' as const, 'truncate' as const, 'extend' as const, 'inflate' as const),
  at: fc.nat(),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 5 }),
});

function mutate(frame: Uint8Array, m: Mutation): Uint8Array {
  const f = Uint8Array.from(frame);
  const at = m.at % Math.max(1, f.length);
  switch (m.kind) {
    case 'flip':
      f[at] = f[at]! ^ (m.bytes[0]! || 1);
      return f;
    case 'truncate':
      return f.subarray(0, at);
    case 'extend':
      return Uint8Array.from([...f, ...m.bytes]);
    case 'inflate': {
      // a varint there made huge (a length, count or id): 2^31-1, or a 5-byte one beyond 31 bits
      const big = m.bytes[0]! % 2 ? [0xff, 0xff, 0xff, 0xff, 0x07] : [0x80, 0x80, 0x80, 0x80, 0x08];
      const p = Math.max(1, at);
      return Uint8Array.from([...f.subarray(0, p), ...big, ...f.subarray(p + 1)]);
    }
  }
}

const mutated = fc.tuple(valid, mutation).map(([f, m]) => mutate(f, m));
const randomBytes = fc.uint8Array({ maxLength: 24 });

function batchOf(frames: Uint8Array[], countDelta: number): Uint8Array {
  return bytesOf((w) => {
    w.varint(15);
    w.varint(Math.max(0, frames.length + countDelta));
    for (const f of frames) w.bytes(f);
  });
}

const inner = fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: mutated, weight: 1 });
const batch = fc
  .tuple(fc.array(fc.oneof({ arbitrary: inner, weight: 6 }, { arbitrary: inner.map((f) => batchOf([f, f], 0)), weight: 1 }), { maxLength: 6 }), fc.constantFrom(0, 0, 0, 0, 1, -1))
  .map(([frames, d]) => batchOf(frames, d));

const message = fc.oneof(
  { arbitrary: valid, weight: 8 },
  { arbitrary: mutated, weight: 3 },
  { arbitrary: batch, weight: 2 },
  { arbitrary: randomBytes, weight: 1 },
);

// ---- the oracle for states: the whole STATE_DELTAs among what the server sent ----------------------

type Delta = Map<number, unknown>;

/** The STATE_DELTAs in `msg` (alone or in a BATCH) that a client may apply whole; malformed ones are none. */
function deltasIn(msg: Uint8Array, out: Delta[], nested = false): void {
  try {
    const r = new Reader(msg);
    const type = r.byte();
    if (type === 15 && !nested) {
      const n = r.varint();
      for (let i = 0; i < n; i++) deltasIn(r.raw(r.varint()), out, true);
      return;
    }
    if (type !== 6) return;
    const fields = Counter.state!.fields;
    const d: Delta = new Map();
    const count = r.varint();
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const f = r.varint();
      if (f <= previous) return;
      if (f >= fields.length) break;
      d.set(f, fields[f]!.decode(r));
      previous = f;
    }
    if (d.size > 0) out.push(d);
  } catch {
    // not one
  }
}

// ---- the property ----------------------------------------------------------------------------------

const methods = [
  { m: increment, args: [1] },
  { m: get, args: [] },
  { m: echo, args: [{ name: 'a', count: 1 }] },
  { m: fail, args: [] },
  { m: admin, args: [] },
] as const;

const scenario = fc.record({
  maxInFlight: fc.integer({ min: 1, max: 8 }),
  state: fc.record({ count: int, user: fc.option(text) }),
  features: featureSet,
  calls: fc.array(
    fc.record({ method: fc.integer({ min: 0, max: methods.length - 1 }), deadline: fc.option(fc.integer({ min: 1, max: 150 })), abortAfter: fc.option(fc.integer({ min: 0, max: 60 })) }),
    { minLength: 1, maxLength: 8 },
  ),
  messages: fc.array(fc.tuple(message, fc.boolean()), { minLength: 1, maxLength: 12 }),
  /** How many of the messages go in the same write as the HELLO (handled before connect resolves). */
  withHello: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
});

function sameState(a: State, b: State): boolean {
  return a.count === b.count && a.user === b.user;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}

test('fuzz: a hostile server sending valid, mutated, batched and random frames never breaks the client', { timeout: 120_000 }, async () => {
  const escaped: unknown[] = [];
  const onEscape = (e: unknown): void => void escaped.push(e);
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  const server = await FakeServer.start();
  // A time budget instead of fast-check's interruption, which abandons a run half done (its client
  // and promises then live on into the next test).
  const stopAt = Date.now() + 40_000;
  const seen = { runs: 0, closedByClient: new Map<string, number>(), stateChanges: 0, events: 0, resolved: 0, rejected: new Map<string, number>() };
  try {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        if (Date.now() > stopAt) return; // past the time budget: the remaining runs pass without running
        const connecting = Client.connect<State, Ev>(server.url, Counter, options({ eventQueue: QUEUE, connectTimeout: 3000 }));
        connecting.catch(() => {}); // awaited below; handled now in case the server never sees it
        const peer = await server.next();
        const first = hello({ maxInFlight: sc.maxInFlight, state: sc.state, features: sc.features });
        const early = sc.messages.slice(0, sc.withHello).map(([m]) => m);
        const deltas: Delta[] = [];
        for (const m of early) deltasIn(m, deltas);
        raw(peer).write(Buffer.concat([first, ...early].map((m) => wsFrame(m))));
        const client = await connecting;
        const timers: ReturnType<typeof setTimeout>[] = [];
        try {
          // the state the HELLO gave, with the whole deltas sent in the same write applied in order
          // (as many as the client read before it found a violation, if any)
          let initial: State = { count: sc.state.count, user: sc.state.user };
          const prefixes = [initial];
          for (const d of deltas) prefixes.push(Counter.state!.apply(prefixes.at(-1)!, d) as State);
          assert.ok(prefixes.some((p) => sameState(p, client.state)), `state ${JSON.stringify(client.state)} at connect is no prefix of the deltas sent with the HELLO`);
          initial = client.state;
          const changes: [State, State][] = [];
          client.onState((s, previous) => changes.push([previous, s]));
          const heard: Event<Ev>[] = [];
          client.onEvent((e) => heard.push(e));
          const it = client.events();

          const outcomes = sc.calls.map((c) => {
            const { m, args } = methods[c.method]!;
            const abort = new AbortController();
            if (c.abortAfter !== null) timers.push(setTimeout(() => abort.abort(), c.abortAfter));
            return client.call(m as never, args as never, { signal: abort.signal, ...(c.deadline !== null && { deadline: c.deadline }) }).then(
              () => undefined,
              (e: unknown) => e,
            );
          });

          for (const [msg, pause] of sc.messages.slice(early.length)) {
            deltasIn(msg, deltas);
            peer.send(msg);
            if (pause) await new Promise((r) => setImmediate(r));
          }
          peer.close(4321, 'fuzz done');
          const closed = await within(peer.closed, 3000, 'the close');
          seen.runs++;
          if (closed.code !== 4321) {
            const k = `${closed.code} ${closed.reason.replace(/[0-9]+/g, 'N').slice(0, 40)}`;
            seen.closedByClient.set(k, (seen.closedByClient.get(k) ?? 0) + 1);
            assert.ok(CLIENT_CLOSE_CODES.includes(closed.code), `the client closed with ${closed.code} ${closed.reason}`);
            assert.ok(closed.reason.length > 0 && Buffer.byteLength(closed.reason) <= 123, `close reason '${closed.reason}'`);
          }

          const errors = await within(Promise.all(outcomes), 3000, 'every call settling');
          for (const e of errors) {
            if (e === undefined) {
              seen.resolved++;
              continue;
            }
            const k = e instanceof RpcError ? Status[e.status]! : String(e);
            seen.rejected.set(k, (seen.rejected.get(k) ?? 0) + 1);
            assert.ok(e instanceof RpcError, `a call failed with ${String(e)}`);
            assert.ok(Status[e.status] !== undefined, `status ${e.status}`);
          }

          let state = initial;
          for (const [previous, next] of changes) {
            assert.deepEqual(previous, state, 'state changes chain');
            const whole = deltas.some((d) => {
              try {
                assert.deepEqual(Counter.state!.apply(previous, d), next);
                return true;
              } catch {
                return false;
              }
            });
            assert.ok(whole, `state ${JSON.stringify(next)} from ${JSON.stringify(previous)} is no whole STATE_DELTA sent`);
            state = next;
          }
          assert.deepEqual(client.state, state);
          seen.stateChanges += changes.length;
          seen.events += heard.length;

          let queued = 0;
          for (;;) {
            const r = await within(
              it.next().catch(() => ({ done: true }) as const),
              3000,
              'the event iterator ending',
            );
            if (r.done) break;
            queued++;
          }
          assert.ok(queued <= QUEUE, `${queued} events queued (bound ${QUEUE})`);
          for (const e of heard) assert.ok(Number.isFinite(e.missedBefore) && e.missedBefore >= 0, `missedBefore ${e.missedBefore}`);
          await new Promise((r) => setImmediate(r));
          assert.deepEqual(escaped, [], 'nothing escaped to the process');
        } finally {
          for (const t of timers) clearTimeout(t);
          await client.close();
        }
      }),
      { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) },
    );
    // what the runs covered, for whoever reads the test output
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${n} x ${k}`).join('; ');
    console.log(`fuzz: ${seen.runs} runs; ${seen.resolved} calls resolved; rejected: ${top(seen.rejected)}; ${seen.stateChanges} state changes; ${seen.events} events; client closes: ${top(seen.closedByClient)}`);
  } finally {
    await server.stop();
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  }
});

// The same server against a reconnecting client: each connection gets a valid HELLO (a new state
// snapshot) and its own random messages, then is closed; after the last round the server answers
// with another service, so the client gives up (INCOMPATIBLE is not retried) and closes. Calls wait
// for the next connection at most callWait (300 ms); idempotent ones are sent again.
const reconnecting = fc.record({
  calls: scenario.map((s) => s.calls),
  rounds: fc.array(
    fc.record({
      maxInFlight: fc.integer({ min: 1, max: 8 }),
      state: fc.record({ count: int, user: fc.option(text) }),
      features: featureSet,
      messages: fc.array(fc.tuple(message, fc.boolean()), { maxLength: 8 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

test('fuzz: the same server against a reconnecting client: every call settles, the client closes once it gives up, nothing escapes', { timeout: 60_000 }, async () => {
  const escaped: unknown[] = [];
  const onEscape = (e: unknown): void => void escaped.push(e);
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  let runs = 0;
  const started = Date.now();
  const stopAt = started + 20_000;
  try {
    await fc.assert(
      fc.asyncProperty(reconnecting, async (sc) => {
        if (Date.now() > stopAt) return;
        // a server per run: a connection attempt the last run's client had under way cannot reach this one
        const server = await FakeServer.start();
        const lifecycle: string[] = [];
        const told: string[] = []; // the lifecycle with reasons, for a failure's message
        let gaveUp!: () => void;
        const closed = new Promise<void>((r) => (gaveUp = r));
        const connecting = Client.connect<State, Ev>(
          server.url,
          Counter,
          options({
            eventQueue: QUEUE,
            connectTimeout: 2000,
            reconnect: { initialDelay: 1, maxDelay: 5, maxAttempts: 3, callWait: 300 },
            onConnectionEvent: (e) => {
              lifecycle.push(e.type);
              told.push(e.type + ('reason' in e && e.reason ? ` (${e.reason.message})` : ''));
              if (e.type === 'closed') gaveUp();
            },
          }),
        );
        connecting.catch(() => {}); // awaited in the first round
        const timers: ReturnType<typeof setTimeout>[] = [];
        let client: Client<State, Ev> | undefined;
        try {
          // per connection: its HELLO's state and the whole deltas sent on it
          const sent: { snapshot: State; deltas: Delta[] }[] = [];
          const changes: [State, State][] = [];
          let it: AsyncIterator<Event<Ev>> | undefined;
          let outcomes: Promise<unknown>[] = [];
          for (const round of sc.rounds) {
            const peer = await server.next(3000).catch((e: Error) => {
              throw new Error(`${e.message} (lifecycle: ${told.join(', ')})`);
            });
            const state = { count: round.state.count, user: round.state.user };
            const deltas: Delta[] = [];
            sent.push({ snapshot: state, deltas });
            peer.send(hello({ maxInFlight: round.maxInFlight, state, features: round.features }));
            if (!client) {
              client = await connecting;
              client.onState((s, previous) => changes.push([previous, s]));
              it = client.events();
              outcomes = sc.calls.map((c) => {
                const { m, args } = methods[c.method]!;
                const abort = new AbortController();
                if (c.abortAfter !== null) timers.push(setTimeout(() => abort.abort(), c.abortAfter));
                return client!.call(m as never, args as never, { signal: abort.signal, ...(c.deadline !== null && { deadline: c.deadline }) }).then(
                  () => undefined,
                  (e: unknown) => e,
                );
              });
            }
            for (const [msg, pause] of round.messages) {
              deltasIn(msg, deltas);
              peer.send(msg);
              if (pause) await new Promise((r) => setImmediate(r));
            }
            peer.close(4321, 'fuzz round done');
            await within(peer.closed, 3000, 'the close');
          }
          // every further connection (a reconnect, or one a GO_AWAY started) hears another service
          const refuser = (async () => {
            while (!lifecycle.includes('closed')) {
              const peer = await Promise.race([server.next(1000).catch(() => undefined), closed]);
              peer?.send(hello({ service: 'Other' }));
            }
          })();
          await within(refuser, 8000, `the client giving up (lifecycle: ${told.join(', ')})`);
          assert.equal(lifecycle.filter((t) => t === 'closed').length, 1);
          assert.equal(lifecycle.at(-1), 'closed', 'nothing follows closed');

          const errors = await within(Promise.all(outcomes), 3000, 'every call settling');
          for (const e of errors) {
            if (e === undefined) continue;
            assert.ok(e instanceof RpcError && Status[e.status] !== undefined, `a call failed with ${String(e)}`);
          }
          // a new connection's state: its HELLO's, with the first deltas sent on it (those read with
          // the HELLO, before the connection was installed) applied in order
          const installed: State[] = [];
          for (const { snapshot, deltas } of sent) {
            installed.push(snapshot);
            for (const d of deltas) installed.push(Counter.state!.apply(installed.at(-1)!, d) as State);
          }
          const all = sent.flatMap((r) => r.deltas);
          for (const [previous, next] of changes) {
            const ok = installed.some((s) => sameState(s, next)) || all.some((d) => sameState(Counter.state!.apply(previous, d) as State, next));
            assert.ok(ok, `state ${JSON.stringify(next)} from ${JSON.stringify(previous)} is neither a new connection's nor a whole STATE_DELTA applied`);
          }
          let queued = 0;
          for (;;) {
            const r = await within(it!.next().catch(() => ({ done: true }) as const), 3000, 'the event iterator ending');
            if (r.done) break;
            queued++;
          }
          assert.ok(queued <= QUEUE, `${queued} events queued (bound ${QUEUE})`);
          await new Promise((r) => setImmediate(r));
          assert.deepEqual(escaped, [], 'nothing escaped to the process');
          runs++;
        } finally {
          for (const t of timers) clearTimeout(t);
          await (client ?? (await connecting.catch(() => undefined)))?.close();
          await server.stop();
        }
      }),
      { numRuns: Number(process.env.HL_FUZZ_RECONNECT_RUNS ?? 800), ...(SEED !== undefined && { seed: SEED }) },
    );
    console.log(`fuzz with reconnect: ${runs} runs in ${Date.now() - started} ms`);
  } finally {
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  }
});
