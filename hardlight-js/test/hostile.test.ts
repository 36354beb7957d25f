// The client rows of docs/protocol.md section 4.1, each driven by the exact bytes of a scripted server
// over a real WebSocket, with the outcome the Java client has (HostileInputTest): the close code and
// reason the server receives, what pending calls see, and that state and events are untouched.

import assert from 'node:assert/strict';
import { Client, Status, Writer, decodeFrame, encodeFrame } from './runtime.js';
import { Counter, get, increment } from './counter.js';
import { FakeServer, hello, options } from './fake-server.js';
import type { HelloSpec } from './fake-server.js';
import { connected, rejects, t } from './harness.js';
import { createHash } from 'node:crypto';

/** The promise, with its rejection handled now (checked later with rejects()). */
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

const b = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/**
 * Sends `bytes` to a connected client with a call pending and asserts the client closed the
 * connection with `code` and a reason matching `reason`, failing the pending call with CONNECTION_LOST.
 */
async function violation(bytes: Uint8Array | string, code: number, reason: RegExp, h: HelloSpec = {}): Promise<void> {
  const { server, peer, client } = await connected(h);
  try {
    const heard: unknown[] = [];
    client.onEvent((e) => heard.push(e));
    const before = client.state;
    const pending = settled(client.call(increment, [1]));
    await peer.call();
    if (typeof bytes === 'string') peer.sendText(bytes);
    else peer.send(bytes);
    const closed = await peer.closed;
    assert.equal(closed.code, code, `close code for ${typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('hex')}: ${closed.reason}`);
    assert.match(closed.reason, reason);
    assert.ok(closed.reason.length <= 100);
    const e = await rejects(pending, Status.CONNECTION_LOST, 'was closed by this client: the server broke the protocol (' + code);
    assert.ok(e.message.includes(closed.reason.replace(/\.\.\.$/, '')), e.message);
    await rejects(client.call(get, []), Status.CONNECTION_LOST, 'the server broke the protocol');
    assert.equal(client.state, before, 'the state is unchanged');
    assert.equal(heard.length, 0, 'nothing delivered');
  } finally {
    await client.close();
    await server.stop();
  }
}

t('textFrameClosesWith1003 (transport row)', () => violation('hello', 1003, /text message/));

t('a message larger than the client\'s maxMessageSize closes with 1009 (transport row)', async (cleanup) => {
  const { server, peer, client } = await connected({}, { maxMessageSize: 300 });
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = settled(client.call(get, []));
  await peer.call();
  peer.send(new Uint8Array(301).fill(3));
  const closed = await peer.closed;
  assert.equal(closed.code, 1009);
  assert.match(closed.reason, /message of 301 bytes \(this client accepts at most 300\)/);
  await rejects(p, Status.CONNECTION_LOST, 'the server broke the protocol (1009');
});

t('emptyMessage', () => violation(new Uint8Array(0), 1002, /^empty message$/));

t('unknownFrameType', async () => {
  await violation(b('00'), 1002, /^unknown frame type 0x00$/);
  await violation(b('10'), 1002, /^unknown frame type 0x10$/);
  await violation(b('ff 01'), 1002, /^unknown frame type 0xff$/);
});

t('wrongDirectionType', async () => {
  await violation(b('02 00 00'), 1002, /^CALL is a client-to-server frame$/);
  await violation(b('0b 00 00 01 01 61 01 62'), 1002, /^CALL_META is a client-to-server frame$/);
  await violation(b('05 00'), 1002, /^CANCEL is a client-to-server frame$/);
});

t('truncatedHeader', async () => {
  await violation(b('03'), 1002, /^RESULT: malformed message: truncated varint$/);
  await violation(b('04 00'), 1002, /^ERROR: malformed message: truncated varint$/);
  await violation(b('04 00 0d 05 61'), 1002, /^ERROR: malformed message: truncated: needed 5 more bytes, 1 left$/);
});

