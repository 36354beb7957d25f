// fast-check properties of the codecs: every value round-trips to an equal value and consumes
// exactly its bytes; a record written by a newer contract (appended components) reads as its prefix
// with a shorter reader, and a shorter writer's record reads with defaults in a longer reader.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Duration, Instant, Reader, Topic, Writer, codecs } from './runtime.js';
import type { Codec } from './runtime.js';

const RUNS = { numRuns: 300 };

function roundTrip<T>(codec: Codec<T>, arb: fc.Arbitrary<T>, eq: (a: T, b: T) => void = (a, b) => assert.deepEqual(b, a)): void {
  fc.assert(
    fc.property(arb, (v) => {
      const w = new Writer(1);
      codec.encode(w, v);
      const bytes = w.finish().slice();
      const r = new Reader(bytes);
      eq(v, codec.decode(r));
      r.end();
      // one spelling per value: encoding the decoded value gives the same bytes
      const w2 = new Writer();
      codec.encode(w2, codec.decode(new Reader(bytes)));
      assert.deepEqual(w2.finish(), bytes);
    }),
    RUNS,
  );
}

const int = fc.integer({ min: -2147483648, max: 2147483647 });
const long = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const instant = fc
  .record({ s: fc.bigInt({ min: -31557014167219200n, max: 31556889864403199n }), n: fc.integer({ min: 0, max: 999_999_999 }) })
  .map(({ s, n }) => new Instant(s, n));
const duration = fc.record({ s: long, n: fc.integer({ min: 0, max: 999_999_999 }) }).map(({ s, n }) => new Duration(s, n));
const uuid = fc.uuid({ version: [1, 2, 3, 4, 5] }).map((u) => u.toLowerCase());
// strings of any UTF-16 units but well-formed (unpaired surrogates become '?', checked separately)
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

test('primitive codecs round-trip', () => {
  roundTrip(codecs.bool, fc.boolean());
  roundTrip(codecs.byte, fc.integer({ min: -128, max: 127 }));
  roundTrip(codecs.short, fc.integer({ min: -32768, max: 32767 }));
  roundTrip(codecs.int, int);
  roundTrip(codecs.long, long);
  roundTrip(codecs.char, fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)));
  roundTrip(codecs.float, fc.float({ noNaN: true }));
  roundTrip(codecs.double, fc.double({ noNaN: true }));
  roundTrip(codecs.string, text);
  roundTrip(codecs.bytes, fc.uint8Array({ maxLength: 300 }));
  roundTrip(codecs.instant, instant);
  roundTrip(codecs.duration, duration);
  roundTrip(codecs.uuid, uuid);
  roundTrip(codecs.topic, fc.uint8Array({ maxLength: 1024 }).map((b) => new Topic(b)));
});

test('a string with any UTF-16 units decodes to itself with each unpaired surrogate as ?', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
      const w = new Writer();
      w.string(s);
      const expected = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
      assert.equal(new Reader(w.finish()).string(), expected);
      assert.equal(w.length - (w.length > 128 ? 2 : 1) >= 0, true);
    }),
    RUNS,
  );
});

test('collections, optional and nullable round-trip', () => {
  roundTrip(codecs.list(codecs.list(codecs.int)), fc.array(fc.array(int, { maxLength: 5 }), { maxLength: 5 }));
  roundTrip(codecs.set(codecs.string), fc.uniqueArray(text, { maxLength: 8 }).map((a) => new Set(a)));
  roundTrip(codecs.map(codecs.long, codecs.optional(codecs.string)), fc.uniqueArray(fc.tuple(long, fc.option(text, { nil: undefined })), { selector: (e) => e[0], maxLength: 6 }).map((a) => new Map(a)));
  roundTrip(codecs.nullable(codecs.double), fc.option(fc.double({ noNaN: true }), { nil: null }));
});

// A record written by a newer contract: V2 = V1 + appended components.
interface V1 {
  a: number;
  b: string;
  c: bigint[];
}
interface V2 extends V1 {
  d: Map<string, number>;
  e: Instant | null;
}

function recordCodec<T>(fields: [keyof T, Codec<any>, unknown][]): Codec<T> {
  return {
    encode(w, v) {
      const m = w.beginLength();
      for (const [k, c] of fields) c.encode(w, v[k]);
      w.endLength(m);
    },
    decode(r) {
      r.enter();
      const s = r.pushLimit();
      const out = {} as Record<keyof T, unknown>;
      for (const [k, c, dflt] of fields) out[k] = r.more() ? c.decode(r) : dflt;
      r.popLimit(s);
      r.exit();
      return out as T;
    },
  };
}

const v1Fields: [keyof V2, Codec<any>, unknown][] = [
  ['a', codecs.int, 0],
  ['b', codecs.string, ''],
  ['c', codecs.list(codecs.long), []],
];
const V1Codec = recordCodec<V1>(v1Fields as [keyof V1, Codec<any>, unknown][]);
const V2Codec = recordCodec<V2>([...v1Fields, ['d', codecs.map(codecs.string, codecs.int), new Map()], ['e', codecs.nullable(codecs.instant), null]]);

const v2 = fc.record({
  a: int,
  b: text,
  c: fc.array(long, { maxLength: 4 }),
  d: fc.uniqueArray(fc.tuple(text, int), { selector: (e) => e[0], maxLength: 4 }).map((a) => new Map(a)),
  e: fc.option(instant, { nil: null }),
});

test('a newer writer read by an older reader: the prefix, then reading goes on after the record', () => {
  fc.assert(
    fc.property(fc.array(v2, { maxLength: 4 }), int, (list, after) => {
      const w = new Writer();
      codecs.list(V2Codec).encode(w, list);
      w.int(after);
      const r = new Reader(w.finish());
      const read = codecs.list(V1Codec).decode(r);
      assert.deepEqual(
        read,
        list.map(({ a, b, c }) => ({ a, b, c })),
      );
      assert.equal(r.int(), after);
      r.end();
    }),
    RUNS,
  );
});

test('an older writer read by a newer reader: appended components take their defaults', () => {
  fc.assert(
    fc.property(fc.array(v2, { maxLength: 4 }), (list) => {
      const w = new Writer();
      codecs.list(V1Codec).encode(w, list);
      const r = new Reader(w.finish());
      assert.deepEqual(
        codecs.list(V2Codec).decode(r),
        list.map(({ a, b, c }) => ({ a, b, c, d: new Map(), e: null })),
      );
      r.end();
    }),
    RUNS,
  );
});

test('any bytes: a decoder either returns or throws RpcError PROTOCOL_ERROR, never anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      for (const c of [V2Codec, codecs.list(codecs.string), codecs.map(codecs.uuid, codecs.duration), codecs.set(codecs.topic)] as Codec<unknown>[]) {
        try {
          c.decode(new Reader(b));
        } catch (e) {
          assert.equal((e as { status?: number }).status, 21, String(e));
        }
      }
    }),
    { numRuns: 2000 },
  );
});
