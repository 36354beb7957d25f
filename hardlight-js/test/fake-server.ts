// A scripted HardLight server over a real WebSocket on loopback (the `ws` package): each test sends
// exactly the bytes it wants and reads exactly what the client sent.

import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Writer, codecs, encodeFrame, Topic } from './runtime.js';
import type { ConnectOptions, HelloExtension, HelloMethod } from './runtime.js';
import { Counter, EVENT_HASH, SCHEMA, STATE_HASH, stateCodec, evCodec } from './counter.js';
import type { Ev, State } from './counter.js';

/** A queue whose take() waits: what the peer received, in order. */
class Inbox<T> {
  private items: T[] = [];
  private waiters: ((t: T) => void)[] = [];

  put(t: T): void {
    const w = this.waiters.shift();
    if (w) w(t);
    else this.items.push(t);
  }

  take(ms = 5000, what = 'a message'): Promise<T> {
    const t = this.items.shift();
    if (t !== undefined) return Promise.resolve(t);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(done), 1);
        reject(new Error(`no ${what} within ${ms} ms`));
      }, ms);
      const done = (x: T): void => {
        clearTimeout(timer);
        resolve(x);
      };
      this.waiters.push(done);
    });
  }

  get size(): number {
    return this.items.length;
  }
}

/** One accepted connection, server side. */
export class Peer {
  readonly received = new Inbox<Uint8Array>();
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.received.put(new Uint8Array(data)));
    this.closed = new Promise((resolve) => ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  }

  send(bytes: Uint8Array | number[]): void {
    this.ws.send(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  }

  sendText(s: string): void {
    this.ws.send(s);
  }

  /** The next message the client sent. */
  next(ms?: number): Promise<Uint8Array> {
    return this.received.take(ms, 'message from the client');
  }

  /** Reads the client's next CALL: [callId, methodId, argument bytes]. */
  async call(): Promise<{ id: number; method: number; args: Uint8Array }> {
    const m = await this.next();
    if (m[0] !== 2) throw new Error('expected a CALL, got ' + Buffer.from(m).toString('hex'));
    const w = [...m];
    let i = 1;
    const varint = (): number => {
      let v = 0;
      for (let s = 0; ; s += 7) {
        const b = w[i++]!;
        v += (b & 0x7f) * 2 ** s;
        if (b < 0x80) return v;
      }
    };
    const id = varint();
    const method = varint();
    return { id, method, args: m.subarray(i) };
  }

  result(id: number, value?: (w: Writer) => void): void {
    const w = new Writer();
    w.varint(3);
    w.varint(id);
    value?.(w);
    this.send(w.finish());
  }

  resultInt(id: number, v: number): void {
    this.result(id, (w) => w.int(v));
  }

  error(id: number, status: number, message: string, declared = 0): void {
    this.send(encodeFrame({ type: 4, callId: id, status, message, declared }));
  }

  stateDelta(fields: [number, (w: Writer) => void][]): void {
    const w = new Writer();
    w.varint(6);
    w.varint(fields.length);
    for (const [i, f] of fields) {
      w.varint(i);
      f(w);
    }
    this.send(w.finish());
  }

  /** An EVENT, or an EVENT_META when `metadata` is given. */
  event(topic: string, ev: Ev, metadata?: Record<string, string | Uint8Array>): void {
    const w = new Writer();
    if (metadata) {
      evCodec.encode(w, ev);
      this.send(encodeFrame({ type: 14, topic: Topic.of(topic), metadata, payload: w.finish() }));
      return;
    }
    w.varint(7);
    w.topic(Topic.of(topic));
    evCodec.encode(w, ev);
    this.send(w.finish());
  }

  features(names: string[]): void {
    this.send(encodeFrame({ type: 8, features: names }));
  }

  goAway(reason: string): void {
    this.send(encodeFrame({ type: 9, reason }));
  }

  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }
}