t('badVarintOverlong', () => violation(b('03 80 00'), 1002, /^RESULT: malformed message: overlong varint$/));

t('badVarintTooLong', () => violation(b('03 ff ff ff ff ff 01'), 1002, /^RESULT: malformed message: varint longer than 5 bytes$/));

t('badVarintBeyond31Bits', async () => {
  await violation(b('03 80 80 80 80 08'), 1002, /^RESULT: malformed message: varint exceeds 31 bits$/);
  await violation(b('06 80 80 80 80 08'), 1002, /^STATE_DELTA: malformed message: varint exceeds 31 bits$/);
});

t('malformedStateDelta: count 0, not increasing, bad value, trailing bytes; the state is unchanged', async () => {
  const h = { state: { count: 5, user: 'ann' } };
  await violation(b('06 00'), 1002, /^STATE_DELTA: malformed message: STATE_DELTA with 0 fields \(expected: >= 1\)$/, h);
  await violation(b('06 02 01 00 00 02'), 1002, /^STATE_DELTA: malformed message: state field index 0 after 1 \(expected: strictly increasing\)$/, h);
  await violation(b('06 02 00 02 00 02'), 1002, /^STATE_DELTA: .*state field index 0 after 0/, h);
  await violation(b('06 02 00 02 01 05'), 1002, /^STATE_DELTA: malformed message: boolean byte 5/, h);
  await violation(b('06 01 00 02 00'), 1002, /^STATE_DELTA: malformed message: 1 unexpected trailing bytes after STATE_DELTA$/, h);
  await violation(b('06 03 00 02'), 1002, /^STATE_DELTA: malformed message: truncated varint$/, h);
  await violation(b('06 01 00'), 1002, /^STATE_DELTA: malformed message: truncated varint$/, h);
});

t('malformedFeatures: not sorted, repeated, bad name, truncated, trailing bytes', async () => {
  const f = (names: string[], tail = ''): Uint8Array => {
    const w = new Writer();
    w.varint(8);
    w.count(names.length);
    for (const n of names) w.string(n);
    return b(Buffer.from(w.finish()).toString('hex') + tail);
  };
  await violation(f(['b', 'a']), 1002, /^FEATURES: malformed message: feature names not sorted and unique$/);
  await violation(f(['a', 'a']), 1002, /^FEATURES: malformed message: feature names not sorted and unique$/);
  await violation(f(['no spaces']), 1002, /^FEATURES: malformed message: feature name 'no spaces'/);
  await violation(f(['']), 1002, /^FEATURES: malformed message: feature name ''/);
  await violation(f(['x'.repeat(65)]), 1002, /^FEATURES: malformed message: feature name/);
  await violation(b('08 03 01 61'), 1002, /^FEATURES: malformed message: truncated: needed 3 more bytes, 2 left$/);
  await violation(b('08 02 01 61'), 1002, /^FEATURES: malformed message: truncated varint$/);
  await violation(b('08 01 05 61'), 1002, /^FEATURES: malformed message: truncated/);
  await violation(f(['a'], '00'), 1002, /^FEATURES: malformed message: 1 unexpected trailing bytes after the feature set$/);
});

t('malformedEvent: topic over 1024 bytes, bad payload, trailing bytes; nothing delivered', async () => {
  const topic = new Writer();
  topic.varint(7);
  topic.varint(1025);
  topic.raw(new Uint8Array(1025));
  await violation(topic.finish(), 1002, /^EVENT: malformed message: topic of 1025 bytes \(expected: <= 1024\)$/);
  await violation(b('07 01 74 00 05 02'), 1002, /^EVENT: malformed message: truncated: needed 5 more bytes, 1 left$/);
  await violation(b('07 01 74 00 01 02 00'), 1002, /^EVENT: malformed message: 1 unexpected trailing bytes after EVENT$/);
  await violation(b('07 01 74'), 1002, /^EVENT: malformed message: truncated varint$/);
  await violation(b('07 05 74'), 1002, /^EVENT: malformed message: truncated/);
});

