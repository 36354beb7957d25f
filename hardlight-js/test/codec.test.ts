// The codec layer against protocol.md sections 2 and 5 and the evolution rules: exact bytes, every
// rejection with its message, and the bounds (counts, depth, lengths).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duration, Instant, Reader, RpcError, Status, Topic, Writer, codecs, sha256 } from './runtime.js';
import type { Codec } from './runtime.js';
import { evCodec, itemCodec } from './counter.js';
import fc from 'fast-check';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function enc(f: (w: Writer) => void): string {
  const w = new Writer(1);
  f(w);
  return hex(w.finish());
}

function malformed(h: string, read: (r: Reader) => unknown, message: RegExp): void {
  const r = new Reader(bytes(h));
  assert.throws(
    () => {
      read(r);
      r.end();
    },
    (e: unknown) => e instanceof RpcError && e.status === Status.PROTOCOL_ERROR && message.test(e.message),
    `${h} should be malformed: ${message}`,
  );
}

test('varints as protocol.md section 2 spells them', () => {
  assert.equal(enc((w) => w.varint(0)), '00');
  assert.equal(enc((w) => w.varint(127)), '7f');
  assert.equal(enc((w) => w.varint(128)), '8001');
  assert.equal(enc((w) => w.varint(300)), 'ac02');
  assert.equal(enc((w) => w.varint(0x7fffffff)), 'ffffffff07');
  assert.throws(() => new Writer().varint(-1), RangeError);
  assert.throws(() => new Writer().varint(2 ** 31), RangeError);
  assert.equal(new Reader(bytes('ffffffff07')).varint(), 0x7fffffff);
});

test('varint rejections: truncated, overlong, longer than 5 bytes, beyond 31 bits', () => {
  malformed('80', (r) => r.varint(), /truncated varint/);
  malformed('', (r) => r.varint(), /truncated varint/);
  malformed('8000', (r) => r.varint(), /overlong varint/);
  malformed('ff00', (r) => r.varint(), /overlong varint/);
  malformed('ffffffffff01', (r) => r.varint(), /varint longer than 5 bytes/);
  malformed('8080808008', (r) => r.varint(), /varint exceeds 31 bits/);
  malformed('8080808010', (r) => r.int(), /varint exceeds 32 bits/);
  malformed('80808080808080808080', (r) => r.long(), /varint longer than 10 bytes/);
  malformed('ffffffffffffffffff02', (r) => r.long(), /varint exceeds 64 bits/);
  malformed('ff80808000', (r) => r.long(), /overlong varint/);
  malformed('8000', (r) => r.long(), /overlong varint/);
});

test('zigzag for short, int and long', () => {
  assert.equal(enc((w) => w.int(0)), '00');
  assert.equal(enc((w) => w.int(-1)), '01');
  assert.equal(enc((w) => w.int(1)), '02');
  assert.equal(enc((w) => w.int(150)), 'ac02');
  assert.equal(enc((w) => w.int(2147483647)), 'feffffff0f');
  assert.equal(enc((w) => w.long(-9223372036854775808n)), 'ffffffffffffffffff01');
  assert.equal(enc((w) => w.long(-1n)), '01');
  assert.equal(enc((w) => w.long(0x40000000n)), '8080808008');
  assert.equal(new Reader(bytes('ffffffffffffffffff01')).long(), -9223372036854775808n);
  assert.equal(new Reader(bytes('8080808008')).long(), 0x40000000n);
  assert.equal(enc((w) => w.short(-32768)), 'ffff03');
  malformed('808004', (r) => r.short(), /short out of range: 32768/);
  assert.throws(() => new Writer().int(2 ** 31), RangeError);
  assert.throws(() => new Writer().int(1.5), RangeError);
  assert.throws(() => new Writer().long(1n << 63n), RangeError);
  assert.throws(() => new Writer().short(40000), RangeError);
  assert.throws(() => new Writer().byte(128), RangeError);
});

// a long's zigzag varint computed with BigInt only, byte by byte (hex)
const referenceLong = (v: bigint): string => {
  let z = v < 0n ? (-v << 1n) - 1n : v << 1n;
  let out = '';
  for (; z > 0x7fn; z >>= 7n) out += ((Number(z & 0x7fn) | 0x80) + 0x100).toString(16).slice(1);
  return out + (Number(z) + 0x100).toString(16).slice(1);
};

