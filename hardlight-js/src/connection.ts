import { ProtocolViolation, SUBPROTOCOL, VERSION, frameName, readFeatures, readHello, readMetadata, u64, violation, writeMetadata } from './frames.js';
import type { Hello, Metadata } from './frames.js';
import { Compatibility, REGENERATE, parseSchema } from './schema.js';
import type { Schema } from './schema.js';
import { sha256 } from './sha256.js';
import type { CallOptions, MethodSpec, ServiceSpec, WebSocketConstructor, WebSocketLike } from './spec.js';
import { RpcError, statusOf } from './status.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';
import { sameBytes } from './values.js';
import { Reader, Writer } from './wire.js';
import type { MalformedError } from './wire.js';

// One WebSocket connection and the protocol on it: the HELLO, call slots, answers, state deltas,
// events, features, GO_AWAY. Everything runs on the JavaScript event loop, one message at a time.

/** What a connection tells its client (the Client's internal `_` members). */
export interface ConnectionOwner {
  readonly url: string;
  readonly service: ServiceSpec<any, any>;
  _stateChanged(c: Connection): void;
  _event(topic: import('./values.js').Topic, value: unknown, metadata?: import('./frames.js').Metadata): void;
  _eventsMissed(n: number): void;
  _skipped(): void;
  _goingAway(c: Connection): void;
  _lost(c: Connection, reason: RpcError): void;
}

interface Settings {
  readonly WebSocket: WebSocketConstructor;
  readonly connectTimeout: number;
  readonly maxInFlight: number;
  readonly maxMessageSize: number;
}

/** A call in flight. (Members named `_x` are internal: the bundle shortens them.) */
interface Pending {
  readonly _id: number;
  readonly _m: MethodSpec<any, any>;
  readonly _ok: (v: unknown) => void;
  readonly _no: (e: unknown) => void;
  /** The call's options: its signal and onMetadata. */
  readonly _o: CallOptions;
  /** Failed locally (deadline or abort) while the server may still answer: the slot stays reserved. */
  _done: boolean;
  _t?: ReturnType<typeof setTimeout>;
  /** The abort listener on `_o.signal`. */
  _a?: () => void;
}

/** Errors of calls that were never sent: a reconnecting client may send them on the next connection. */
export const unsent = new WeakSet<object>();

/** `e`, marked unsent. */
function unsentError(e: RpcError): RpcError {
  unsent.add(e);
  return e;
}

/** A new error of the same status and message (each call fails with its own error object). */
export function copy(e: RpcError): RpcError {
  return new RpcError(e.status, e.message);
}

/** `Service.method`, for messages. */
function full(svc: ServiceSpec<any, any>, m: MethodSpec<any, any>): string {
  return `${svc.name}.${m.name}`;
}

/** A call cancelled before it was sent (unsent). */
export function cancelled(svc: ServiceSpec<any, any>, m: MethodSpec<any, any>): RpcError {
  return unsentError(new RpcError(1 /* CANCELLED */, full(svc, m) + ' was cancelled by the caller before it was sent'));
}

/** "Service.method did not complete within 2 s" and what follows (unsent when `more` is given). */
export function late(svc: ServiceSpec<any, any>, m: MethodSpec<any, any>, deadline: number | undefined, more?: string): RpcError {
  const e = new RpcError(4 /* DEADLINE_EXCEEDED */, `${full(svc, m)} did not complete within ${describe(deadline ?? 0)}${more ?? ''}`);
  return more ? unsentError(e) : e;
}

/** How a duration reads in a message: 50 ms, 1.5 s (as the Java client writes it). */
export function describe(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}

/**
 * Waits until `wake` (pushed onto `list`) is called, `until` (on `Date.now()`'s clock) passes or
 * `signal` aborts; resolves with wake's argument, or undefined.
 */
