import { RpcError, Status, statusOf } from './status.js';
import { Topic } from './values.js';
import { encodeUtf8 } from './utf8.js';
import { Reader, Writer } from './wire.js';

// The frames of protocol.md section 3: one parser and one encoder per frame, used by the client and
// by the tests (golden vectors).

export const FrameType = {
  HELLO: 1,
  CALL: 2,
  RESULT: 3,
  ERROR: 4,
  CANCEL: 5,
  STATE_DELTA: 6,
  EVENT: 7,
  FEATURES: 8,
  GO_AWAY: 9,
  EVENTS_MISSED: 10,
  CALL_META: 11,
  RESULT_META: 12,
  ERROR_META: 13,
  EVENT_META: 14,
  BATCH: 15,
} as const;

const NAMES = ' HELLO CALL RESULT ERROR CANCEL STATE_DELTA EVENT FEATURES GO_AWAY EVENTS_MISSED CALL_META RESULT_META ERROR_META EVENT_META BATCH'.split(' ');

/** Per-call (and per-event, EVENT_META) metadata (protocol.md 3.2.1): keys of a-z 0-9 - _ . ; keys ending in -bin hold bytes, others strings. */
export type Metadata = Record<string, string | Uint8Array>;

/** Reads a metadata block: 1..32 entries, valid unique keys, at most 8192 bytes; throws the reader's malformed error. */
export function readMetadata(r: Reader): Metadata {
  const md: Metadata = {};
  let n = r.varint(),
    size = 0;
  if (n < 1 || n > 32) throw r.malformed('bad metadata: count ' + n);
  while (n--) {
    const k = r.string();
    const v = k.endsWith('-bin') ? r.bytes() : r.string();
    if (!/^[a-z0-9._-]+$/.test(k) || Object.hasOwn(md, k)) throw r.malformed(`bad metadata: key '${k}'`);
    if ((size += k.length + (typeof v == 'string' ? encodeUtf8(v) : v).length) > 8192) throw r.malformed('bad metadata: over 8192 bytes');
    md[k] = v;
  }
  return md;
}

/** Writes a non-empty metadata block as given: the server checks it (protocol.md 3.2.1). */
export function writeMetadata(w: Writer, md: Metadata): void {
  const keys = Object.keys(md);
  w.varint(keys.length);
  for (const k of keys) {
    const v = md[k]!;
    w.string(k);
    if (typeof v == 'string') w.string(v);
    else w.bytes(v);
  }
}

/** A frame type's name, or its number as `0x..` when unknown. */
export function frameName(type: number): string {
  return NAMES[type] || '0x' + (type | 0x100).toString(16).slice(1);
}

/** The protocol version this runtime speaks, and its WebSocket subprotocol. */
export const VERSION = 1;
export const SUBPROTOCOL = 'hardlight.v1';

/** One method of the server, as HELLO lists it. */
export interface HelloMethod {
  readonly id: number;
  readonly name: string;
  readonly hash: bigint;
}

/** A HELLO extension (protocol.md 3.1): 1 state, 2 features, 3 events, 4 schema text; others are skipped. */
export interface HelloExtension {
  readonly tag: number;
  readonly bytes: Uint8Array;
}

export interface Hello {
  readonly version: number;
  readonly service: string;
  readonly fingerprint: Uint8Array;
  readonly maxInFlight: number;
  readonly maxMessageSize: number;
  readonly methods: readonly HelloMethod[];
  readonly extensions: readonly HelloExtension[];
}

/** A whole frame as a value (payloads left undecoded: their types depend on the contract). */
export type Frame =
  | ({ type: 1 } & Hello)
  | { type: 2; callId: number; methodId: number; args: Uint8Array }
  | { type: 3; callId: number; value: Uint8Array }
  | { type: 4; callId: number; status: number; message: string; declared: number }
  | { type: 5; callId: number }
  | { type: 6; count: number; fields: Uint8Array }
  | { type: 7; topic: Topic; payload: Uint8Array }
  | { type: 8; features: readonly string[] }
  | { type: 9; reason: string }
  | { type: 10; count: bigint }
  | { type: 11; callId: number; methodId: number; metadata: Metadata; args: Uint8Array }
  | { type: 12; callId: number; metadata: Metadata; value: Uint8Array }
  | { type: 13; callId: number; metadata: Metadata; status: number; message: string; declared: number }
  | { type: 14; topic: Topic; metadata: Metadata; payload: Uint8Array }
  | { type: 15; frames: readonly Frame[] };

/** A violation of the protocol by the peer: the connection closes with `code` and `reason`. */
export class ProtocolViolation extends Error {
  declare readonly code: number; // set by the constructor (declared: no field definition in the bundle)

  constructor(code: number, reason: string) {
    super(reason);
    this.code = code;
  }
}

export function violation(reason: string): ProtocolViolation {
  return new ProtocolViolation(1002, reason);
}