test('long: the number paths (writing below 2^52, reading up to 7 bytes) and the BigInt paths agree with a reference at every power of two', () => {
  const edges = [0n, 1234567890123n, 1764979200n];
  for (let k = 0n; k < 64n; k++) edges.push((1n << k) - 1n, -(1n << k), -(1n << k) + 1n);
  for (let k = 0n; k < 63n; k++) edges.push(1n << k, -(1n << k) - 1n);
  for (const v of edges) {
    assert.equal(enc((w) => w.long(v)), referenceLong(v), String(v));
    const r = new Reader(bytes(referenceLong(v) + '2a'));
    assert.equal(r.long(), v, String(v));
    assert.equal(r.int(), 21, 'the read stops after the varint');
    r.end();
  }
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 63 }).chain((k) => fc.bigInt({ min: -(1n << BigInt(k)), max: (1n << BigInt(k)) - 1n })), (v) => {
      assert.equal(enc((w) => w.long(v)), referenceLong(v));
      assert.equal(new Reader(bytes(referenceLong(v))).long(), v);
    }),
    { numRuns: 2000 },
  );
  assert.throws(() => new Writer().long(5 as unknown as bigint), RangeError, 'a number is not a long');
  assert.throws(() => new Writer().long(-(1n << 63n) - 1n), RangeError);
  assert.equal(new Reader(bytes('80808080808080808001')).ulong(), 1n << 63n);
  assert.equal(new Reader(bytes('ffffffffffff7f')).ulong(), (1n << 49n) - 1n);
});

test('a long varint overlong or truncated at any of its 10 bytes is malformed', () => {
  for (let k = 1; k < 10; k++) {
    malformed('80'.repeat(k) + '00', (r) => r.long(), /overlong varint/);
    malformed('ff'.repeat(k), (r) => r.long(), /truncated varint/);
  }
  malformed('ff'.repeat(6), (r) => r.ulong(), /truncated varint/);
  malformed('ff'.repeat(10) + '01', (r) => r.ulong(), /varint exceeds 64 bits|varint longer than 10 bytes/);
});

test('writers share a slab but never each other\'s bytes; floats land at their own offset in it', () => {
  const first = new Writer(3);
  first.double(1.5);
  first.float(-2);
  const kept = first.finish();
  const expected = hex(kept);
  assert.equal(expected, '000000000000f83f000000c0');
  for (let i = 0; i < 20000; i++) {
    const w = new Writer(i % 50);
    w.double(-i);
    w.string('x'.repeat(i % 40));
    const out = w.finish();
    const r = new Reader(out);
    assert.equal(r.double(), -i);
    assert.equal(r.string().length, i % 40);
  }
  assert.equal(hex(kept), expected, 'an earlier writer\'s bytes are unchanged after 20,000 later ones (more than one slab)');
  const big = new Writer(1);
  big.raw(new Uint8Array(100_000).fill(7)); // larger than a slab
  big.double(3);
  assert.equal(big.length, 100_008);
  assert.equal(new Reader(big.finish().subarray(100_000)).double(), 3);
});

test('a writer gives back what it did not use when it finishes, and one written after finishing moves instead of overwriting the next', () => {
  const a = new Writer(64);
  a.int(1);
  const first = a.finish();
  const b = new Writer(64);
  b.string('neighbour');
  const kept = hex(b.finish());
  a.int(2); // after finish: a's free bytes were given back, so this must go elsewhere
  a.string('x'.repeat(200));
  assert.equal(hex(first), '02');
  assert.equal(hex(b.finish()), kept);
  const r = new Reader(a.finish());
  assert.equal(r.int(), 1);
  assert.equal(r.int(), 2);
  assert.equal(r.string(), 'x'.repeat(200));
  r.end();
  const c = new Writer(1);
  c.finish();
  c.finish(); // twice: still empty, nothing given back twice
  const d = new Writer(4);
  d.int(7);
  assert.equal(hex(d.finish()), '0e');
  assert.equal(hex(first), '02');
});