export interface HelloSpec {
  service?: string;
  version?: number;
  maxInFlight?: number;
  maxMessageSize?: number;
  methods?: HelloMethod[];
  state?: State | null; // null: no extension 1
  stateHash?: bigint;
  features?: string[];
  events?: boolean;
  eventHash?: bigint;
  schema?: string | null; // null: no extension 4
  fingerprint?: Uint8Array;
  extra?: HelloExtension[];
}

/** The methods of the Counter contract with the hashes of test/counter.ts. */
export function counterMethods(): HelloMethod[] {
  return Counter.methods.map((m) => ({ id: m.id, name: m.name, hash: m.hash }));
}

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v);
  return b;
}

/** A HELLO frame for the Counter contract, with overrides. */
export function hello(h: HelloSpec = {}): Uint8Array {
  const ext: HelloExtension[] = [];
  if (h.state !== null) {
    const w = new Writer();
    w.raw(u64(h.stateHash ?? STATE_HASH));
    stateCodec.encode(w, h.state ?? { count: 0, user: null });
    ext.push({ tag: 1, bytes: w.finish().slice() });
  }
  {
    const w = new Writer();
    const f = [...(h.features ?? [])].sort();
    w.count(f.length);
    for (const n of f) w.string(n);
    ext.push({ tag: 2, bytes: w.finish().slice() });
  }
  if (h.events !== false) ext.push({ tag: 3, bytes: u64(h.eventHash ?? EVENT_HASH) });
  if (h.schema !== null && h.schema !== undefined) ext.push({ tag: 4, bytes: new TextEncoder().encode(h.schema) });
  ext.push(...(h.extra ?? []));
  return encodeFrame({
    type: 1,
    version: h.version ?? 1,
    service: h.service ?? 'Counter',
    fingerprint: h.fingerprint ?? Counter.fingerprint,
    maxInFlight: h.maxInFlight ?? 256,
    maxMessageSize: h.maxMessageSize ?? 1 << 20,
    methods: h.methods ?? counterMethods(),
    extensions: ext,
  });
}

export interface ServerOptions {
  /** Subprotocol to select; default hardlight.v1 when offered. false: select none. */
  protocol?: string | false;
  /** Answer the upgrade with this HTTP status instead of accepting it. */
  refuse?: number;
}

/** A WebSocket server on 127.0.0.1, port 0. */
export class FakeServer {
  readonly peers = new Inbox<Peer>();
  readonly all: Peer[] = [];
  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(opts: ServerOptions = {}): Promise<FakeServer> {
    const http = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols: Set<string>) => {
        if (opts.protocol === false) return false;
        if (opts.protocol !== undefined) return opts.protocol;
        return protocols.has('hardlight.v1') ? 'hardlight.v1' : false;
      },
    });
    http.on('upgrade', (req, socket, head) => {
      if (opts.refuse) {
        socket.end(`HTTP/1.1 ${opts.refuse} Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nforbidden`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const s = new FakeServer(http, wss, `ws://127.0.0.1:${port}/hl`);
    wss.on('connection', (ws: WebSocket) => {
      const p = new Peer(ws);
      s.all.push(p);
      s.peers.put(p);
    });
    return s;
  }

  /** The next connection made to this server. */
  next(ms?: number): Promise<Peer> {
    return this.peers.take(ms, 'connection');
  }

  async stop(): Promise<void> {
    for (const p of this.all) p.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** Client options for tests: the `ws` WebSocket (Node 20 has no global one), short timeouts. */
export function options(extra: ConnectOptions = {}): ConnectOptions {
  return { WebSocket, connectTimeout: 3000, ...extra }; // the ws class fits the option without a cast
}

export { SCHEMA, codecs };

/** Resolves after `ms` (only to let messages that must NOT arrive have their chance). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One unmasked server-to-client WebSocket frame (FIN set) of `opcode` around `payload`. */
export function wsFrame(payload: Uint8Array, opcode = 2): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** The TCP socket under a server-side `ws` connection: bytes written to it reach the client as they are. */
export function raw(peer: Peer): Socket {
  return (peer.ws as unknown as { _socket: Socket })._socket;
}