export function u64(r: Reader): bigint {
  const b = r.raw(8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
}

/** Reads the body of a HELLO (after its type byte). Throws the reader's malformed error. */
export function readHello(r: Reader): Hello {
  const version = r.varint();
  const service = r.string();
  const fingerprint = r.raw(32);
  const maxInFlight = r.varint();
  const maxMessageSize = r.varint();
  const methods: HelloMethod[] = [];
  for (let n = r.count(); n > 0; n--) methods.push({ id: r.varint(), name: r.string(), hash: u64(r) });
  const extensions: HelloExtension[] = [];
  for (let n = r.count(); n > 0; n--) extensions.push({ tag: r.varint(), bytes: r.bytes() });
  r.end('HELLO');
  return { version, service, fingerprint, maxInFlight, maxMessageSize, methods, extensions };
}

const FEATURE_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

/** `count:varint { name:string }*`, names sorted by UTF-16 units and unique, each a valid feature name. */
export function readFeatures(r: Reader): Set<string> {
  const set = new Set<string>();
  let previous: string | undefined;
  for (let n = r.count(); n > 0; n--) {
    const f = r.string();
    if (previous !== undefined && previous >= f) throw r.malformed('feature names not sorted and unique');
    if (!FEATURE_NAME.test(f)) throw r.malformed(`feature name '${f}' (expected: 1 to 64 of A-Z a-z 0-9 . _ - :)`);
    set.add(f);
    previous = f;
  }
  r.end('the feature set');
  return set;
}

/** Decodes a whole message as a frame value; throws ProtocolViolation or the reader's malformed error. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length === 0) throw violation('empty message');
  const r = new Reader(bytes);
  const type = r.byte() & 0xff;
  const rest = (): Uint8Array => r.raw(r.remaining());
  switch (type) {
    case 1:
      return { type, ...readHello(r) };
    case 2:
      return { type, callId: r.varint(), methodId: r.varint(), args: rest() };
    case 3:
      return { type, callId: r.varint(), value: rest() };
    case 4: {
      const f = { type, callId: r.varint(), status: r.varint(), message: r.string(), declared: r.varint() } as const;
      r.end('ERROR');
      return f;
    }
    case 5: {
      const callId = r.varint();
      r.end('CANCEL');
      return { type, callId };
    }
    case 6:
      return { type, count: r.varint(), fields: rest() };
    case 7:
      return { type, topic: r.topic(), payload: rest() };
    case 14:
      return { type, topic: r.topic(), metadata: readMetadata(r), payload: rest() };
    case 8:
      return { type, features: [...readFeatures(r)] };
    case 9: {
      const reason = r.string();
      r.end('GO_AWAY');
      return { type, reason };
    }
    case 10: {
      const count = BigInt(r.varint()); // a count: 31 bits (a bigint in this type since it was read as 64)
      r.end('EVENTS_MISSED');
      return { type, count };
    }
    case 11:
      return { type, callId: r.varint(), methodId: r.varint(), metadata: readMetadata(r), args: rest() };
    case 12:
      return { type, callId: r.varint(), metadata: readMetadata(r), value: rest() };
    case 13: {
      const f = { type, callId: r.varint(), metadata: readMetadata(r), status: r.varint(), message: r.string(), declared: r.varint() } as const;
      r.end('ERROR_META');
      return f;
    }
    case 15: {
      // BATCH (protocol.md 3.8): 2..256 frames, neither HELLO nor BATCH
      const n = r.varint();
      if (n < 2 || n > 256) throw violation('BATCH: count ' + n);
      const frames: Frame[] = [];
      while (frames.length < n) {
        const inner = r.bytes();
        if (inner[0] === 1 || inner[0] === 15) throw violation('BATCH: HELLO or BATCH inside');
        frames.push(decodeFrame(inner));
      }
      r.end('BATCH');
      return { type, frames };
    }
    default:
      throw violation('unknown frame type ' + frameName(type));
  }
}

/** Encodes a frame value as one message. */
export function encodeFrame(f: Frame): Uint8Array {
  const w = new Writer();
  w.raw(Uint8Array.of(f.type));
  switch (f.type) {
    case 1: {
      w.varint(f.version);
      w.string(f.service);
      w.raw(f.fingerprint);
      w.varint(f.maxInFlight);
      w.varint(f.maxMessageSize);
      w.count(f.methods.length);
      for (const m of f.methods) {
        w.varint(m.id);
        w.string(m.name);
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigUint64(0, m.hash);
        w.raw(b);
      }
      w.count(f.extensions.length);
      for (const e of f.extensions) {
        w.varint(e.tag);
        w.bytes(e.bytes);
      }
      break;
    }
    case 2:
    case 11:
      w.varint(f.callId);
      w.varint(f.methodId);
      if (f.type === 11) writeMetadata(w, f.metadata);
      w.raw(f.args);
      break;
    case 3:
    case 12:
      w.varint(f.callId);
      if (f.type === 12) writeMetadata(w, f.metadata);
      w.raw(f.value);
      break;
    case 4:
    case 13:
      w.varint(f.callId);
      if (f.type === 13) writeMetadata(w, f.metadata);
      w.varint(f.status);
      w.string(f.message);
      w.varint(f.declared);
      break;
    case 5:
      w.varint(f.callId);
      break;
    case 6:
      w.varint(f.count);
      w.raw(f.fields);
      break;
    case 7:
    case 14:
      w.topic(f.topic);
      if (f.type === 14) writeMetadata(w, f.metadata);
      w.raw(f.payload);
      break;
    case 8:
      w.count(f.features.length);
      for (const n of [...f.features].sort()) w.string(n);
      break;
    case 9:
      w.string(f.reason);
      break;
    case 10: {
      let n = f.count;
      do {
        const b = Number(n & 0x7fn);
        n >>= 7n;
        w.raw(Uint8Array.of(n > 0n ? b | 0x80 : b));
      } while (n > 0n);
      break;
    }
    case 15:
      w.varint(f.frames.length);
      for (const inner of f.frames) w.bytes(encodeFrame(inner));
      break;
  }
  return w.finish();
}

/** The error of a call answered with ERROR (unknown status numbers become UNKNOWN). */
export function errorOf(status: number, message: string): RpcError {
  return new RpcError(statusOf(status), message);
}