test('floats and doubles keep their bits through the reader\'s scratch buffer, at any offset', () => {
  const values = [0, -0, 1.5, -2.5e-308, 5e-324, Number.MAX_VALUE, -Infinity, Infinity, 19.99, 0.35];
  for (let pad = 0; pad < 9; pad++) {
    const w = new Writer(1);
    for (let i = 0; i < pad; i++) w.byte(i);
    for (const v of values) (w.double(v), w.float(v));
    const r = new Reader(w.finish());
    r.skip(pad);
    for (const v of values) {
      assert.ok(Object.is(r.double(), v), `double ${v} after ${pad} bytes`);
      assert.ok(Object.is(r.float(), Math.fround(v)), `float ${v} after ${pad} bytes`);
    }
    r.end();
  }
  assert.ok(Number.isNaN(new Reader(bytes('000000000000f87f')).double()));
  malformed('00000000000000', (r) => r.double(), /truncated: needed 8 more bytes, 7 left/);
});

test('short strings: ASCII four bytes a step, any other byte anywhere in them decoded strictly', () => {
  for (let n = 0; n < 70; n++) {
    const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(0x20 + ((i * 7) % 95))).join('');
    const r = new Reader(bytes(enc((w) => (w.string(ascii), w.byte(5)))));
    assert.equal(r.string(), ascii, `ASCII of ${n}`);
    assert.equal(r.byte(), 5);
    for (let at = 0; at < n; at++) {
      const s = ascii.slice(0, at) + 'é' + ascii.slice(at + 1);
      assert.equal(new Reader(bytes(enc((w) => w.string(s)))).string(), s, `é at ${at} of ${n}`);
      const bad = bytes(enc((w) => w.string(ascii)));
      bad[1 + at] = 0xff;
      malformed(hex(bad), (rr) => rr.string(), /invalid UTF-8 in a string/);
      bad[1 + at] = 0x7f;
      assert.equal(new Reader(bad).string(), ascii.slice(0, at) + '\x7f' + ascii.slice(at + 1));
    }
  }
});

test('byte, boolean, char, float and double', () => {
  assert.equal(enc((w) => w.byte(-1)), 'ff');
  assert.equal(new Reader(bytes('ff')).byte(), -1);
  malformed('02', (r) => r.bool(), /boolean byte 2 \(expected: 0 or 1\)/);
  assert.equal(enc((w) => w.char('\uffff')), 'ffff03');
  malformed('80800400', (r) => r.char(), /char out of range: 65536/);
  assert.throws(() => new Writer().char('ab'), RangeError);
  assert.equal(enc((w) => w.float(-0.25)), '000080be');
  assert.equal(enc((w) => w.double(1.5)), '000000000000f83f');
  assert.ok(Number.isNaN(new Reader(bytes('0000c07f')).float()));
  malformed('0000c0', (r) => r.float(), /truncated: needed 4 more bytes, 3 left/);
});

test('UTF-8: strict decoding rejects overlong forms, encoded surrogates and truncated sequences', () => {
  assert.equal(new Reader(bytes('06 68 c3 a9 6c 6c 6f')).string(), 'héllo');
  assert.equal(new Reader(bytes('04 f0 9f 98 80')).string(), '😀');
  assert.equal(new Reader(bytes('03 ef bb bf')).string(), '\ufeff', 'a leading BOM is a character, kept');
  malformed('02 c0 80', (r) => r.string(), /invalid UTF-8 in a string/);
  malformed('03 e0 80 80', (r) => r.string(), /invalid UTF-8/);
  malformed('03 ed a0 80', (r) => r.string(), /invalid UTF-8/);
  malformed('02 e2 82', (r) => r.string(), /invalid UTF-8/);
  malformed('01 80', (r) => r.string(), /invalid UTF-8/);
  malformed('04 f4 90 80 80', (r) => r.string(), /invalid UTF-8/);
  const long = 'x'.repeat(100) + 'é';
  assert.equal(new Reader(bytes(enc((w) => w.string(long)))).string(), long);
  malformed('05 61 62', (r) => r.string(), /truncated: needed 5 more bytes, 2 left/);
});

