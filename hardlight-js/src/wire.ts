import { RpcError } from './status.js';
import { decodeUtf8, lost, writeUtf8 } from './utf8.js';
import { Duration, Instant, Topic } from './values.js';

// Value encoding of protocol.md section 5 with the evolution rules (records and sealed cases are
// length-delimited). Writer and Reader are what generated codecs call; both are single-use and not
// shared between messages.

const MAX_DEPTH = 64;
const UUID_TEXT = /^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/i;

/** Bytes [from, to) of `b` as a string, one character per byte: the key a set's element is compared by. */
function key(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function check(ok: boolean, what: string, v: unknown): void {
  if (!ok) throw new RangeError(`${String(v)} is not a valid ${what}`);
}

// Writers take their buffers from a shared slab (64 KiB more than the buffer that needed it), never
// handing out the same bytes twice: in a browser, making a small ArrayBuffer costs more than encoding
// a message into it (measured: docs/browser.md). A writer works at absolute positions in its slab and
// gives back what it did not use when it finishes (if nothing was taken after it).
let slab = new Uint8Array(0);
let slabView = new DataView(slab.buffer);
let used = 0;
const TWO52 = 2 ** 52;
const scratch = new DataView(new ArrayBuffer(8)); // a reader copies a float's bytes here: no DataView per message
// Values written that a different value is written as too (an upper-case uuid, a double rounded to a
// float; strings that lost a surrogate are utf8.ts's `lost`): a set holding them is checked for repeats.
let lossy = 0;

/**
 * Appends values to a growable byte array. Not shared between threads of work: one per message. Its
 * bytes are a view of a shared 64 KiB buffer (never written again): copy what you keep long.
 */
export class Writer {
  #buf!: Uint8Array<ArrayBuffer>;
  #view!: DataView;
  #start = 0;
  #end = 0;
  #pos = 0;

  constructor(initialCapacity = 64) {
    this.#take(initialCapacity);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos - this.#start;
  }

  /** @internal The bytes written since `mark` (a {@link length}), as a string key (see {@link Reader.since}). */
  _since(mark: number): string {
    return key(this.#buf, this.#start + mark, this.#pos);
  }

  /** Takes `n` bytes of the slab as this writer's buffer, empty. */
  #take(n: number): void {
    if (used + n > slab.length) {
      slab = new Uint8Array(n + 65536);
      slabView = new DataView(slab.buffer);
      used = 0;
    }
    this.#buf = slab;
    this.#view = slabView;
    this.#start = this.#pos = used;
    this.#end = used += n;
  }

  #ensure(n: number): void {
    if (this.#pos + n > this.#end) {
      const old = this.#buf.subarray(this.#start, this.#pos);
      this.#take(2 * old.length + n);
      this.#buf.set(old, this.#pos);
      this.#pos += old.length;
    }
  }

  /** Writes a varint of 0..2^32-1 (no range check: internal). */
  #uvarint(v: number): void {
    this.#ensure(5);
    this.#put(v);
  }

  /** A varint of 0..2^53-1 where the room is known to be there. */
  #put(v: number): void {
    for (; v > 0x7f; v = Math.floor(v / 128)) this.#buf[this.#pos++] = (v & 0x7f) | 0x80; // & keeps the low 7 bits of any integer below 2^53
    this.#buf[this.#pos++] = v;
  }

  bool(v: boolean): void {
    check(typeof v === 'boolean', 'boolean', v);
    this.#uvarint(+v);
  }

  byte(v: number): void {
    check(v === (v << 24) >> 24, 'byte', v);
    this.#ensure(1);
    this.#buf[this.#pos++] = v & 0xff;
  }

  short(v: number): void {
    check(v === (v << 16) >> 16, 'short', v);
    this.#uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  int(v: number): void {
    check(v === (v | 0), 'int', v);
    this.#uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  long(v: bigint): void {
    const n = typeof v === 'bigint' ? Number(v) : NaN;
    if (n > -TWO52 && n < TWO52) {
      // below 2^52 (ids, epoch seconds): the zigzag value fits a double exactly, no BigInt arithmetic
      this.#ensure(8);
      return this.#put(n < 0 ? -2 * n - 1 : 2 * n);
    }
    check(typeof v === 'bigint' && BigInt.asIntN(64, v) === v, 'long', v);
    let z = v < 0n ? ((-v) << 1n) - 1n : v << 1n;
    this.#ensure(10);
    for (; z > 0x7fn; z >>= 7n) this.#buf[this.#pos++] = Number(z & 0x7fn) | 0x80;
    this.#buf[this.#pos++] = Number(z);
  }

  /** One UTF-16 code unit, as a varint. */
  char(v: string): void {
    check(typeof v === 'string' && v.length === 1, 'char', v);
    this.#uvarint(v.charCodeAt(0));
  }

  float(v: number): void {
    check(typeof v === 'number', 'float', v);
    if (Math.fround(v) !== v) lossy++;
    this.#ensure(4);
    this.#view.setFloat32(this.#pos, v, true);
    this.#pos += 4;
  }

  double(v: number): void {
    check(typeof v === 'number', 'double', v);
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }

  /** An unsigned varint of 31 bits: ids, counts, lengths, tags, ordinals. */
  varint(v: number): void {
    check(v === (v & 0x7fffffff), 'varint', v);
    this.#uvarint(v);
  }

  /** A varint length, then UTF-8 (an unpaired surrogate is written as '?'). */
  string(v: string): void {
    check(typeof v === 'string', 'string', v);
    // written as a record's content is: one length byte reserved, the text moved when it needs more
    const m = this.beginLength();
    this.#ensure(v.length * 3);
    this.#pos = writeUtf8(v, this.#buf, this.#pos);
    this.endLength(m);
  }

  bytes(v: Uint8Array): void {
    check(v instanceof Uint8Array, 'bytes', v);
    this.varint(v.length);
    this.raw(v);
  }

  raw(v: Uint8Array): void {
    this.#ensure(v.length);
    this.#buf.set(v, this.#pos);
    this.#pos += v.length;
  }

  presence(present: boolean): void {
    this.bool(present);
  }

  count(n: number): void {
    this.varint(n);
  }

  instant(v: Instant): void {
    check(v instanceof Instant, 'instant', v);
    this.long(v.epochSecond);
    this.#uvarint(v.nano);
  }

  duration(v: Duration): void {
    check(v instanceof Duration, 'duration', v);
    this.long(v.seconds);
    this.#uvarint(v.nano);
  }

  /** 16 bytes in the text form's order; `v` is the 8-4-4-4-12 hex text. */
  uuid(v: string): void {
    check(typeof v === 'string' && UUID_TEXT.test(v), 'uuid', v);
    const hex = v.replace(/-/g, '');
    if (/[A-F]/.test(hex)) lossy++;
    this.#ensure(16);
    for (let i = 0; i < 16; i++) this.#buf[this.#pos++] = parseInt(hex.substr(i * 2, 2), 16);
  }

  topic(v: Topic): void {
    check(v instanceof Topic, 'topic', v);
    this.bytes(v.bytes);
  }

  /** Reserves the length of a record's or sealed case's content; returns the mark for {@link endLength}. */
  beginLength(): number {
    this.#ensure(1);
    return ++this.#pos - this.#start;
  }

  /** Writes the content length at `mark`, moving the content right when it needs more than one byte. */
  endLength(mark: number): void {
    let at = this.#start + mark;
    const n = this.#pos - at;
    if (n < 0x80) {
      this.#buf[at - 1] = n;
      return;
    }
    const extra = ((31 - Math.clz32(n)) / 7) | 0; // the length's bytes after the first: 7 bits each
    this.#ensure(extra);
    at = this.#start + mark; // the buffer may have moved
    this.#buf.copyWithin(at + extra, at, this.#pos);
    const end = this.#pos + extra;
    this.#pos = at - 1;
    this.#put(n);
    this.#pos = end;
  }

  /** The bytes written (a view of this writer's buffer). */
  finish(): Uint8Array<ArrayBuffer> {
    if (this.#end === used && this.#buf === slab) used = this.#end = this.#pos; // give back the rest
    return this.#buf.subarray(this.#start, this.#pos);
  }
}

