// A minimal stand-in for the codec layer of @hardlight/client (index.d.ts beside it), written from
// docs/protocol.md section 5 and the evolution format, so the processor's tests can run the generated
// codecs without the runtime. It has no connections: Client.connect rejects. TypeScriptCodecTest runs
// the real runtime instead when the system property hardlight.ts.runtime.js names its built entry.

export const Status = Object.freeze({
  CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
  APPLICATION_ERROR: 20, PROTOCOL_ERROR: 21, CONNECTION_LOST: 22, INCOMPATIBLE: 23,
});

export class RpcError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    this.name = 'RpcError';
  }
}

export class ApplicationError extends RpcError {
  constructor(message) {
    super(Status.APPLICATION_ERROR, message);
    this.name = 'ApplicationError';
  }
}

export class Instant {
  constructor(epochSecond, nano) {
    this.epochSecond = epochSecond;
    this.nano = nano;
  }
  static ofEpochMilli(ms) {
    const s = Math.floor(ms / 1000);
    return new Instant(BigInt(s), (ms - s * 1000) * 1_000_000);
  }
  static fromDate(d) {
    return Instant.ofEpochMilli(d.getTime());
  }
  toDate() {
    return new Date(Number(this.epochSecond) * 1000 + Math.floor(this.nano / 1_000_000));
  }
}
Instant.EPOCH = new Instant(0n, 0);

export class Duration {
  constructor(seconds, nano) {
    this.seconds = seconds;
    this.nano = nano;
  }
  static ofMillis(ms) {
    const s = Math.floor(ms / 1000);
    return new Duration(BigInt(s), (ms - s * 1000) * 1_000_000);
  }
  toMillis() {
    return Number(this.seconds) * 1000 + Math.floor(this.nano / 1_000_000);
  }
}
Duration.ZERO = new Duration(0n, 0);