test('an unpaired surrogate is written as ?, as Java does; pairs are 4 bytes', () => {
  assert.equal(enc((w) => w.string('a\ud800b')), '03613f62');
  assert.equal(enc((w) => w.string('\udc00')), '013f');
  assert.equal(enc((w) => w.string('\ud800')), '013f');
  assert.equal(enc((w) => w.string('\ud83d\ude00')), '04f09f9880');
});

test('a string whose UTF-8 length needs fewer length bytes than its worst case is moved into place', () => {
  for (const n of [42, 43, 127, 128, 5461, 16383, 16384, 70000, 2 ** 21 - 1, 2 ** 21]) {
    const s = 'a'.repeat(n);
    const b = bytes(enc((w) => w.string(s)));
    // the length is the shortest varint of n (one spelling), then the n bytes
    const length = enc((w) => w.varint(n));
    assert.equal(hex(b.subarray(0, length.length / 2)), length, `length of ${n}`);
    assert.equal(b.length, length.length / 2 + n);
    const r = new Reader(b);
    assert.equal(r.string(), s);
    r.end();
  }
});

test('a string written just as the buffer grows keeps its bytes (found by the round-trip property)', () => {
  for (let before = 0; before < 40; before++) {
    const w = new Writer(1);
    for (let i = 0; i < before; i++) w.byte(1);
    w.string(' é');
    const r = new Reader(w.finish());
    r.skip(before);
    assert.equal(r.string(), ' é');
  }
});

test('Instant, Duration, UUID and Topic', () => {
  assert.equal(enc((w) => w.instant(Instant.EPOCH)), '0000');
  assert.equal(enc((w) => w.duration(Duration.ofMillis(-1500))), '0380cab5ee01');
  assert.ok(Instant.ofEpochMilli(1500).equals(new Instant(1n, 500_000_000)));
  assert.equal(new Instant(1n, 999_999_999).toDate().getTime(), 1999);
  assert.equal(Instant.fromDate(new Date(-1)).epochSecond, -1n);
  assert.equal(Instant.fromDate(new Date(-1)).nano, 999_000_000);
  assert.equal(Duration.ofMillis(2500).toMillis(), 2500);
  malformed('00 80 94 eb dc 03', (r) => r.instant(), /nanoseconds 1000000000 \(expected: <= 999999999\)/);
  malformed(enc((w) => (w.long(31556889864403200n), w.varint(0))), (r) => r.instant(), /instant out of range/);
  assert.throws(() => new Instant(0n, -1), RangeError);
  assert.equal(enc((w) => w.uuid('00112233-4455-6677-8899-AABBCCDDEEFF')), '00112233445566778899aabbccddeeff');
  assert.throws(() => new Writer().uuid('00112233445566778899aabbccddeeff'), RangeError);
  assert.throws(() => new Writer().topic(new Topic(new Uint8Array(1025))), RangeError);
  const big = enc((w) => (w.varint(1025), w.raw(new Uint8Array(1025))));
  malformed(big, (r) => r.topic(), /topic of 1025 bytes \(expected: <= 1024\)/);
  assert.equal(Topic.of('room-1').toString(), 'room-1');
  assert.ok(Topic.of('é').equals(new Topic(Uint8Array.of(0xc3, 0xa9))));
});

test('a count larger than the bytes left is malformed before anything is allocated', () => {
  malformed('05 01 02', (r) => codecs.list(codecs.int).decode(r), /truncated: needed 5 more bytes, 2 left/);
  malformed('ffffffff07', (r) => codecs.bytes.decode(r), /truncated: needed 2147483647 more bytes, 0 left/);
  malformed('ffffffff07', (r) => codecs.map(codecs.int, codecs.int).decode(r), /truncated: needed 2147483647 more bytes/);
});

test('a repeated Set element or Map key is malformed', () => {
  malformed('02 02 02', (r) => codecs.set(codecs.int).decode(r), /repeated element in a set/);
  malformed('02 01 61 02 01 61 04', (r) => codecs.map(codecs.string, codecs.int).decode(r), /repeated key in a map/);
  const ok = codecs.set(codecs.int).decode(new Reader(bytes('02 02 04')));
  assert.deepEqual([...ok], [1, 2]);
  malformed('02 00 00', (r) => codecs.set(itemCodec).decode(r), /repeated element/);
});