t('badEventMetadata: count 0, bad key, repeated key, truncated, over 32 entries; nothing delivered', async () => {
  await violation(b('0e 01 74 00 01 02'), 1002, /^EVENT_META: malformed message: bad metadata: count 0$/);
  await violation(b('0e 01 74 01 01 41 01 62 01 02'), 1002, /^EVENT_META: malformed message: bad metadata: key 'A'$/);
  await violation(b('0e 01 74 02 01 61 01 62 01 61 01 63 01 02'), 1002, /^EVENT_META: malformed message: bad metadata: key 'a'$/);
  await violation(b('0e 01 74 01 01 61'), 1002, /^EVENT_META: malformed message: truncated/);
  await violation(b('0e 01 74 21 01 61 01 62'), 1002, /^EVENT_META: malformed message: bad metadata: count 33$/);
});

t('malformedEventsMissed: count 0, beyond 31 bits, truncated, trailing bytes', async () => {
  await violation(b('0a 00'), 1002, /^EVENTS_MISSED: malformed message: EVENTS_MISSED of 0$/);
  await violation(b('0a 8080808008'), 1002, /^EVENTS_MISSED: malformed message: varint exceeds 31 bits$/); // 2^31
  await violation(b('0a'), 1002, /^EVENTS_MISSED: malformed message: truncated varint$/);
  await violation(b('0a 01 00'), 1002, /^EVENTS_MISSED: malformed message: 1 unexpected trailing bytes after EVENTS_MISSED$/);
});

t('malformedGoAway: truncated, invalid UTF-8, trailing bytes', async () => {
  await violation(b('09 05 61'), 1002, /^GO_AWAY: malformed message: truncated/);
  await violation(b('09 02 c0 80'), 1002, /^GO_AWAY: malformed message: invalid UTF-8 in a string$/);
  await violation(b('09 01 61 00'), 1002, /^GO_AWAY: malformed message: 1 unexpected trailing bytes after GO_AWAY$/);
});

t('secondGoAway: the first is fine, the second is a violation', async () => {
  const { server, peer, client } = await connected();
  try {
    const pending = settled(client.call(increment, [1]));
    await peer.call();
    peer.goAway('a');
    peer.goAway('b');
    const closed = await peer.closed;
    assert.deepEqual([closed.code, closed.reason], [1002, 'second GO_AWAY']);
    await rejects(pending, Status.CONNECTION_LOST, 'the server broke the protocol (1002 second GO_AWAY)');
  } finally {
    await client.close();
    await server.stop();
  }
});

t('malformedError: truncated, trailing bytes', async () => {
  await violation(b('04 00 02 00'), 1002, /^ERROR: malformed message: truncated varint$/);
  await violation(b('04 00 02 00 00 00'), 1002, /^ERROR: malformed message: 1 unexpected trailing bytes after ERROR$/);
});

t('errorWithUnknownStatusOrDeclaredIndex: not a violation', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(increment, [1]);
  await peer.call();
  peer.send(b('04 00 63 01 78 00'));
  await rejects(p, Status.UNKNOWN, /^x$/);
  const q = client.call(increment, [1]);
  await peer.call();
  peer.send(b('04 00 14 01 79 07'));
  await rejects(q, Status.APPLICATION_ERROR, /^y$/);
  const r = client.call(get, []);
  await peer.call();
  peer.resultInt(0, 1);
  assert.equal(await r, 1, 'the connection stays open');
});

