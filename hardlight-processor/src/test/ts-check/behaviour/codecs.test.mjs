// Runs the generated codecs (compiled by tsc) against the runtime: bytes from docs/protocol.md section 5
// and the evolution format (length-delimited records and sealed cases, defaults, skipping, fallbacks).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as hl from '@hardlight/client';
import { ItemCodec, OutOfStock, ShapeCodec as ShopShapeCodec, ColorCodec, ShopService } from '../gen/shop/Shop.js';
import { CounterService } from '../gen/counter/Counter.js';
import {
  CollectionsCodec,
  Every_HappeningCodec,
  EveryService,
  KeywordsCodec,
  LevelCodec,
  ScalarsCodec,
  ShapeCodec,
  TreeCodec,
  VersionedCodec,
} from '../gen/every/Every.js';

const hex = (s) => Uint8Array.from(s.split(/\s+/).filter((x) => x).map((b) => parseInt(b, 16)));
const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

function encode(codec, value) {
  const w = new hl.Writer();
  codec.encode(w, value);
  return w.finish();
}

function decode(codec, bytes) {
  const r = new hl.Reader(bytes);
  const v = codec.decode(r);
  r.end();
  return v;
}

const APPLE = '05 61 70 70 6c 65';

test('a record is its length, then its components', () => {
  assert.equal(toHex(encode(ItemCodec, { name: 'apple', count: 3, color: 'GREEN' })), `09 ${APPLE} 06 01 01`);
  assert.deepEqual(decode(ItemCodec, hex(`09 ${APPLE} 06 01 01`)), { name: 'apple', count: 3, color: 'GREEN' });
});

test('components an older peer did not send take their zero values', () => {
  assert.deepEqual(decode(ItemCodec, hex('00')), { name: '', count: 0, color: null });
  assert.deepEqual(decode(ItemCodec, hex(`06 ${APPLE}`)), { name: 'apple', count: 0, color: null });
});

test('components a newer peer appended are skipped, and reading goes on after the record', () => {
  const r = new hl.Reader(hex(`0b ${APPLE} 06 01 01 7f 7f 2a`));
  assert.deepEqual(ItemCodec.decode(r), { name: 'apple', count: 3, color: 'GREEN' });
  assert.equal(r.int(), 21);
  r.end();
});

test('a component running past the record is malformed', () => {
  assert.throws(() => decode(ItemCodec, hex('03 05 61 70 70 6c 65')), hl.RpcError);
});

test('a record of 128 content bytes or more has a two-byte length', () => {
  const item = { name: 'n'.repeat(200), count: 1, color: null };
  const bytes = encode(ItemCodec, item);
  assert.equal(toHex(bytes.subarray(0, 4)), 'cc 01 c8 01');
  assert.equal(bytes.length, 206);
  assert.deepEqual(decode(ItemCodec, bytes), item);
});

test('a sealed value is its tag, the length of its case, then the case', () => {
  assert.equal(toHex(encode(ShopShapeCodec, { $type: 'Circle', radius: 1.5 })), '00 08 00 00 00 00 00 00 f8 3f');
  assert.deepEqual(decode(ShopShapeCodec, hex('01 08 00 00 00 00 00 00 f0 3f')), { $type: 'Square', side: 1 });
  assert.equal(toHex(encode(ShapeCodec, { $type: 'Color', value: 'GREEN' })), '03 01 01');
  const triangle = { $type: 'Polygon', value: { $type: 'every.Polygon.Other.Triangle', base: 1, height: 2 } };
  const bytes = encode(ShapeCodec, triangle);
  assert.equal(toHex(bytes), '04 12 01 10 00 00 00 00 00 00 f0 3f 00 00 00 00 00 00 00 40');
  assert.deepEqual(decode(ShapeCodec, bytes), triangle);
});