/** A malformed-input error; `unknownCase` marks an unknown sealed tag or enum ordinal with no fallback. */
export type MalformedError = RpcError & { unknownCase?: boolean };

/**
 * Reads values from one message. Every read is bounded by the current limit (the message end, or the
 * end of the record being read): reading past it is malformed ("truncated"), never a read of other
 * bytes. Counts are bounded by the bytes left; nesting by 64.
 */
export class Reader {
  readonly #buf: Uint8Array;
  #pos = 0;
  #limit: number;
  #depth = 0;
  // where an unknown tag/ordinal was read (-1: none) and where its content was skipped: malformed()
  // at either position is that unknown case (events are then skipped, not a violation)
  #unknownAt = -1;
  #unknownSkippedAt = -1;
  #unknownLimit = -1;

  constructor(bytes: Uint8Array) {
    this.#buf = bytes;
    this.#limit = bytes.length;
  }

  /** The position in the message (for tools and the runtime's frame parsing). */
  get position(): number {
    return this.#pos;
  }

  malformed(message: string): MalformedError {
    const e: MalformedError = new RpcError(21 /* PROTOCOL_ERROR */, 'malformed message: ' + message);
    if (this.#pos === this.#unknownAt || this.#pos === this.#unknownSkippedAt) e.unknownCase = true;
    return e;
  }

  #need(n: number): void {
    if (n > this.#limit - this.#pos) {
      throw this.malformed(`truncated: needed ${n} more bytes, ${this.#limit - this.#pos} left`);
    }
  }