// The sender refuses what every reader refuses: a set whose elements, or a map whose keys, are written
// as the same bytes (protocol.md, "Repeats made by the sender").
const refusedAsRepeat = (what: RegExp) => (e: unknown) => e instanceof RangeError && what.test(e.message) && /two are sent as the same bytes/.test(e.message);

function encodeFails<T>(codec: Codec<T>, v: T, what: RegExp): void {
  assert.throws(() => codec.encode(new Writer(), v), refusedAsRepeat(what));
}

/** Encodes `v`, decodes it, and checks the bytes decode (the reader refuses no repeat) to `expected`. */
function roundTrip<T>(codec: Codec<T>, v: T, expected: unknown = v): void {
  const w = new Writer();
  codec.encode(w, v);
  const r = new Reader(w.finish().slice());
  assert.deepEqual(codec.decode(r), expected);
  r.end();
}

test('a set of two records with equal content, or a map with two such keys, is refused when written', () => {
  const items = codecs.set(itemCodec);
  encodeFails(items, new Set([{ name: 'a', count: 1 }, { name: 'a', count: 1 }]), /^repeated element in a set/);
  encodeFails(items, new Set([{ name: 'a', count: 1 }, { name: 'b', count: 2 }, { name: 'a', count: 1 }]), /^repeated element in a set/);
  const byItem = codecs.map(itemCodec, codecs.int);
  encodeFails(byItem, new Map([[{ name: 'a', count: 1 }, 1], [{ name: 'a', count: 1 }, 2]]), /^repeated key in a map/);
  // equal values are not keys: a map's values may repeat
  roundTrip(codecs.map(codecs.int, itemCodec), new Map([[1, { name: 'a', count: 1 }], [2, { name: 'a', count: 1 }]]));
  // Instants, Topics and byte arrays are objects too
  encodeFails(codecs.set(codecs.instant), new Set([new Instant(5n, 1), new Instant(5n, 1)]), /repeated element in a set/);
  encodeFails(codecs.set(codecs.topic), new Set([Topic.of('t'), Topic.of('t')]), /repeated element in a set/);
  encodeFails(codecs.set(codecs.bytes), new Set([Uint8Array.of(1, 2), Uint8Array.of(1, 2)]), /repeated element in a set/);
});

test('"?" and an unpaired surrogate are both written as ?: a set or map holding both is refused, in either order', () => {
  for (const [a, b] of [['?', '\ud800'], ['\ud800', '?'], ['\udc00', '\udbff'], ['x\ud800', 'x\udfff']]) {
    encodeFails(codecs.set(codecs.string), new Set([a, b]), /^repeated element in a set/);
    encodeFails(codecs.map(codecs.string, codecs.int), new Map([[a, 1], [b, 2]]), /^repeated key in a map/);
    encodeFails(codecs.set(codecs.nullable(codecs.string)), new Set([null, a, b]), /^repeated element in a set/);
  }
  // the same as keys of a map inside a record's list: found wherever the map is
  encodeFails(codecs.list(codecs.map(codecs.string, codecs.int)), [new Map([['a', 1]]), new Map([['?', 1], ['\ud800', 2]])], /^repeated key in a map/);
});

test('nested: a set of lists of strings that become one when sent is refused; lists that stay distinct go out', () => {
  const lists = codecs.set(codecs.list(codecs.string));
  encodeFails(lists, new Set([['a', '?'], ['a', '\ud800']]), /^repeated element in a set/);
  encodeFails(lists, new Set([['a'], ['b'], ['a']]), /^repeated element in a set/);
  roundTrip(lists, new Set([['a', '?'], ['?', 'a'], ['a', '??'], ['a', '\ud800\udc00']]));
  const sets = codecs.set(codecs.set(codecs.string));
  encodeFails(sets, new Set([new Set(['?']), new Set(['\ud800'])]), /^repeated element in a set/);
});