t('call metadata: CALL_META with the caller\'s metadata, response metadata told before the call settles', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  let told: unknown;
  const metadata = { 'request-id': '42', 'tag-bin': Uint8Array.of(0xca, 0xfe) };
  const p = client.call(increment, [1], { metadata, onMetadata: (m) => (told = m) });
  const sent = decodeFrame(await peer.next());
  assert.equal(sent.type, 11);
  assert.deepEqual(sent.type === 11 && sent.metadata, metadata);
  const value = new Writer();
  value.int(7);
  peer.send(encodeFrame({ type: 12, callId: 0, metadata: { 'served-by': 'fake' }, value: value.finish() }));
  assert.equal(await p, 7);
  assert.deepEqual(told, { 'served-by': 'fake' });
  // Without metadata: the plain CALL, byte for byte.
  const q = client.call(increment, [1], { metadata: {} });
  assert.equal((await peer.call()).id, 0);
  peer.send(encodeFrame({ type: 13, callId: 0, metadata: { 'retry-after-ms': '5' }, status: 8, message: 'slow down', declared: 0 }));
  await rejects(q, Status.RESOURCE_EXHAUSTED, 'slow down');
});

t('badResponseMetadata: that call fails PROTOCOL_ERROR, the connection stays open', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(increment, [1]);
  await peer.call();
  peer.send(b('0c 00 01 01 41 01 62 02')); // key 'A'
  await rejects(p, Status.PROTOCOL_ERROR, "bad response metadata for increment: malformed message: bad metadata: key 'A'");
  const q = client.call(increment, [1]);
  await peer.call();
  peer.send(b('0d 00 21')); // 33 entries
  await rejects(q, Status.PROTOCOL_ERROR, 'bad response metadata for increment: malformed message: bad metadata: count 33');
  const r = client.call(get, []);
  assert.equal((await peer.call()).id, 0, 'the failed calls freed their ids');
  peer.resultInt(0, 1);
  assert.equal(await r, 1);
});

t('undecodableResultValue: that call fails PROTOCOL_ERROR, the connection stays open', async (cleanup) => {
  const { server, peer, client } = await connected();
  cleanup(() => server.stop());
  cleanup(() => client.close());
  const p = client.call(increment, [1]);
  await peer.call();
  peer.send(b('03 00 80'));
  await rejects(p, Status.PROTOCOL_ERROR, 'cannot decode the result of increment: malformed message: truncated varint');
  const q = client.call(increment, [1]);
  await peer.call();
  peer.send(b('03 00 02 00'));
  await rejects(q, Status.PROTOCOL_ERROR, 'cannot decode the result of increment: malformed message: 1 unexpected trailing bytes after the result of increment');
  const r = client.call(get, []);
  assert.equal((await peer.call()).id, 0, 'the failed calls freed their ids');
  peer.resultInt(0, 1);
  assert.equal(await r, 1);
});

t('answerForIdNotInFlight: never used, beyond the limit, already answered', async () => {
  await violation(b('03 07 02'), 1002, /^RESULT for call id 7 not in flight$/);
  await violation(b('04 05 0d 00 00'), 1002, /^ERROR for call id 5 not in flight$/);
  await violation(b('03 ac 02 02'), 1002, /^RESULT for call id 300 not in flight$/, { maxInFlight: 256 });
  const { server, peer, client } = await connected();
  try {
    const p = client.call(increment, [1]);
    const q = settled(client.call(increment, [2]));
    await peer.call();
    await peer.call();
    peer.resultInt(0, 1);
    peer.resultInt(0, 1);
    assert.equal(await p, 1);
    const closed = await peer.closed;
    assert.deepEqual([closed.code, closed.reason], [1002, 'RESULT for call id 0 not in flight']);
    await rejects(q, Status.CONNECTION_LOST, 'RESULT for call id 0 not in flight');
  } finally {
    await client.close();
    await server.stop();
  }
});

t('secondHello', () => violation(hello(), 1002, /^second HELLO$/));