  /** A varint of at most `max` bytes as a number: exact up to 7 bytes (49 bits). */
  #num(max: number): number {
    let v = 0;
    for (let i = 0, m = 1; i < max; i++, m *= 128) {
      if (this.#pos >= this.#limit) throw this.malformed('truncated varint');
      const b = this.#buf[this.#pos++]!;
      v += (b & 0x7f) * m;
      if (b < 0x80) {
        if (b === 0 && i > 0) throw this.malformed('overlong varint');
        if (i === 9 && b > 1) throw this.malformed('varint exceeds 64 bits');
        return v;
      }
    }
    throw this.malformed(`varint longer than ${max} bytes`);
  }

  /** A length or count: a 31-bit varint no larger than the bytes left (a hostile one allocates nothing). */
  #len(): number {
    const n = this.#uvarint(false);
    this.#need(n);
    return n;
  }

  #uvarint(allow32: boolean): number {
    const v = this.#num(5);
    if (v > (allow32 ? 0xffffffff : 0x7fffffff)) throw this.malformed(`varint exceeds ${allow32 ? 32 : 31} bits`);
    return v;
  }

  bool(): boolean {
    this.#need(1);
    const b = this.#buf[this.#pos++]!;
    if (b > 1) throw this.malformed(`boolean byte ${b} (expected: 0 or 1)`);
    return b === 1;
  }

  byte(): number {
    this.#need(1);
    return (this.#buf[this.#pos++]! << 24) >> 24;
  }

  short(): number {
    const v = this.int();
    if (v !== (v << 16) >> 16) throw this.malformed('short out of range: ' + v);
    return v;
  }

  int(): number {
    const z = this.#uvarint(true);
    return (z >>> 1) ^ -(z & 1);
  }

  long(): bigint {
    const at = this.#pos;
    const z = this.#num(10);
    // up to 7 bytes (49 bits: ids, epoch seconds): the number is exact, one BigInt at the end
    if (this.#pos - at < 8) return BigInt(z % 2 ? -(z + 1) / 2 : z / 2);
    this.#pos = at;
    const u = this.ulong();
    return (u >> 1n) ^ -(u & 1n);
  }

  /** An unsigned varint of up to 64 bits. */
  ulong(): bigint {
    const at = this.#pos;
    const v = this.#num(10);
    if (this.#pos - at < 8) return BigInt(v);
    let z = 0n;
    for (let i = at; i < this.#pos; i++) z |= BigInt(this.#buf[i]! & 0x7f) << BigInt(7 * (i - at));
    return z;
  }

  char(): string {
    const v = this.#uvarint(true);
    if (v > 0xffff) throw this.malformed('char out of range: ' + v);
    return String.fromCharCode(v);
  }

  /** The next `n` (4 or 8) bytes in the scratch buffer, for reading as a float or double. */
  #scratch(n: number): DataView {
    this.#need(n);
    for (let i = 0; i < n; i++) scratch.setUint8(i, this.#buf[this.#pos++]!);
    return scratch;
  }

  float(): number {
    return this.#scratch(4).getFloat32(0, true);
  }

  double(): number {
    return this.#scratch(8).getFloat64(0, true);
  }

  /** An unsigned varint of at most 31 bits. */
  varint(): number {
    return this.#uvarint(false);
  }

  string(): string {
    const n = this.#len();
    let s: string;
    try {
      s = decodeUtf8(this.#buf, this.#pos, this.#pos + n);
    } catch {
      throw this.malformed('invalid UTF-8 in a string');
    }
    this.#pos += n;
    return s;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.raw(this.#len());
  }

  /** The next `n` bytes, copied. */
  raw(n: number): Uint8Array<ArrayBuffer> {
    this.#need(n);
    this.#pos += n;
    return this.#buf.slice(this.#pos - n, this.#pos);
  }

  presence(): boolean {
    return this.bool();
  }

  /** A collection's count; larger than the bytes left is malformed (a hostile count allocates nothing). */
  count(): number {
    return this.#len();
  }


  #nanos(): number {
    const n = this.#uvarint(false);
    if (n > 999_999_999) throw this.malformed(`nanoseconds ${n} (expected: <= 999999999)`);
    return n;
  }

  instant(): Instant {
    const s = this.long();
    const n = this.#nanos();
    // java.time.Instant's range, in seconds (literals: named constants cost bundle bytes)
    if (s < -31557014167219200n || s > 31556889864403199n) throw this.malformed(`instant out of range: ${s}s`);
    return new Instant(s, n);
  }

  duration(): Duration {
    const s = this.long();
    return new Duration(s, this.#nanos());
  }

  uuid(): string {
    this.#need(16);
    let h = '';
    for (let i = 0; i < 16; i++) {
      h += (this.#buf[this.#pos++]! | 0x100).toString(16).slice(1);
      if (i > 2 && i < 10 && i % 2) h += '-';
    }
    return h;
  }

  topic(): Topic {
    const n = this.#uvarint(false);
    if (n > Topic.MAX_LENGTH) throw this.malformed(`topic of ${n} bytes (expected: <= ${Topic.MAX_LENGTH})`);
    return new Topic(this.raw(n));
  }

  /** A sealed tag or enum ordinal; no bounds check: the caller handles `>= known` (fallback or {@link malformed}). */
  tag(known: number, _typeName: string): number {
    const t = this.#uvarint(false);
    if (t >= known) {
      this.#unknownAt = this.#pos;
      this.#unknownSkippedAt = -1;
    }
    return t;
  }

  /** Reads a length and limits reading to it; returns the outer limit for {@link popLimit}. */
  pushLimit(): number {
    const at = this.#pos;
    const n = this.#len();
    const saved = this.#limit;
    this.#limit = this.#pos + n;
    if (at === this.#unknownAt) this.#unknownLimit = this.#limit;
    return saved;
  }

  /** Skips what is left before the current limit (a newer writer's appended data) and restores `saved`. */
  popLimit(saved: number): void {
    this.#pos = this.#limit;
    if (this.#limit === this.#unknownLimit) this.#unknownSkippedAt = this.#pos;
    this.#limit = saved;
  }

  /**
   * The bytes read since position `at`, as a string key: a repeated Set element or Map key is
   * malformed, and values are compared by their encoding (one spelling per value), objects too.
   */
  since(at: number): string {
    return key(this.#buf, at, this.#pos);
  }

  /** Whether bytes remain before the current limit. */
  more(): boolean {
    return this.#pos < this.#limit;
  }

  skip(n: number): void {
    this.#need(n);
    this.#pos += n;
  }

  enter(): void {
    if (++this.#depth > MAX_DEPTH) throw this.malformed('values nested deeper than ' + MAX_DEPTH);
  }

  exit(): void {
    this.#depth--;
  }

  remaining(): number {
    return this.#limit - this.#pos;
  }

  /** Fails unless every byte before the current limit was read. */
  end(what = 'the value'): void {
    if (this.#pos !== this.#limit) {
      this.#unknownAt = this.#unknownSkippedAt = -1; // trailing bytes are never an unknown case
      throw this.malformed(`${this.#limit - this.#pos} unexpected trailing bytes after ${what}`);
    }
  }
}

/** How one type is written and read. */
export interface Codec<T> {
  encode(w: Writer, v: T): void;
  decode(r: Reader): T;
}

function prim<T>(encode: (w: Writer, v: T) => void, decode: (r: Reader) => T): Codec<T> {
  return { encode, decode };
}

// The codec of a built-in type is the Writer and Reader methods of the same name.
function builtin<T>(name: string): Codec<T> {
  return prim(
    (w, v) => (w as unknown as Record<string, (v: T) => void>)[name]!(v),
    (r) => (r as unknown as Record<string, () => T>)[name]!(),
  );
}

/**
 * The codec of a list, set (`what`: the repeat a reader refuses) or map (`d`: its value codec), of
 * elements `c`. A set whose elements, or a map whose keys, are written as the same bytes is refused
 * when written, as every reader would refuse it (RangeError `what`). Only two kinds of value can meet:
 * objects with equal content (distinct to JavaScript) and values written lossily ("?" and an unpaired
 * surrogate, both '?'; a uuid in either case; doubles that round to one float). So the elements (keys)
 * are written a second time, into a scratch writer, and compared by their bytes only when one is an
 * object or a value lost something while the set was written: a set of numbers or plain strings costs
 * nothing more.
 */
function many<T>(c: Codec<any>, kind: string, is: (v: any) => boolean, make: (a: any[]) => T, what = '', d?: Codec<any>): Codec<T> {
  return prim(
    (w, x: any) => {
      check(is(x), kind, x);
      w.count(x.length ?? x.size);
      if (!what) {
        for (const e of x) c.encode(w, e); // a list: a loop of its own, as fast as before sets were checked
        return;
      }
      let l = lost + lossy;
      for (const e of x) {
        const k = d ? e[0] : e;
        c.encode(w, k);
        if (typeof k === 'object') l = -1;
        d?.encode(w, e[1]);
      }
      if (l !== lost + lossy) {
        const seen = new Set<string>();
        const o = new Writer();
        for (const k of x.keys()) {
          const at = o.length;
          c.encode(o, k);
          if (seen.size === seen.add(o._since(at)).size) throw new RangeError(what + ' (two are sent as the same bytes)');
        }
      }
    },
    (r) => {
      const n = r.count();
      const out: unknown[] = [];
      const seen = what && new Set<string>(); // a list's elements may repeat: no keys made for them
      for (let i = 0; i < n; i++) {
        const at = r.position;
        const e = c.decode(r);
        if (seen && seen.size === seen.add(r.since(at)).size) throw r.malformed(what);
        out.push(d ? [e, d.decode(r)] : e);
      }
      return make(out);
    },
  );
}

/** The codecs of the built-in types (see {@link codecs}). */
interface Builtins {
  bool: Codec<boolean>;
  byte: Codec<number>;
  short: Codec<number>;
  int: Codec<number>;
  long: Codec<bigint>;
  char: Codec<string>;
  float: Codec<number>;
  double: Codec<number>;
  string: Codec<string>;
  bytes: Codec<Uint8Array>;
  instant: Codec<Instant>;
  duration: Codec<Duration>;
  uuid: Codec<string>;
  topic: Codec<Topic>;
}

/** The codecs of the built-in types and the collection/optional combinators. */
export const codecs = {
  ...(Object.fromEntries(
    'bool byte short int long char float double string bytes instant duration uuid topic'.split(' ').map((n) => [n, builtin(n)]),
  ) as unknown as Builtins),

  list<T>(c: Codec<T>): Codec<T[]> {
    return many(c, 'list', Array.isArray, (a) => a);
  },

  set<T>(c: Codec<T>): Codec<Set<T>> {
    return many(c, 'set', (v) => v instanceof Set, (a) => new Set(a), 'repeated element in a set');
  },

  map<K, V>(k: Codec<K>, v: Codec<V>): Codec<Map<K, V>> {
    return many(k, 'map', (m) => m instanceof Map, (a) => new Map(a), 'repeated key in a map', v);
  },

  optional<T>(c: Codec<T>): Codec<T | undefined> {
    return prim(
      (w, v) => {
        w.presence(v !== undefined);
        if (v !== undefined) c.encode(w, v);
      },
      (r) => (r.presence() ? c.decode(r) : undefined),
    );
  },

  nullable<T>(c: Codec<T>): Codec<T | null> {
    return prim(
      (w, v) => {
        w.presence(v !== null);
        if (v !== null) c.encode(w, v);
      },
      (r) => (r.presence() ? c.decode(r) : null),
    );
  },
};