test('other values written alike: upper- and lower-case uuids, doubles rounded to one float', () => {
  const id = '00112233-4455-6677-8899-aabbccddeeff';
  encodeFails(codecs.set(codecs.uuid), new Set([id, id.toUpperCase()]), /^repeated element in a set/);
  encodeFails(codecs.map(codecs.uuid, codecs.int), new Map([[id.toUpperCase(), 1], [id, 2]]), /^repeated key in a map/);
  roundTrip(codecs.set(codecs.uuid), new Set([id, id.replace('a', 'b').toUpperCase()]), new Set([id, id.replace('a', 'b')]));
  encodeFails(codecs.set(codecs.float), new Set([1, 1 + 2 ** -40]), /^repeated element in a set/);
  roundTrip(codecs.set(codecs.float), new Set([1, 1.5, 0.1]), new Set([1, 1.5, Math.fround(0.1)]));
  // distinct doubles are distinct when sent
  roundTrip(codecs.set(codecs.double), new Set([1, 1 + 2 ** -40, 0.1]));
});

test('sets and maps distinct when sent go out and round-trip', () => {
  roundTrip(codecs.set(itemCodec), new Set([{ name: 'a', count: 1 }, { name: 'a', count: 2 }, { name: 'b', count: 1 }]));
  roundTrip(codecs.set(codecs.string), new Set(['?', '\ud800\udc00', 'a\ud800']), new Set(['?', '\ud800\udc00', 'a?']));
  roundTrip(codecs.map(codecs.string, codecs.string), new Map([['\ud800', '?'], ['k', '\udc00']]), new Map([['?', '?'], ['k', '?']]));
  roundTrip(codecs.set(codecs.int), new Set([1, 2, -3]));
  roundTrip(codecs.set(codecs.instant), new Set([new Instant(5n, 1), new Instant(5n, 2)]));
  roundTrip(codecs.set(codecs.optional(codecs.string)), new Set([undefined, '?', 'x']));
  // a lossy value elsewhere in the message does not make a set of plain values fail
  const w = new Writer();
  w.string('\ud800');
  codecs.set(codecs.string).encode(w, new Set(['a', '?']));
  codecs.map(codecs.string, codecs.string).encode(w, new Map([['?', '\ud800'], ['b', '\udc00']]));
  const r = new Reader(w.finish());
  assert.equal(r.string(), '?');
  assert.deepEqual(codecs.set(codecs.string).decode(r), new Set(['a', '?']));
  assert.deepEqual(codecs.map(codecs.string, codecs.string).decode(r), new Map([['?', '?'], ['b', '?']]));
  r.end();
});

test('large elements: the repeat check compares whole elements, across its scratch buffer growing', () => {
  const big = (c: string, n: number) => ({ name: c.repeat(n), count: n });
  const items = Array.from({ length: 20 }, (_, i) => big(String.fromCharCode(97 + i), 100 + 500 * i));
  roundTrip(codecs.set(itemCodec), new Set(items));
  // equal to the first but for its last byte, then equal to the last in full
  roundTrip(codecs.set(itemCodec), new Set([...items, { ...items[0]!, count: 101 }]));
  encodeFails(codecs.set(itemCodec), new Set([...items, { ...items[19]! }]), /^repeated element in a set/);
  encodeFails(codecs.set(codecs.string), new Set(['x'.repeat(70000) + '?', 'x'.repeat(70000) + '\udc00']), /^repeated element in a set/);
});

test('property: a set of strings is refused when written exactly when two of its strings are sent alike, else every reader takes it', () => {
  const asSent = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
  // few units, so that repeats as sent are common
  const unit = fc.constantFrom('?', 'a', '\ud800', '\udc00', '\udbff', '\udfff');
  const text = fc.array(unit, { maxLength: 3 }).map((u) => u.join(''));
  const items = fc.array(fc.record({ name: text, count: fc.integer({ min: 0, max: 2 }) }), { maxLength: 6 });
  fc.assert(
    fc.property(fc.array(text, { maxLength: 6 }), items, (strings, records) => {
      for (const [codec, values, key] of [
        [codecs.set(codecs.string), strings, asSent],
        [codecs.set(codecs.list(codecs.string)), strings.map((s) => [s, 'x']), (l: string[]) => l.map(asSent).join('|')],
        [codecs.set(itemCodec), records, (i: { name: string; count: number }) => `${asSent(i.name)}|${i.count}`],
      ] as [Codec<Set<unknown>>, unknown[], (v: unknown) => string][]) {
        const set = new Set(values);
        const repeats = new Set([...set].map(key)).size < set.size;
        const w = new Writer();
        try {
          codec.encode(w, set);
        } catch (e) {
          assert.ok(repeats && refusedAsRepeat(/^repeated element in a set/)(e), `refused ${String(e)}`);
          continue;
        }
        assert.ok(!repeats, 'a set with a repeat as sent went out');
        const r = new Reader(w.finish().slice());
        assert.equal(codec.decode(r).size, set.size);
        r.end();
      }
    }),
    { numRuns: 500 },
  );
});