export class Topic {
  constructor(bytes) {
    this.bytes = bytes;
  }
  static of(name) {
    return new Topic(new TextEncoder().encode(name));
  }
  toString() {
    return new TextDecoder().decode(this.bytes);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class Writer {
  #buf;
  #pos = 0;

  constructor(initialCapacity = 64) {
    this.#buf = new Uint8Array(initialCapacity);
  }

  #ensure(n) {
    if (this.#pos + n > this.#buf.length) {
      const b = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
      b.set(this.#buf.subarray(0, this.#pos));
      this.#buf = b;
    }
  }

  #u8(b) {
    this.#ensure(1);
    this.#buf[this.#pos++] = b;
  }

  #u32(v) {
    while (v >= 0x80) {
      this.#u8((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.#u8(v);
  }

  #range(v, min, max, what) {
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${what} out of range: ${v}`);
  }

  bool(v) { this.#u8(v ? 1 : 0); }
  byte(v) { this.#range(v, -128, 127, 'byte'); this.#u8(v & 0xff); }
  short(v) { this.#range(v, -32768, 32767, 'short'); this.#u32(((v << 1) ^ (v >> 31)) >>> 0); }
  int(v) { this.#range(v, -2147483648, 2147483647, 'int'); this.#u32(((v << 1) ^ (v >> 31)) >>> 0); }
  long(v) {
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (z >= 0x80n) {
      this.#u8(Number(z & 0x7fn) | 0x80);
      z >>= 7n;
    }
    this.#u8(Number(z));
  }
  char(v) {
    if (typeof v !== 'string' || v.length !== 1) throw new RangeError('a char is one UTF-16 unit');
    this.#u32(v.charCodeAt(0));
  }
  float(v) { this.#ensure(4); new DataView(this.#buf.buffer).setFloat32(this.#pos, v, true); this.#pos += 4; }
  double(v) { this.#ensure(8); new DataView(this.#buf.buffer).setFloat64(this.#pos, v, true); this.#pos += 8; }
  varint(v) { this.#range(v, 0, 0x7fffffff, 'varint'); this.#u32(v); }
  string(v) { this.bytes(new TextEncoder().encode(v)); }
  bytes(v) { this.varint(v.length); this.raw(v); }
  raw(v) { this.#ensure(v.length); this.#buf.set(v, this.#pos); this.#pos += v.length; }
  presence(present) { this.bool(present); }
  count(n) { this.varint(n); }
  instant(v) { this.long(v.epochSecond); this.varint(v.nano); }
  duration(v) { this.long(v.seconds); this.varint(v.nano); }
  uuid(v) {
    if (!UUID.test(v)) throw new RangeError('not a canonical UUID: ' + v);
    const hex = v.replaceAll('-', '');
    for (let i = 0; i < 32; i += 2) this.#u8(parseInt(hex.slice(i, i + 2), 16));
  }
  topic(v) { this.bytes(v.bytes); }

  beginLength() {
    this.#u8(0);
    return this.#pos;
  }

  endLength(mark) {
    const length = this.#pos - mark;
    let size = 1;
    for (let l = length; l >= 0x80; l >>>= 7) size++;
    if (size > 1) {
      this.#ensure(size - 1);
      this.#buf.copyWithin(mark + size - 1, mark, this.#pos);
      this.#pos += size - 1;
    }
    let at = mark - 1;
    let l = length;
    while (l >= 0x80) {
      this.#buf[at++] = (l & 0x7f) | 0x80;
      l >>>= 7;
    }
    this.#buf[at] = l;
  }

  get length() { return this.#pos; }
  finish() { return this.#buf.slice(0, this.#pos); }
}

export class Reader {
  #b;
  #view;
  #pos = 0;
  #limit;
  #depth = 0;

  constructor(bytes) {
    this.#b = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#limit = bytes.length;
  }

  malformed(message) { return new RpcError(Status.PROTOCOL_ERROR, 'malformed message: ' + message); }

  #need(n) {
    if (n > this.#limit - this.#pos) throw this.malformed(`truncated: needed ${n} bytes, ${this.#limit - this.#pos} left`);
  }

  #u8() { this.#need(1); return this.#b[this.#pos++]; }

  #u32() {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.#u8();
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (v > 0xffffffff) throw this.malformed('varint exceeds 32 bits');
        return v;
      }
    }
    throw this.malformed('varint longer than 5 bytes');
  }

  bool() {
    const b = this.#u8();
    if (b > 1) throw this.malformed(`boolean byte ${b}`);
    return b === 1;
  }
  byte() { return (this.#u8() << 24) >> 24; }
  short() {
    const v = this.int();
    if (v < -32768 || v > 32767) throw this.malformed('short out of range: ' + v);
    return v;
  }
  int() { const z = this.#u32(); return (z >>> 1) ^ -(z & 1); }
  long() {
    let z = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.#u8();
      z |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, (z >> 1n) ^ -(z & 1n));
    }
    throw this.malformed('varint longer than 10 bytes');
  }
  char() {
    const v = this.varint();
    if (v > 0xffff) throw this.malformed('char out of range: ' + v);
    return String.fromCharCode(v);
  }
  float() { this.#need(4); const v = this.#view.getFloat32(this.#pos, true); this.#pos += 4; return v; }
  double() { this.#need(8); const v = this.#view.getFloat64(this.#pos, true); this.#pos += 8; return v; }
  varint() {
    const v = this.#u32();
    if (v > 0x7fffffff) throw this.malformed('varint exceeds 31 bits');
    return v;
  }
  string() {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes());
    } catch (e) {
      if (e instanceof RpcError) throw e;
      throw this.malformed('invalid UTF-8');
    }
  }
  bytes() {
    const n = this.count();
    const v = this.#b.slice(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }
  presence() { return this.bool(); }
  count() {
    const n = this.varint();
    if (n > this.#limit - this.#pos) throw this.malformed(`count ${n} exceeds the bytes left`);
    return n;
  }
  instant() { return new Instant(this.long(), this.varint()); }
  duration() { return new Duration(this.long(), this.varint()); }
  uuid() {
    this.#need(16);
    let hex = '';
    for (let i = 0; i < 16; i++) hex += this.#b[this.#pos++].toString(16).padStart(2, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  topic() { return new Topic(this.bytes()); }
  tag(_known, _typeName) { return this.varint(); }
  pushLimit() {
    const n = this.varint();
    if (n > this.#limit - this.#pos) throw this.malformed(`length ${n} exceeds the bytes left`);
    const saved = this.#limit;
    this.#limit = this.#pos + n;
    return saved;
  }
  popLimit(saved) {
    this.#pos = this.#limit;
    this.#limit = saved;
  }
  more() { return this.#pos < this.#limit; }
  skip(n) { this.#need(n); this.#pos += n; }
  enter() { if (++this.#depth > 64) throw this.malformed('values nested deeper than 64'); }
  exit() { this.#depth--; }
  remaining() { return this.#limit - this.#pos; }
  end() { if (this.#pos !== this.#limit) throw this.malformed(`${this.#limit - this.#pos} trailing bytes`); }
}

const of = (name) => ({ encode: (w, v) => w[name](v), decode: (r) => r[name]() });

export const codecs = {
  bool: of('bool'), byte: of('byte'), short: of('short'), int: of('int'), long: of('long'), char: of('char'),
  float: of('float'), double: of('double'), string: of('string'), bytes: of('bytes'), instant: of('instant'),
  duration: of('duration'), uuid: of('uuid'), topic: of('topic'),
  list: (c) => ({
    encode(w, v) { w.count(v.length); for (const e of v) c.encode(w, e); },
    decode(r) { const n = r.count(); const a = []; for (let i = 0; i < n; i++) a.push(c.decode(r)); return a; },
  }),
  set: (c) => ({
    encode(w, v) { w.count(v.size); for (const e of v) c.encode(w, e); },
    decode(r) { const n = r.count(); const s = new Set(); for (let i = 0; i < n; i++) s.add(c.decode(r)); return s; },
  }),
  map: (k, v) => ({
    encode(w, m) { w.count(m.size); for (const [a, b] of m) { k.encode(w, a); v.encode(w, b); } },
    decode(r) { const n = r.count(); const m = new Map(); for (let i = 0; i < n; i++) m.set(k.decode(r), v.decode(r)); return m; },
  }),
  optional: (c) => ({
    encode(w, v) { w.presence(v !== undefined); if (v !== undefined) c.encode(w, v); },
    decode(r) { return r.presence() ? c.decode(r) : undefined; },
  }),
  nullable: (c) => ({
    encode(w, v) { w.presence(v !== null); if (v !== null) c.encode(w, v); },
    decode(r) { return r.presence() ? c.decode(r) : null; },
  }),
};

export class Client {
  static connect() {
    return Promise.reject(new RpcError(Status.UNAVAILABLE, 'the processor tests\' stand-in runtime has no connections'));
  }
}
