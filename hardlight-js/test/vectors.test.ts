// Every golden vector of test-vectors/v1: its bytes decode to the expected value and the value encodes
// to exactly its bytes. The directory is read, so a vector without a TypeScript expectation fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Duration, Instant, Reader, RpcError, Topic, Writer, codecs, decodeFrame, encodeFrame } from './runtime.js';
import type { Codec, Frame } from './runtime.js';
import { connected } from './harness.js';

// HL_VECTORS_DIR checks another copy (e.g. a branch's regenerated vectors) without touching the repository's.
const DIR = process.env.HL_VECTORS_DIR
  ? new URL(`file://${process.env.HL_VECTORS_DIR.replace(/\/?$/, '/')}`)
  : new URL('../../../test-vectors/v1/', import.meta.url);

function parse(name: string): { description: string; bytes: Uint8Array } {
  const text = readFileSync(new URL(name, DIR), 'utf8');
  const lines = text.split('\n');
  const description = lines[0]!.replace(/^#\s*/, '');
  const hex = lines
    .slice(1)
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return { description, bytes: Uint8Array.from(Buffer.from(hex, 'hex')) };
}

const fp = Uint8Array.from({ length: 32 }, (_, i) => i);
const bytesOf = (f: (w: Writer) => void): Uint8Array => {
  const w = new Writer();
  f(w);
  return w.finish().slice();
};

// The record State(int counter, String user) as generated code writes it (length-delimited).
const State: Codec<{ counter: number; user: string }> = {
  encode(w, v) {
    const m = w.beginLength();
    w.int(v.counter);
    w.string(v.user);
    w.endLength(m);
  },
  decode(r) {
    r.enter();
    const s = r.pushLimit();
    const counter = r.more() ? r.int() : 0;
    const user = r.more() ? r.string() : '';
    r.popLimit(s);
    r.exit();
    return { counter, user };
  },
};

/** A record codec as the generator writes it: length-delimited components, defaults when absent. */
function record<T extends object>(fields: [string, Codec<any>, unknown][]): Codec<T> {
  return {
    encode(w, v) {
      const m = w.beginLength();
      for (const [k, c] of fields) c.encode(w, (v as Record<string, unknown>)[k]);
      w.endLength(m);
    },
    decode(r) {
      r.enter();
      const s = r.pushLimit();
      const out: Record<string, unknown> = {};
      for (const [k, c, dflt] of fields) out[k] = r.more() ? c.decode(r) : dflt;
      r.popLimit(s);
      r.exit();
      return out as T;
    },
  };
}

/** A sealed codec of record cases: tag, then the case's components length-delimited; `fallback` for unknown tags. */
function sealed(name: string, cases: [string, [string, Codec<any>, unknown][]][], fallback?: string): Codec<{ $type: string }> {
  return {
    encode(w, v) {
      const i = cases.findIndex(([n]) => n === v.$type);
      w.varint(i);
      const m = w.beginLength();
      for (const [k, c] of cases[i]![1]) c.encode(w, (v as Record<string, unknown>)[k]);
      w.endLength(m);
    },
    decode(r) {
      r.enter();
      const t = r.tag(cases.length, name);
      const s = r.pushLimit();
      const c = t < cases.length ? cases[t]! : cases.find(([n]) => n === fallback);
      if (!c) {
        r.popLimit(s);
        r.exit();
        throw r.malformed(`unknown tag ${t} of sealed ${name} (a newer peer's subtype: mark a permitted record @Fallback to accept it)`);
      }
      const out: Record<string, unknown> = { $type: c[0] };
      for (const [k, codec, dflt] of t < cases.length ? c[1] : []) out[k] = r.more() ? codec.decode(r) : dflt;
      for (const [k, , dflt] of t < cases.length ? [] : c[1]) out[k] = dflt;
      r.popLimit(s);
      r.exit();
      return out as { $type: string };
    },
  };
}

function enumCodec(name: string, constants: string[], fallback?: string): Codec<string> {
  return {
    encode: (w, v) => w.varint(constants.indexOf(v)),
    decode(r) {
      const o = r.tag(constants.length, name);
      if (o < constants.length) return constants[o]!;
      if (fallback) return fallback;
      throw r.malformed(`unknown ordinal ${o} of enum ${name} (a newer peer's constant: mark a constant @Fallback to accept it)`);
    },
  };
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Reads `bytes` with `codec` and asserts the malformed unknown case (skipped for events). */
function unknownCase(codec: Codec<unknown>, bytes: Uint8Array, message: RegExp): void {
  assert.throws(
    () => codec.decode(new Reader(bytes)),
    (e: unknown) => e instanceof RpcError && message.test(e.message) && (e as { unknownCase?: boolean }).unknownCase === true,
  );
}

const ItemV1 = record<{ name: string }>([['name', codecs.string, '']]);
const ItemV2 = record<{ name: string; count: number; quantity: number }>([
  ['name', codecs.string, ''],
  ['count', codecs.int, 0],
  ['quantity', codecs.int, 1], // @Default("1")
]);
const ShapeV2 = sealed('evo.Shop.Shape', [
  ['Other', []],
  ['Circle', [['radius', codecs.double, 0]]],
  ['Square', [['side', codecs.double, 0]]],
]);
const ShapeV1 = sealed('evo.Shop.Shape', [['Other', []], ['Circle', [['radius', codecs.double, 0]]]], 'Other');
const ShapeV1NoFallback = sealed('evo.Shop.Shape', [['Other', []], ['Circle', [['radius', codecs.double, 0]]]]);

/** Checks of vectors that pair an older and a newer contract (evolution.md section 6). */
const custom: Record<string, (bytes: Uint8Array) => void | Promise<void>> = {
  'evolve-record-appended': (bytes) => {
    assert.equal(hexOf(bytesOf((w) => ItemV2.encode(w, { name: 'ab', count: 5, quantity: 2 }))), hexOf(bytes));
    const r = new Reader(bytes);
    assert.deepEqual(ItemV1.decode(r), { name: 'ab' });
    r.end();
  },
  'evolve-record-missing': (bytes) => {
    assert.equal(hexOf(bytesOf((w) => ItemV1.encode(w, { name: 'ab' }))), hexOf(bytes));
    const r = new Reader(bytes);
    assert.deepEqual(ItemV2.decode(r), { name: 'ab', count: 0, quantity: 1 });
    r.end();
  },
  'evolve-sealed-unknown': (bytes) => {
    assert.equal(hexOf(bytesOf((w) => ShapeV2.encode(w, { $type: 'Square', side: 2.0 } as { $type: string }))), hexOf(bytes));
    const r = new Reader(bytes);
    assert.deepEqual(ShapeV1.decode(r), { $type: 'Other' });
    r.end();
    unknownCase(ShapeV1NoFallback, bytes, /unknown tag 2 of sealed evo\.Shop\.Shape/);
  },
  'evolve-enum-unknown': (bytes) => {
    assert.equal(hexOf(bytesOf((w) => enumCodec('evo.Shop.Color', ['RED', 'GREEN', 'BLUE']).encode(w, 'BLUE'))), hexOf(bytes));
    unknownCase(enumCodec('evo.Shop.Color', ['RED', 'GREEN']), bytes, /unknown ordinal 2 of enum evo\.Shop\.Color/);
    assert.equal(enumCodec('evo.Shop.Tone', ['UNKNOWN', 'LOW'], 'UNKNOWN').decode(new Reader(bytes)), 'UNKNOWN');
  },
  // CALL arguments: the client writes them; a server reads its own parameters and skips or defaults the rest.
  'evolve-args-appended': (bytes) => {
    const f = { type: 2, callId: 1, methodId: 0, args: bytesOf((w) => (w.string('ab'), w.int(10))) } as const;
    assert.equal(hexOf(encodeFrame(f)), hexOf(bytes));
    const d = decodeFrame(bytes) as Frame & { type: 2 };
    const r = new Reader(d.args);
    assert.equal(r.string(), 'ab');
    assert.equal(r.remaining(), 1, 'the v1 reader skips the appended parameter');
  },
  'evolve-args-missing': (bytes) => {
    const f = { type: 2, callId: 1, methodId: 0, args: bytesOf((w) => w.string('ab')) } as const;
    assert.equal(hexOf(encodeFrame(f)), hexOf(bytes));
    const r = new Reader((decodeFrame(bytes) as Frame & { type: 2 }).args);
    assert.deepEqual([r.string(), r.more() ? r.int() : 10], ['ab', 10]);
  },
  // Through a real client: a v1 state (count, user) receives a v2 delta with field 2 it does not know.
  'evolve-state-delta-unknown-field': async (bytes) => {
    const { server, peer, client } = await connected();
    try {
      const seen: unknown[] = [];
      client.onState((s) => seen.push(s));
      peer.send(bytes);
      // then a frame the client must refuse: the close reason shows the delta itself was accepted
      peer.resultInt(0, 0);
      const closed = await peer.closed;
      assert.equal(closed.reason, 'RESULT for call id 0 not in flight', 'the delta was applied, not a violation');
      assert.deepEqual(seen, [{ count: 3, user: null }]);
    } finally {
      await client.close();
      await server.stop();
    }
  },
  'value-record': (bytes) => {
    const Point = record<{ x: number; y: number }>([['x', codecs.int, 0], ['y', codecs.int, 0]]);
    assert.equal(hexOf(bytesOf((w) => Point.encode(w, { x: 1, y: -2 }))), hexOf(bytes));
    assert.deepEqual(Point.decode(new Reader(bytes)), { x: 1, y: -2 });
  },
  'value-record-empty': (bytes) => {
    const Empty = record<object>([]);
    assert.equal(hexOf(bytesOf((w) => Empty.encode(w, {}))), hexOf(bytes));
    assert.deepEqual(Empty.decode(new Reader(bytes)), {});
  },
  'value-record-long': (bytes) => {
    const Note = record<{ text: string }>([['text', codecs.string, '']]);
    assert.equal(hexOf(bytesOf((w) => Note.encode(w, { text: 'a'.repeat(200) }))), hexOf(bytes));
    assert.deepEqual(Note.decode(new Reader(bytes)), { text: 'a'.repeat(200) });
  },
  'value-sealed': (bytes) => {
    const Shape = sealed('Shape', [['Circle', [['radius', codecs.double, 0]]], ['Square', [['side', codecs.double, 0]]]]);
    assert.equal(hexOf(bytesOf((w) => Shape.encode(w, { $type: 'Square', side: 1.5 } as { $type: string }))), hexOf(bytes));
    assert.deepEqual(Shape.decode(new Reader(bytes)), { $type: 'Square', side: 1.5 });
  },
};

type Expectation = { codec: Codec<any>; value: unknown } | { frame: Frame; check?: (f: Frame) => void };

const values: Record<string, Expectation> = {
  'value-boolean-true': { codec: codecs.bool, value: true },
  'value-bytes': { codec: codecs.bytes, value: Uint8Array.of(1, 2, 255) },
  'value-char': { codec: codecs.char, value: 'é' },
  'value-double': { codec: codecs.double, value: 1.5 },
  'value-duration': { codec: codecs.duration, value: new Duration(-2n, 500_000_000) },
  'value-float': { codec: codecs.float, value: -0.25 },
  'value-instant': { codec: codecs.instant, value: new Instant(BigInt(Date.UTC(2026, 10, 24) / 1000), 500_000_000) },
  'value-int-150': { codec: codecs.int, value: 150 },
  'value-int-array': { codec: codecs.list(codecs.int), value: [0, -1, 64] },
  'value-int-min': { codec: codecs.int, value: -2147483648 },
  'value-int-minus-one': { codec: codecs.int, value: -1 },
  'value-int-zero': { codec: codecs.int, value: 0 },
  'value-list': { codec: codecs.list(codecs.int), value: [1, 2, 3] },
  'value-long-max': { codec: codecs.long, value: 9223372036854775807n },
  'value-map': { codec: codecs.map(codecs.string, codecs.int), value: new Map([['ann', 3], ['bob', -1]]) },
  'value-optional-empty': { codec: codecs.optional(codecs.string), value: undefined },
  'value-optional-present': { codec: codecs.optional(codecs.string), value: 'a' },
  'value-string-empty': { codec: codecs.string, value: '' },
  'value-string': { codec: codecs.string, value: 'héllo' },
  'value-topic': { codec: codecs.topic, value: Topic.of('abc') },
  'value-uuid': { codec: codecs.uuid, value: '00112233-4455-6677-8899-aabbccddeeff' },

  'frame-call-large-id': { frame: { type: 2, callId: 300, methodId: 2, args: new Uint8Array(0) } },
  'frame-call': { frame: { type: 2, callId: 5, methodId: 0, args: bytesOf((w) => w.int(1)) } },
  'frame-cancel': { frame: { type: 5, callId: 300 } },
  'frame-call-metadata': { frame: { type: 11, callId: 5, methodId: 0, metadata: { 'request-id': '42' }, args: bytesOf((w) => w.int(1)) } },
  'frame-result-metadata': {
    frame: { type: 12, callId: 5, metadata: { 'request-id': '42', 'tag-bin': Uint8Array.of(0xca, 0xfe) }, value: bytesOf((w) => w.int(1)) },
  },
  'frame-error-metadata': { frame: { type: 13, callId: 5, metadata: { 'retry-after-ms': '250' }, status: 8, message: 'slow down', declared: 0 } },
  'frame-error-application': { frame: { type: 4, callId: 5, status: 20, message: 'insufficient funds', declared: 1 } },
  'frame-error-unimplemented': { frame: { type: 4, callId: 1, status: 12, message: 'no', declared: 0 } },
  'frame-event': { frame: { type: 7, topic: Topic.of('room-1'), payload: bytesOf((w) => w.string('hi')) } },
  'frame-event-metadata': {
    frame: {
      type: 14,
      topic: Topic.of('room-1'),
      metadata: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      payload: bytesOf((w) => w.string('hi')),
    },
  },
  'frame-events-missed': { frame: { type: 10, count: 300n } },
  'frame-features': { frame: { type: 8, features: ['admin', 'authenticated'] } },
  'frame-go-away': { frame: { type: 9, reason: 'restart' } },
  'frame-hello': {
    frame: {
      type: 1,
      version: 1,
      service: 'Counter',
      fingerprint: fp,
      maxInFlight: 256,
      maxMessageSize: 1048576,
      methods: [
        { id: 0, name: 'increment', hash: 0x0102030405060708n },
        { id: 1, name: 'get', hash: 0x1112131415161718n },
      ],
      extensions: [
        { tag: 2, bytes: Uint8Array.of(0x00) },
        { tag: 7, bytes: Uint8Array.of(0xaa) },
      ],
    },
  },
  // Extension 1 holds the state hash, then State(7, "ann") as a record: with its length (evolution format).
  'frame-hello-state': {
    frame: {
      type: 1,
      version: 1,
      service: 'S',
      fingerprint: fp,
      maxInFlight: 1,
      maxMessageSize: 128,
      methods: [],
      extensions: [
        {
          tag: 1,
          bytes: bytesOf((w) => {
            w.raw(Uint8Array.of(0x5e, 0xed, 0, 0, 0, 0, 0, 1));
            State.encode(w, { counter: 7, user: 'ann' });
          }),
        },
        { tag: 2, bytes: Uint8Array.of(0x00) },
      ],
    },
    check: (f) => {
      const e = (f as Frame & { type: 1 }).extensions[0]!;
      const r = new Reader(e.bytes);
      r.skip(8);
      assert.deepEqual(State.decode(r), { counter: 7, user: 'ann' });
      r.end();
    },
  },
  // STATE_DELTA fields are component values (not records): unchanged by the evolution format.
  'frame-state-delta': { frame: { type: 6, count: 2, fields: bytesOf((w) => (w.varint(0), w.int(3), w.varint(1), w.string('bo'))) } },
  'frame-result': { frame: { type: 3, callId: 5, value: bytesOf((w) => w.int(1)) } },
  'frame-result-void': { frame: { type: 3, callId: 0, value: new Uint8Array(0) } },
  'frame-batch-calls': {
    frame: {
      type: 15,
      frames: [
        { type: 2, callId: 0, methodId: 2, args: bytesOf((w) => w.string('a')) },
        { type: 2, callId: 1, methodId: 0, args: bytesOf((w) => (w.int(1), w.int(2))) },
        { type: 5, callId: 7 },
      ],
    },
  },
  'frame-batch-answers': {
    frame: {
      type: 15,
      frames: [
        { type: 3, callId: 1, value: bytesOf((w) => w.int(3)) },
        { type: 4, callId: 0, status: 12, message: 'no', declared: 0 },
      ],
    },
  },
  'frame-hello-schema': {
    frame: undefined as unknown as Frame, // checked structurally below: ext 4 = schema text whose SHA-256 is the fingerprint
  },
};

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.hex'))
  .sort();

test('the vector directory is there', () => {
  assert.ok(files.length >= 30, `expected the golden vectors in ${DIR.pathname}, found ${files.length}`);
});

for (const file of files) {
  const name = file.slice(0, -4);
  test(`vector ${name}`, async () => {
    const { description, bytes } = parse(file);
    const c = custom[name];
    if (c) {
      await c(bytes);
      return;
    }
    const e = values[name];
    assert.ok(e, `no TypeScript expectation for vector ${name} ("${description}"): add one to test/vectors.test.ts`);
    if ('codec' in e) {
      const r = new Reader(bytes);
      assert.deepEqual(e.codec.decode(r), e.value, description);
      r.end();
      const w = new Writer();
      e.codec.encode(w, e.value);
      assert.deepEqual(Buffer.from(w.finish()).toString('hex'), Buffer.from(bytes).toString('hex'), description);
      return;
    }
    const decoded = decodeFrame(bytes);
    if (name === 'frame-hello-schema') {
      const { sha256 } = await import('./runtime.js');
      const h = decoded as Frame & { type: 1 };
      const schema = h.extensions.find((x) => x.tag === 4);
      assert.ok(schema, 'extension 4 present');
      assert.deepEqual(sha256(schema.bytes), h.fingerprint, 'SHA-256 of the schema text is the fingerprint');
      assert.deepEqual(Buffer.from(encodeFrame(decoded)).toString('hex'), Buffer.from(bytes).toString('hex'));
      return;
    }
    assert.deepEqual(decoded, e.frame, description);
    e.check?.(decoded);
    assert.deepEqual(Buffer.from(encodeFrame(e.frame)).toString('hex'), Buffer.from(bytes).toString('hex'), description);
  });
}