test('optional and nullable: presence byte', () => {
  assert.equal(enc((w) => codecs.optional(codecs.int).encode(w, undefined)), '00');
  assert.equal(enc((w) => codecs.nullable(codecs.int).encode(w, null)), '00');
  assert.equal(enc((w) => codecs.nullable(codecs.int).encode(w, 0)), '0100');
  assert.equal(codecs.nullable(codecs.int).decode(new Reader(bytes('00'))), null);
  malformed('02', (r) => codecs.optional(codecs.int).decode(r), /boolean byte 2/);
});

test('@Nullable Optional<T> keeps its three values: null, empty (undefined) and a value', () => {
  const both = codecs.nullable(codecs.optional(codecs.string));
  const cases: [string | undefined | null, string][] = [
    [null, '00'],
    [undefined, '01 00'],
    ['x', '01 01 01 78'],
  ];
  for (const [v, hex] of cases) {
    assert.equal(enc((w) => both.encode(w, v)), hex.replaceAll(' ', ''), String(v));
    assert.equal(both.decode(new Reader(bytes(hex))), v, hex);
  }
});

test('records are length-delimited: 0 for the empty record, 2 length bytes past 127 content bytes', () => {
  assert.equal(enc((w) => w.endLength(w.beginLength())), '00');
  assert.equal(enc((w) => itemCodec.encode(w, { name: 'ab', count: 1 })), '0402616202');
  for (const n of [125, 126, 127, 128, 16381, 16382, 16383, 16384]) {
    const item = { name: 'x'.repeat(n), count: -1 };
    const b = bytes(enc((w) => (w.int(7), itemCodec.encode(w, item), w.int(8))));
    const r = new Reader(b);
    assert.equal(r.int(), 7);
    assert.deepEqual(itemCodec.decode(r), item);
    assert.equal(r.int(), 8);
    r.end();
  }
});

// Item v2 = Item(name, count, tags: list<string>): a newer writer's record.
const itemV2: Codec<{ name: string; count: number; tags: string[] }> = {
  encode(w, v) {
    const m = w.beginLength();
    w.string(v.name);
    w.int(v.count);
    codecs.list(codecs.string).encode(w, v.tags);
    w.endLength(m);
  },
  decode(r) {
    r.enter();
    const s = r.pushLimit();
    const name = r.more() ? r.string() : '';
    const count = r.more() ? r.int() : 42; // @Default("42")
    const tags = r.more() ? codecs.list(codecs.string).decode(r) : [];
    r.popLimit(s);
    r.exit();
    return { name, count, tags };
  },
};

test('evolution: a shorter reader skips appended components; a longer reader defaults missing ones', () => {
  const v2 = bytes(enc((w) => (itemV2.encode(w, { name: 'n', count: 3, tags: ['a', 'b'] }), w.int(-1))));
  const r = new Reader(v2);
  assert.deepEqual(itemCodec.decode(r), { name: 'n', count: 3 });
  assert.equal(r.int(), -1, 'reading continues after the record');
  r.end();
  const v1 = bytes(enc((w) => itemCodec.encode(w, { name: 'n', count: 0 })));
  assert.deepEqual(itemV2.decode(new Reader(v1)), { name: 'n', count: 0, tags: [] });
  const empty = new Reader(bytes('00'));
  assert.deepEqual(itemV2.decode(empty), { name: '', count: 42, tags: [] }, '@Default applies when the component is absent');
});

test('evolution: a component running past its record is truncated; a length past the message is malformed', () => {
  malformed('02 05 61', (r) => itemCodec.decode(r), /truncated: needed 5 more bytes, 1 left/);
  malformed('05 01 61', (r) => itemCodec.decode(r), /truncated: needed 5 more bytes, 2 left/);
  malformed('01 80', (r) => itemCodec.decode(r), /truncated varint/);
});