test('an unknown tag without a fallback is malformed, naming the type', () => {
  assert.throws(() => decode(ShopShapeCodec, hex('05 02 aa bb')), (e) => {
    assert.ok(e instanceof hl.RpcError);
    assert.match(e.message, /unknown tag 5 of sealed shop\.Shape \(a newer peer's subtype/);
    return true;
  });
});

test('an unknown tag with a fallback skips the case and gives the fallback with its defaults', () => {
  const r = new hl.Reader(hex('09 03 01 02 03 2a'));
  assert.deepEqual(ShapeCodec.decode(r), { $type: 'Unknown', note: '?' });
  assert.equal(r.int(), 21);
});

test('an unknown ordinal gives the fallback constant, or is malformed without one', () => {
  assert.equal(decode(LevelCodec, hex('09')), 'UNKNOWN');
  assert.equal(decode(LevelCodec, hex('02')), 'HIGH');
  assert.throws(() => decode(ColorCodec, hex('03')), /unknown ordinal 3 of enum shop\.Color/);
});

test('@Default values stand for components a peer did not send', () => {
  // a writer that knew only count (1) and chain (End: tag 1, empty)
  assert.deepEqual(decode(VersionedCodec, hex('03 02 01 00')), {
    count: 1, chain: { $type: 'End' }, retries: 7, greeting: 'hello */ \'you\' \\ "\u00fc"', level: 'HIGH', on: true, ratio: Math.fround(0.1),
    tiny: -1e300, big: -9000000000n, letter: 'x', small: -3, note: null,
  });
  assert.throws(() => decode(VersionedCodec, hex('01 02')),
    /missing chain of type every\.Chain, which has no zero value to default to/);
  const v = {
    count: 1, chain: { $type: 'Link', next: { $type: 'End' } }, retries: 2, greeting: 'hi', level: 'LOW', on: false,
    ratio: 0.5, tiny: 1, big: 3n, letter: 'y', small: 4, note: 'n',
  };
  assert.deepEqual(decode(VersionedCodec, encode(VersionedCodec, v)), v);
});

test('values of every wire type come back equal', () => {
  const scalars = {
    text: 'héllo \u{1F600}', bytes: hex('00 ff 10'), at: hl.Instant.ofEpochMilli(1_795_478_400_500),
    took: hl.Duration.ofMillis(-1500), id: '123e4567-e89b-12d3-a456-426614174000', topic: hl.Topic.of('room-1'),
    prims: { z: true, b: -128, s: -32768, c: '\uffff', i: -2147483648, l: -(2n ** 63n), f: 0.5, d: -0 },
    boxes: { z: false, b: 127, s: 32767, c: 'a', i: 2147483647, l: 2n ** 63n - 1n, f: Infinity, d: NaN, maybe: 5n },
    nick: 'nick', maybeLevel: null,
  };
  assert.deepEqual(decode(ScalarsCodec, encode(ScalarsCodec, scalars)), scalars);
  const collections = {
    list: ['a', 'b'], set: new Set([1, -1]), map: new Map([['x', 'LOW'], ['y', 'UNKNOWN']]),
    nested: new Map([[-1n, [{ $type: 'Group', members: [{ $type: 'Circle', radius: 1 }] }]]]), opt: 'o',
    optTree: undefined, strings: [''], levels: ['MID'], ints: [0, 1], longs: [1n], bools: [true, false],
    shorts: [-1], chars: ['\u0000'], floats: [1.5], doubles: [Math.PI], grid: [[1], [], [2, 3]],
    blobs: [new Uint8Array(0), hex('01')], maybes: [undefined, 'm'], levelSet: new Set(['HIGH']),
    nullableList: [1], both: undefined,
  };
  assert.deepEqual(decode(CollectionsCodec, encode(CollectionsCodec, collections)), collections);
  assert.deepEqual(decode(CollectionsCodec, hex('00')), {
    list: [], set: new Set(), map: new Map(), nested: new Map(), opt: undefined, optTree: undefined, strings: [],
    levels: [], ints: [], longs: [], bools: [], shorts: [], chars: [], floats: [], doubles: [], grid: [], blobs: [],
    maybes: [], levelSet: new Set(), nullableList: null, both: null,
  });
  // @Nullable Optional<String>: null, empty (undefined) and a value are three different values
  for (const both of [null, undefined, 'b']) {
    const c = { ...collections, both };
    assert.deepEqual(decode(CollectionsCodec, encode(CollectionsCodec, c)), c, String(both));
  }
  const keywords = { in: 1, delete: 'x', r: 2n, typeof: true, constructor: 3 };
  assert.deepEqual(decode(KeywordsCodec, encode(KeywordsCodec, keywords)), keywords);
  assert.deepEqual(decode(Every_HappeningCodec, hex('02 01 01')), { $type: 'Tick', value: 'MINUTE' });
});

test('recursive records nest up to the limit of 64', () => {
  let tree = { value: 0, children: [], parent: null };
  for (let i = 1; i < 64; i++) tree = { value: i, children: [tree], parent: null };
  assert.deepEqual(decode(TreeCodec, encode(TreeCodec, tree)), tree);
  const deeper = { value: 64, children: [], parent: tree };
  assert.throws(() => decode(TreeCodec, encode(TreeCodec, deeper)), /nested deeper than 64/);
});

test('method descriptions encode the arguments and create the declared errors', async () => {
  const restock = ShopService.methods[3];
  assert.equal(restock.name, 'restock');
  assert.equal(restock.requires, 'authenticated');
  const w = new hl.Writer();
  restock.encodeArgs(w, ['apple', 3]);
  assert.equal(toHex(w.finish()), `${APPLE} 06`);
  const e = restock.errors[0].create('no apples');
  assert.ok(e instanceof OutOfStock && e instanceof hl.ApplicationError && e instanceof hl.RpcError);
  assert.equal(e.name, 'OutOfStock');
  assert.equal(e.message, 'no apples');
  assert.equal(e.status, hl.Status.APPLICATION_ERROR);
  assert.equal(EveryService.methods.find((m) => m.name === 'initial').idempotent, true);
  for (const service of [ShopService, CounterService, EveryService]) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(service.schema)));
    assert.deepEqual(digest, service.fingerprint);
  }
});

test('the state applies a delta at once and keeps what did not change', () => {
  const state = CounterService.state;
  const initial = state.initial;
  assert.equal(toHex(encode(state.codec, initial)), '10 ' + '00 '.repeat(12) + '02 00 00 00');
  const next = state.apply(initial, new Map([[0, 5], [1, 'ann']]));
  assert.deepEqual(next, { ...initial, count: 5, user: 'ann' });
  assert.equal(next.history, initial.history);
  assert.equal(state.fields.length, 7);
  const w = new hl.Writer();
  state.fields[1].encode(w, 'bo');
  assert.equal(toHex(w.finish()), '01 02 62 6f');
});