t('firstFrameNotAValidHello: another frame, malformed, another version (1002); another service (1000 and INCOMPATIBLE)', async () => {
  const cases: [Uint8Array, number, RegExp, Status][] = [
    [b('03 00 02'), 1002, /^expected HELLO as the first frame, got RESULT$/, Status.UNAVAILABLE],
    [b('10'), 1002, /^expected HELLO as the first frame, got 0x10$/, Status.UNAVAILABLE],
    [new Uint8Array(0), 1002, /^empty message$/, Status.UNAVAILABLE],
    [hello().subarray(0, 20), 1002, /^HELLO: malformed message: truncated/, Status.UNAVAILABLE],
    [b(Buffer.from(hello()).toString('hex') + '00'), 1002, /^HELLO: malformed message: 1 unexpected trailing bytes after HELLO$/, Status.UNAVAILABLE],
    [hello({ version: 2 }), 1002, /^server speaks protocol version 2, this client 1$/, Status.UNAVAILABLE],
    [hello({ maxInFlight: 0 }), 1002, /^HELLO: maxInFlight 0$/, Status.UNAVAILABLE],
    [hello({ features: ['a b'] }), 1002, /^HELLO features: malformed message: feature name 'a b'/, Status.UNAVAILABLE],
    [hello({ service: 'Shop' }), 1000, /^incompatible contract$/, Status.INCOMPATIBLE],
  ];
  for (const [bytes, code, reason, status] of cases) {
    const server = await FakeServer.start();
    try {
      const p = settled(Client.connect(server.url, Counter, options()));
      const peer = await server.next();
      peer.send(bytes);
      const closed = await peer.closed;
      assert.equal(closed.code, code, closed.reason);
      assert.match(closed.reason, reason);
      const e = await rejects(p, status, status === Status.INCOMPATIBLE ? "the server serves 'Shop', this client was generated for 'Counter'" : 'the server broke the protocol: ');
      if (status !== Status.INCOMPATIBLE) assert.ok(e.message.includes(closed.reason.replace(/\.\.\.$/, '')), e.message);
    } finally {
      await server.stop();
    }
  }
});

t('a HELLO state snapshot that cannot be decoded is a violation', async () => {
  const server = await FakeServer.start();
  try {
    const p = settled(Client.connect(server.url, Counter, options()));
    const peer = await server.next();
    const bad = new Writer();
    bad.raw(Uint8Array.of(0x5e, 0xed, 0, 0, 0, 0, 0, 1));
    bad.raw(b('05 02'));
    peer.send(hello({ state: null, extra: [{ tag: 1, bytes: bad.finish().slice() }] }));
    const closed = await peer.closed;
    assert.deepEqual([closed.code, closed.reason], [1002, 'HELLO state: malformed message: truncated: needed 5 more bytes, 1 left']);
    await rejects(p, Status.UNAVAILABLE, 'the server broke the protocol: HELLO state');
  } finally {
    await server.stop();
  }
});

t('a codec failing on a frame (not only malformed input) closes the connection as a violation; nothing escapes', async (cleanup) => {
  const spec = { ...Counter, state: { ...Counter.state!, apply: () => { throw new TypeError('apply failed'); } } };
  const { server, peer, client } = await connected({}, {}, spec);
  cleanup(() => server.stop());
  cleanup(() => client.close());
  peer.stateDelta([[0, (w) => w.int(1)]]);
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [1002, 'STATE_DELTA: apply failed']);
  assert.deepEqual(client.state, { count: 0, user: null });
});

t('helloSchemaMustMatchItsFingerprint: a schema text that is not one (its SHA-256 matching) is a violation', async (cleanup) => {
  const server = await FakeServer.start();
  cleanup(() => server.stop());
  const text = 'service Counter\nwidget x\n';
  const p = settled(Client.connect(server.url, Counter, options()));
  const peer = await server.next();
  peer.send(hello({ schema: text, fingerprint: Uint8Array.from(createHash('sha256').update(text).digest()) }));
  const closed = await peer.closed;
  assert.deepEqual([closed.code, closed.reason], [1002, "HELLO schema: schema line 'widget x' is not understood"]);
  await rejects(p, Status.UNAVAILABLE, 'the server broke the protocol: HELLO schema');
});