test('sealed: tag, then the content length-delimited; an unknown tag without fallback names the type', () => {
  assert.equal(enc((w) => evCodec.encode(w, { $type: 'Dec', by: 2 })), '010104');
  assert.deepEqual(evCodec.decode(new Reader(bytes('010104'))), { $type: 'Dec', by: 2 });
  assert.deepEqual(evCodec.decode(new Reader(bytes('0103040506'))), { $type: 'Dec', by: 2 }, 'appended content skipped');
  const r = new Reader(bytes('07 02 0102'));
  assert.throws(
    () => evCodec.decode(r),
    (e: unknown) => e instanceof RpcError && /unknown tag 7 of sealed counter.Ev/.test(e.message) && (e as { unknownCase?: boolean }).unknownCase === true,
  );
});

test('an enum ordinal the reader does not know, without fallback: malformed and marked as an unknown case', () => {
  const color: Codec<'RED' | 'GREEN'> = {
    encode: (w, v) => w.varint(v === 'RED' ? 0 : 1),
    decode(r) {
      const o = r.tag(2, 'x.Color');
      if (o >= 2) throw r.malformed(`unknown ordinal ${o} of enum x.Color (a newer peer's constant: mark a constant @Fallback to accept it)`);
      return o === 0 ? 'RED' : 'GREEN';
    },
  };
  assert.equal(color.decode(new Reader(bytes('01'))), 'GREEN');
  assert.throws(
    () => color.decode(new Reader(bytes('05'))),
    (e: unknown) => e instanceof RpcError && /unknown ordinal 5 of enum x.Color/.test(e.message) && (e as { unknownCase?: boolean }).unknownCase === true,
  );
  // a truncated value right after a known ordinal is not an unknown case
  const r = new Reader(bytes('01'));
  color.decode(r);
  assert.throws(() => r.int(), (e: unknown) => !(e as { unknownCase?: boolean }).unknownCase);
});

test('an unknown case decoded to a fallback, then trailing bytes: malformed, not an unknown case', () => {
  const withFallback: Codec<string> = {
    encode() {},
    decode(r) {
      const t = r.tag(1, 'x.S');
      const s = r.pushLimit();
      r.popLimit(s);
      return t >= 1 ? 'FALLBACK' : 'A';
    },
  };
  const r = new Reader(bytes('05 01 00 07'));
  assert.equal(withFallback.decode(r), 'FALLBACK');
  assert.throws(
    () => r.end('EVENT'),
    (e: unknown) => e instanceof RpcError && /1 unexpected trailing bytes after EVENT/.test(e.message) && !(e as { unknownCase?: boolean }).unknownCase,
  );
});

test('nesting deeper than 64 records is malformed', () => {
  type Node = { next: Node | null };
  const node: Codec<Node> = {
    encode(w, v) {
      const m = w.beginLength();
      codecs.nullable(node).encode(w, v.next);
      w.endLength(m);
    },
    decode(r) {
      r.enter();
      const s = r.pushLimit();
      const next = r.more() ? codecs.nullable(node).decode(r) : null;
      r.popLimit(s);
      r.exit();
      return { next };
    },
  };
  const chain = (n: number): Node => (n === 1 ? { next: null } : { next: chain(n - 1) });
  const ok = bytes(enc((w) => node.encode(w, chain(64))));
  node.decode(new Reader(ok));
  const deep = bytes(enc((w) => node.encode(w, chain(65))));
  malformed(hex(deep), (r) => node.decode(r), /values nested deeper than 64/);
});

test('end() reports trailing bytes', () => {
  malformed('0000', (r) => r.int(), /1 unexpected trailing bytes after the value/);
});

test('SHA-256 of the FIPS 180-2 examples', () => {
  const h = (s: string): string => hex(sha256(new TextEncoder().encode(s)));
  assert.equal(h(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(h('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(h('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.equal(h('a'.repeat(1_000_000)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  for (const n of [55, 56, 63, 64, 119, 120]) {
    assert.equal(h('x'.repeat(n)), require_hash('x'.repeat(n)), `length ${n}`);
  }
});

import { createHash } from 'node:crypto';
function require_hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