export function sleep<T>(list: ((v?: T) => void)[], until: number, signal?: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    const abort = (): void => wake();
    const t = until < Infinity ? setTimeout(abort, Math.min(until - Date.now(), 0x7fffffff)) : undefined;
    function wake(v?: T): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', abort);
      const i = list.indexOf(wake);
      if (i >= 0) list.splice(i, 1);
      resolve(v);
    }
    signal?.addEventListener('abort', abort);
    list.push(wake);
  });
}

const schemas = new WeakMap<object, Schema>();

function schemaOf(spec: ServiceSpec<any, any>): Schema {
  let s = schemas.get(spec);
  if (!s) schemas.set(spec, (s = parseSchema(spec.schema)));
  return s;
}


/**
 * A close reason as the WebSocket API takes it (at most 100 characters and 123 UTF-8 bytes): the first
 * 97 or fewer characters that fit, then "...". Cut between code points: half an emoji would be sent as
 * U+FFFD, 2 bytes more than counted, and the API would refuse to close at all.
 */
function cut(reason: string): string {
  const c = [...reason.slice(0, 200)]; // at least 100 code points (the last maybe half of one) of a reason of any length
  let r = reason;
  for (let n = 97; r.length > 100 || encodeUtf8(r).length > 123; n -= 10) r = c.slice(0, n).join('') + '...';
  return r;
}

export class Connection {
  #ws!: WebSocketLike;
  // Flags and HELLO-set fields are declared, not initialized (fewer bytes): undefined reads as false.
  #ready!: boolean;
  #opened!: boolean;
  /** The close this client sent because the server broke the protocol ("1002 reason"). */
  #violationSent: string | undefined;
  #closedByClient!: boolean;
  #closed: RpcError | undefined;
  #hello!: Hello;
  /** The part of the HELLO being checked, for the message of a malformed one. */
  #stage = '';
  /** The server takes BATCH (HELLO extension 5): frames sent in one JS task go out as one message. */
  #batch!: boolean;
  #queue: Uint8Array<ArrayBuffer>[] = [];
  /** Call slots (set with the HELLO, like #busy). */
  #limit!: number;
  #slots: (Pending | undefined)[] = [];
  /** Per call id, 1 while taken: a call takes the lowest free id, so ids stay small (one byte). */
  #busy!: Uint8Array;
  /** Every id below it is taken. */
  #low = 0;
  /** Calls waiting for a slot: #release wakes the first with its id. */
  #waiters: ((id?: number) => void)[] = [];
  #inFlight = 0;
  /** Per local method id: the server's id, or -1 with the reason in `problems`. */
  /** Per local method id: the server's id, or why the method cannot be called. */
  #serverIds: (number | RpcError)[] = [];
  features: ReadonlySet<string> = new Set();
  declare goAway: string | undefined; // declared (no field definition in the bundle): undefined until GO_AWAY
  /** Set when a newer connection replaced this one: its events are checked, not delivered. */
  declare muted: boolean; // undefined (false) until set
  /** Set by a reconnecting client: after GO_AWAY this connection stays open until it is replaced. */
  declare keepAfterGoAway: boolean;
  /** Woken when the socket has closed. */
  readonly onClosed: (() => void)[] = [];
  declare state: unknown; // set from the HELLO
  #settle!: { _ok: (c: Connection) => void; _no: (e: RpcError) => void; _t: ReturnType<typeof setTimeout> };

  readonly #owner: ConnectionOwner;
  readonly #url: string;
  readonly #svc: ServiceSpec<any, any>;
  readonly #settings: Settings;

  private constructor(owner: ConnectionOwner, settings: Settings) {
    this.#owner = owner;
    this.#settings = settings;
    this.#url = owner.url;
    this.#svc = owner.service;
  }

  /** Opens a connection; resolves once the server's HELLO was accepted. */
  static open(owner: ConnectionOwner, settings: Settings): Promise<Connection> {
    const c = new Connection(owner, settings);
    return new Promise((resolve, reject) => {
      const t = describe(settings.connectTimeout);
      const timer = setTimeout(
        () => c.#cannot(c.#opened ? `the server sent no HELLO within ${t} (is it a HardLight server?)` : 'no answer within ' + t),
        settings.connectTimeout,
      );
      c.#settle = { _ok: resolve, _no: reject, _t: timer };
      let ws: WebSocketLike;
      try {
        ws = c.#ws = new settings.WebSocket(owner.url, SUBPROTOCOL);
      } catch (e) {
        return c.#cannot((e as Error).message); // closing the missing socket fails quietly
      }
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => c.#onOpen();
      ws.onmessage = (m: MessageEvent) => c.#onMessage(m.data);
      ws.onerror = (e: { message?: string }) => c.#onError(e);
      ws.onclose = (e: CloseEvent) => c.#onClose(e.code, e.reason);
    });
  }


  /** Fails the connection attempt: "cannot connect to <url>: <why>", UNAVAILABLE. */
  #cannot(why: string, code?: number, reason?: string): void {
    this.#fail(new RpcError(14 /* UNAVAILABLE */, `cannot connect to ${this.#url}: ${why}`), code, reason);
  }

  /** Fails the connection attempt (before the HELLO was accepted) and closes the socket. */
  #fail(e: RpcError, code = 1000, reason = 'connect failed'): void {
    if (this.#ready || this.#closed) return;
    this.#closed = e;
    clearTimeout(this.#settle._t);
    this.#settle._no(e);
    this.#close(code, reason);
  }

  #close(code: number, reason: string): void {
    const r = cut(reason);
    try {
      this.#ws.close(code, r);
    } catch {
      // Browsers may send only 1000 and 3000-4999: the protocol's 1002/1003/1009 become 4002/4003/4009.
      try {
        this.#ws.close(code > 1000 ? 4000 + (code % 1000) : code, r);
      } catch {
        // already closing
      }
    }
  }

  #onOpen(): void {
    this.#opened = true;
    // browsers and ws fail such a handshake themselves; another WebSocket class might not
    if (this.#ws.protocol !== SUBPROTOCOL) this.#cannot('the server did not select the subprotocol ' + SUBPROTOCOL, 1002, 'no subprotocol');
  }

  /** The upgrade failed: a browser tells nothing more, `ws` its cause. */
  #onError(e: { message?: string }): void {
    // once open, the close event follows with what is known
    if (!this.#opened) {
      this.#cannot(`the server refused the WebSocket upgrade or is unreachable (${e.message || 'browsers hide the HTTP status: see the server log, the URL, the Origin allow-list'})`);
    }
  }

  #onClose(code: number, reason: string): void {
    for (const w of this.onClosed.splice(0)) w();
    const peer = code === 1005 || code === 1006 ? undefined : `${code}${reason ? ' ' + reason : ''}`;
    if (!this.#ready) {
      if (this.#opened) this.#cannot('the connection closed during the HELLO' + (peer ? ` (close ${peer})` : ''));
      else this.#onError({});
      return;
    }
    if (this.#closed) return;
    const away = this.goAway !== undefined ? ` (${this.goAway})` : '';
    const lost = `the connection to ${this.#url} was lost`;
    this.#shutdown(
      away && code === 1001
        ? // §3.6: the server answered every call it read before its 1001 close: the others did not run
          new RpcError(14 /* UNAVAILABLE */, `the server shut down${away} before it received the call: it did not run (close ${peer})`)
        : new RpcError(
            22 /* CONNECTION_LOST */,
            away || code === 1001
              ? `${lost}: the server shut down${away} before the call completed; it may or may not have run${peer ? ` (close ${peer})` : ' (no close frame)'}`
              : lost + (peer ? `: the server closed it (${peer})` : ''),
          ),
    );
  }

  /** The connection is gone: pending calls fail, slot waiters fail (unsent), the owner is told. */
  #shutdown(reason: RpcError): void {
    this.#closed = reason;
    for (let i = 0; i < this.#limit; i++) {
      const p = this.#slots[i];
      this.#slots[i] = undefined;
      if (p) {
        this.#finish(p);
        if (!p._done) p._no(copy(reason));
      }
    }
    for (const w of this.#waiters.splice(0)) w();
    this.#owner._lost(this, reason);
  }

  /** Sends a normal close (1000); pending calls fail at once with CONNECTION_LOST. */
  closeByClient(): void {
    this.#closedByClient = true;
    const e = new RpcError(22 /* CONNECTION_LOST */, `the connection to ${this.#url} was closed by this client`);
    if (!this.#ready) return this.#fail(e);
    this.#close(1000, 'closed by the client');
    if (this.#closed) return;
    // drained after GO_AWAY: later calls hear why
    this.#shutdown(this.goAway !== undefined && this.#inFlight === 0 ? new RpcError(14 /* UNAVAILABLE */, 'server is shutting down: ' + this.goAway) : e);
  }

  /** Why the connection is closed (its pending calls failed with it), or undefined while open. */
  get closedBy(): RpcError | undefined {
    return this.#closed;
  }

  /** Closed, or waiting for its close. */
  get isClosed(): boolean {
    return this.#closed !== undefined || this.#closedByClient;
  }

  /** Accepts new calls: open, HELLO done, no GO_AWAY. */
  get usable(): boolean {
    return this.#ready && !this.isClosed && this.goAway === undefined;
  }

  #protocolViolation(v: ProtocolViolation): void {
    if (this.#closed || this.#violationSent) return;
    this.#violationSent = `${v.code} ${v.message}`;
    if (!this.#ready) return this.#cannot('the server broke the protocol: ' + v.message, v.code, v.message);
    this.#close(v.code, v.message);
    // Pending calls fail now; the close event will find the connection already shut down.
    this.#shutdown(
      new RpcError(22 /* CONNECTION_LOST */, `the connection to ${this.#url} was closed by this client: the server broke the protocol (${this.#violationSent})`),
    );
  }

  #onMessage(data: unknown): void {
    if (this.#closed || this.#violationSent) return;
    try {
      if (!(data instanceof ArrayBuffer)) {
        throw new ProtocolViolation(1003, 'text message: HardLight sends binary messages only');
      }
      if (data.byteLength > this.#settings.maxMessageSize) {
        throw new ProtocolViolation(1009, `message of ${data.byteLength} bytes (this client accepts at most ${this.#settings.maxMessageSize})`);
      }
      const bytes = new Uint8Array(data);
      if (bytes.length === 0) throw violation('empty message');
      if (this.#ready) this.#onFrame(bytes);
      else this.#onHello(bytes);
    } catch (e) {
      // malformed input: the frame handlers wrap their own; what else fails is the HELLO's, at #stage
      this.#protocolViolation(e instanceof ProtocolViolation ? e : violation(`HELLO${this.#stage}: ${(e as Error).message}`));
    }
  }

  // ---- HELLO -------------------------------------------------------------------------------------

  #incompatible(message: string): ProtocolViolation {
    this.#fail(new RpcError(23 /* INCOMPATIBLE */, message), 1000, 'incompatible contract');
    return new ProtocolViolation(1000, 'incompatible contract');
  }

  #onHello(bytes: Uint8Array): void {
    if (bytes[0] !== 1 /* HELLO */) throw violation('expected HELLO as the first frame, got ' + frameName(bytes[0]!));
    const r = new Reader(bytes);
    r.skip(1);
    const h = readHello(r);
    if (h.version !== VERSION) throw violation(`server speaks protocol version ${h.version}, this client ${VERSION}`);
    const svc = this.#svc;
    if (h.service !== svc.name) {
      throw this.#incompatible(`the server serves '${h.service}', this client was generated for '${svc.name}'`);
    }
    if (h.maxInFlight < 1 || h.maxInFlight > 65535) throw violation('HELLO: maxInFlight ' + h.maxInFlight);
    const ext = (tag: number): Uint8Array | undefined => h.extensions.find((e) => e.tag === tag)?.bytes;

    // Extension 4: the server's schema text, so a client can tell compatible differences from breaking ones.
    let compat: Compatibility | undefined;
    const text = ext(4);
    if (text) {
      if (!sameBytes(sha256(text), h.fingerprint)) throw violation('HELLO schema does not match its fingerprint');
      if (!sameBytes(h.fingerprint, svc.fingerprint)) {
        this.#stage = ' schema';
        compat = new Compatibility(schemaOf(svc), parseSchema(decodeUtf8(text, 0, text.length)));
      }
    }
    let here: Schema | undefined;
    try {
      here = schemaOf(svc);
    } catch {
      // this client's own schema text is not understood: its type names are left out of messages
    }

    // State (extension 1) and events (extension 3): an equal hash, or (with the schema) compatible types.
    const typed = (tag: number, hash: bigint, key: 'state' | 'events', what: string, absent: string): Reader => {
      const b = ext(tag);
      const name = here?.[key] ?? key;
      if (!b || b.length < 8) throw this.#incompatible(`the server ${absent}; this client expects ${name}`);
      const r = new Reader(b);
      if (u64(r) !== hash) {
        const d = compat ? compat.root(name, compat.there[key]) : "it differs from the server's: " + REGENERATE;
        if (d !== null) throw this.#incompatible(`the server's ${what} is incompatible with this client's ${name}: ${d}`);
      }
      return r;
    };
    const st = svc.state;
    if (st) {
      const r1 = typed(1, st.hash, 'state', 'connection state', 'sent no connection state');
      this.#stage = ' state';
      this.state = st.codec.decode(r1);
      r1.end('the state snapshot');
    }
    if (svc.events) typed(3, svc.events.hash, 'events', 'event type', 'declares no events');
    const f = ext(2);
    this.#stage = ' features';
    if (f) this.features = readFeatures(new Reader(f));
    const byName = new Map(h.methods.map((m) => [m.name, m]));
    for (const m of svc.methods) {
      const e = byName.get(m.name);
      const a = compat?.here.methods.get(m.name);
      const b = compat?.there.methods.get(m.name);
      // '': missing there; null: callable; else how it differs
      const d = !e ? '' : e.hash === m.hash ? null : a && b ? compat!.method(a, b) : 'its signature differs: ' + REGENERATE;
      this.#serverIds[m.id] =
        d === null
          ? e!.id
          : d
            ? new RpcError(23 /* INCOMPATIBLE */, `${full(svc, m)} is incompatible with the server: ${d}`)
            : new RpcError(12 /* UNIMPLEMENTED */, 'the server does not implement ' + full(svc, m));
    }
    this.#hello = h;
    this.#batch = !!ext(5);
    this.#limit = Math.min(this.#settings.maxInFlight, h.maxInFlight);
    this.#busy = new Uint8Array(this.#limit);
    this.#ready = true;
    clearTimeout(this.#settle._t);
    this.#settle._ok(this);
  }

  // ---- frames after the HELLO ----------------------------------------------------------------------

  #onFrame(bytes: Uint8Array): void {
    const type = bytes[0]!;
    const r = new Reader(bytes);
    r.skip(1);
    try {
      switch (type) {
        case 3 /* RESULT */:
        case 4 /* ERROR */:
        case 12 /* RESULT_META */:
        case 13 /* ERROR_META */:
          return this.#onAnswer(r, type);
        case 6 /* STATE_DELTA */:
          return this.#onStateDelta(r);
        case 7 /* EVENT */:
        case 14 /* EVENT_META */:
          return this.#onEvent(r, type > 7);
        case 8 /* FEATURES */:
          this.features = readFeatures(r);
          return;
        case 10 /* EVENTS_MISSED */: {
          const n = r.varint(); // a count: 31 bits
          r.end('EVENTS_MISSED');
          if (n < 1) throw r.malformed('EVENTS_MISSED of ' + n);
          if (!this.muted) this.#owner._eventsMissed(n);
          return;
        }
        case 9 /* GO_AWAY */: {
          const reason = r.string();
          r.end('GO_AWAY');
          if (this.goAway !== undefined) throw violation('second GO_AWAY');
          this.goAway = reason;
          this.#owner._goingAway(this);
          this.closeIfDrained();
          return;
        }
        case 15 /* BATCH */: {
          // BATCH (protocol.md 3.8): checked whole, then each frame handled as if it came alone
          const n = r.varint();
          const fs: Uint8Array[] = [];
          if (n < 2 || n > 256) throw violation('BATCH: count ' + n);
          while (fs.length < n) {
            const len = r.varint();
            const at = r.position;
            r.skip(len);
            const f = bytes.subarray(at, at + len); // a view: the frames are read, not kept
            if (!len) throw violation('empty message');
            if (f[0] === 1 || f[0] === 15) throw violation('BATCH: HELLO or BATCH inside');
            fs.push(f);
          }
          r.end('BATCH');
          for (const f of fs) if (!this.#closed) this.#onFrame(f);
          return;
        }
        case 1 /* HELLO */:
          throw violation('second HELLO');
        case 2 /* CALL */:
        case 5 /* CANCEL */:
        case 11 /* CALL_META */:
          throw violation(frameName(type) + ' is a client-to-server frame');
        default:
          throw violation('unknown frame type ' + frameName(type));
      }
    } catch (e) {
      // malformed input, or a generated codec failing on it: either way the frame cannot be used
      throw e instanceof ProtocolViolation ? e : violation(frameName(type) + ': ' + (e as Error).message);
    }
  }

  /**
   * After GO_AWAY (unless `keepAfterGoAway`: a reconnecting client keeps it until the new connection
   * is ready) or once replaced, closes with 1000 when this client's calls are done.
   */
  closeIfDrained(): void {
    if (((this.goAway !== undefined && !this.keepAfterGoAway) || this.muted) && this.#inFlight === 0 && !this.isClosed) this.closeByClient();
  }

  #take(frame: string, id: number): Pending {
    const p = id < this.#limit ? this.#slots[id] : undefined;
    if (!p) throw violation(`${frame} for call id ${id} not in flight`);
    this.#slots[id] = undefined;
    this.#finish(p);
    this.#release(id);
    return p;
  }

  #finish(p: Pending): void {
    clearTimeout(p._t);
    if (p._a) p._o.signal!.removeEventListener('abort', p._a);
  }

  /**
   * RESULT, ERROR, RESULT_META, ERROR_META (`type`). The whole frame is read before the call is taken,
   * so a frame malformed after its id leaves the call to the violation; bad metadata fails only the
   * call (PROTOCOL_ERROR), and onMetadata throwing fails it with what it threw.
   */
  #onAnswer(r: Reader, type: number): void {
    const result = type % 3 < 1; // 3, 12
    const id = r.varint();
    let md: Metadata | undefined, bad: unknown;
    try {
      if (type > 4) md = readMetadata(r);
    } catch (e) {
      bad = e;
    }
    let status!: number, message!: string, declared!: number;
    if (!bad && !result) {
      status = r.varint();
      message = r.string();
      declared = r.varint();
      r.end('ERROR');
    }
    const p = this.#take(result ? 'RESULT' : 'ERROR', id);
    const m = p._m;
    if (p._done) return;
    try {
      if (bad) throw new RpcError(21 /* PROTOCOL_ERROR */, `bad response metadata for ${m.name}: ${(bad as Error).message}`);
      if (md) p._o.onMetadata?.(md);
      if (!result) throw declared > 0 && declared <= m.errors.length ? m.errors[declared - 1]!.create(message) : new RpcError(statusOf(status), message);
      let v: unknown;
      try {
        if (m.result) v = m.result.decode(r);
        r.end('the result of ' + m.name);
      } catch (e) {
        throw new RpcError(21 /* PROTOCOL_ERROR */, `cannot decode the result of ${m.name}: ${(e as Error).message}`);
      }
      p._ok(v);
    } catch (e) {
      p._no(e);
    }
  }

  #onStateDelta(r: Reader): void {
    const st = this.#svc.state;
    if (!st) return; // this client's contract has no state: nothing to keep
    const n = st.fields.length;
    const count = r.varint();
    if (count < 1) throw r.malformed(`STATE_DELTA with ${count} fields (expected: >= 1)`);
    const changes = new Map<number, unknown>();
    let previous = -1;
    let unknown = false;
    for (let i = 0; i < count; i++) {
      const field = r.varint();
      if (field <= previous) throw r.malformed(`state field index ${field} after ${previous} (expected: strictly increasing)`);
      if (field >= n) {
        unknown = true; // a newer server's appended component: it and all after it are unknown here
        break;
      }
      changes.set(field, st.fields[field]!.decode(r));
      previous = field;
    }
    if (!unknown) r.end('STATE_DELTA');
    if (changes.size === 0) return;
    this.state = st.apply(this.state, changes);
    if (!this.muted) this.#owner._stateChanged(this);
  }

  #onEvent(r: Reader, meta: boolean): void {
    const topic = r.topic();
    const metadata = meta ? readMetadata(r) : undefined; // bad metadata closes, like any malformed EVENT
    const ev = this.#svc.events;
    if (!ev) return; // this client's contract has no events
    let value: unknown;
    try {
      value = ev.codec.decode(r);
      r.end('EVENT');
    } catch (e) {
      if ((e as MalformedError).unknownCase) {
        if (!this.muted) this.#owner._skipped(); // a newer server's event case: skipped and counted
        return;
      }
      throw e;
    }
    if (!this.muted) this.#owner._event(topic, value, metadata);
  }

  // ---- calls ---------------------------------------------------------------------------------------

  #release(id: number): void {
    const w = this.#waiters.shift();
    if (w) return w(id);
    this.#inFlight--;
    this.#busy[id] = 0;
    if (id < this.#low) this.#low = id;
    this.closeIfDrained();
  }

  /** The lowest free id (taken), or undefined when all are busy. */
  #takeFree(): number | undefined {
    const b = this.#busy;
    let i = this.#low;
    while (b[i]) i++; // past the end: undefined
    this.#low = i;
    if (i === b.length) return undefined;
    b[i] = 1;
    this.#inFlight++;
    return i;
  }

  /** Why this connection refuses the method now, or undefined. */
  refusal(method: MethodSpec<any, any>): RpcError | undefined {
    if (this.#closed) return unsentError(copy(this.#closed));
    const p = this.#serverIds[method.id];
    if (p === undefined) return new RpcError(3 /* INVALID_ARGUMENT */, `${method.name} (id ${method.id}) is not a method of ${this.#svc.name}`);
    if (p instanceof RpcError) return copy(p);
    const need = method.requires;
    if (need && !this.features.has(need)) {
      return new RpcError(
        7 /* PERMISSION_DENIED */,
        `${full(this.#svc, method)} needs the feature '${need}', which this connection lacks (enabled: [${[...this.features].join(', ')}])`,
      );
    }
    if (this.goAway !== undefined) return unsentError(new RpcError(14 /* UNAVAILABLE */, 'server is shutting down: ' + this.goAway));
    return undefined;
  }

  /**
   * Makes a call: takes the lowest free slot or waits for one (up to the deadline), sends CALL and
   * settles with the answer. `deadline` is the call's total in ms (for messages), `deadlineAt` its end
   * on `Date.now()`'s clock. Throws at once (not through the promise) when the call cannot be made.
   */
  call(method: MethodSpec<any, any>, args: unknown[], deadline: number | undefined, deadlineAt: number, o: CallOptions): Promise<unknown> {
    const refused = this.refusal(method);
    if (refused) throw refused;
    if (o.signal?.aborted) throw cancelled(this.#svc, method);
    if (deadlineAt < Infinity && Date.now() >= deadlineAt) throw late(this.#svc, method, deadline, ' (nothing was sent)');
    const id = this.#takeFree();
    if (id !== undefined) return this.#start(id, method, args, deadline, deadlineAt, o);
    return this.#waitForSlot(method, deadline, deadlineAt, o.signal).then((id) => {
      const again = this.refusal(method);
      if (again) {
        this.#release(id);
        throw again;
      }
      return this.#start(id, method, args, deadline, deadlineAt, o);
    });
  }

  /** Sends the call on slot `id`. */
  #start(id: number, method: MethodSpec<any, any>, args: unknown[], deadline: number | undefined, deadlineAt: number, o: CallOptions): Promise<unknown> {
    const w = new Writer();
    const md = o.metadata && Object.keys(o.metadata).length ? o.metadata : undefined;
    w.varint(md ? 11 /* CALL_META */ : 2 /* CALL */);
    w.varint(id);
    w.varint(this.#serverIds[method.id] as number);
    if (md) writeMetadata(w, md);
    try {
      method.encodeArgs(w, args);
    } catch (e) {
      this.#release(id);
      throw new RpcError(3 /* INVALID_ARGUMENT */, `cannot encode the arguments of ${full(this.#svc, method)}: ${(e as Error).message}`);
    }
    const max = this.#hello.maxMessageSize;
    if (w.length > max) {
      this.#release(id);
      throw new RpcError(8 /* RESOURCE_EXHAUSTED */, `the call to ${method.name} is ${w.length} bytes; the server accepts at most ${max}`);
    }
    return new Promise((resolve, reject) => {
      const p: Pending = { _id: id, _m: method, _ok: resolve, _no: reject, _o: o, _done: false };
      this.#slots[id] = p;
      this.#send(w.finish());
      if (deadlineAt < Infinity) {
        p._t = setTimeout(() => this.#expire(p, late(this.#svc, method, deadline)), Math.min(deadlineAt - Date.now(), 0x7fffffff));
      }
      o.signal?.addEventListener('abort', (p._a = () => this.#expire(p, new RpcError(1 /* CANCELLED */, full(this.#svc, method) + ' was cancelled by the caller'))));
    });
  }

  /** The call failed locally (deadline, abort): it settles now and CANCEL is sent; its id stays reserved until the server answers. */
  #expire(p: Pending, e: RpcError): void {
    if (p._done || this.#slots[p._id] !== p) return;
    p._done = true;
    this.#finish(p);
    p._no(e);
    if (!this.#closed) {
      const c = new Writer(8);
      c.varint(5 /* CANCEL */);
      c.varint(p._id);
      this.#send(c.finish());
    }
  }

  /** Sends a frame; to a server that takes BATCH, queued and sent with the others of this JS task. */
  #send(f: Uint8Array<ArrayBuffer>): void {
    if (!this.#batch) return this.#ws.send(f);
    if (this.#queue.push(f) === 1) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const q = this.#queue;
    this.#queue = [];
    for (let i = 0; i < q.length && !this.#closed; ) {
      // as many frames as fit under the server's message size limit (type, count, a length of at most 5 bytes each), at most 256; when closed, the calls already failed
      let n = i + 1;
      for (let size = 8 + q[i]!.length; n < q.length && n - i < 256 && (size += q[n]!.length + 5) <= this.#hello.maxMessageSize; ) n++;
      if (n - i < 2) this.#ws.send(q[i++]!);
      else {
        const w = new Writer();
        w.varint(15 /* BATCH */);
        w.varint(n - i);
        while (i < n) w.bytes(q[i++]!);
        this.#ws.send(w.finish());
      }
    }
  }


  /** Waits for a slot that #release grants; fails unsent when the deadline passes, the signal aborts or the connection closes. */
  async #waitForSlot(method: MethodSpec<any, any>, deadline: number | undefined, deadlineAt: number, signal?: AbortSignal): Promise<number> {
    const id = await sleep(this.#waiters, deadlineAt, signal);
    if (id !== undefined) return id;
    const c = this.#closed;
    throw c
      ? unsentError(copy(c))
      : signal?.aborted
        ? cancelled(this.#svc, method)
        : late(this.#svc, method, deadline, ' (no call slot became free; nothing was sent)');
  }
}
