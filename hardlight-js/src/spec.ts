import type { Codec, Writer } from './wire.js';
import type { RpcError } from './status.js';
import type { Topic } from './values.js';

/** One remote method, as generated code describes it. */
export interface MethodSpec<A extends unknown[], R> {
  /** The contract's method index (declaration order). */
  readonly id: number;
  readonly name: string;
  /** The method's signature hash (protocol.md 6.3), u64. */
  readonly hash: bigint;
  /** Whether the method may run twice: a call lost with its connection is sent again after a reconnect. */
  readonly idempotent: boolean;
  /** The feature the connection needs (`@Requires`), if any. */
  readonly requires?: string;
  readonly encodeArgs: (w: Writer, args: A) => void;
  /** The result's codec; null for void. */
  readonly result: Codec<R> | null;
  /** Declared exceptions in order: ERROR's declared index i+1 is errors[i]. */
  readonly errors: readonly ErrorSpec[];
}

export interface ErrorSpec {
  readonly name: string;
  readonly create: (message: string) => Error;
}

/** A service contract, as generated code describes it. */
export interface ServiceSpec<S = unknown, E = unknown> {
  readonly name: string;
  /** SHA-256 of the canonical schema text: 32 bytes. */
  readonly fingerprint: Uint8Array;
  /** The canonical schema text (protocol.md 6.1), for the compatibility check against the server's. */
  readonly schema: string;
  readonly methods: readonly MethodSpec<any, any>[];
  readonly state?: {
    readonly hash: bigint;
    readonly codec: Codec<S>;
    /** One codec per state component, in declaration order (STATE_DELTA fields). */
    readonly fields: readonly Codec<unknown>[];
    readonly initial: S;
    /** A new state with the changed components (index -> value) replaced. */
    readonly apply: (s: S, changes: ReadonlyMap<number, unknown>) => S;
  };
  readonly events?: { readonly hash: bigint; readonly codec: Codec<E> };
}

/** Per-call options. */
export interface CallOptions {
  /** Milliseconds from now (the wait for a free call slot or a connection included). */
  deadline?: number;
  /** Aborting it cancels the call: it fails with CANCELLED at once and CANCEL is sent. */
  signal?: AbortSignal;
  /**
   * Request metadata sent with the call (protocol.md 3.2.1): keys of a-z 0-9 - _ . ; a key ending in
   * -bin holds a Uint8Array, any other a string; at most 32 entries and 8192 bytes, which the server
   * checks (it answers INVALID_ARGUMENT or RESOURCE_EXHAUSTED and the handler does not run).
   */
  metadata?: Record<string, string | Uint8Array>;
  /** Told the answer's metadata, when the server sent some, before the call settles. */
  onMetadata?: (metadata: Record<string, string | Uint8Array>) => void;
}

/** Reconnecting after a lost connection (see README). Times in milliseconds. */
export interface ReconnectPolicy {
  /** Delay before the first attempt (100). */
  initialDelay?: number;
  /** Longest delay between attempts (10000). */
  maxDelay?: number;
  /** Growth of the delay per attempt (2). */
  multiplier?: number;
  /** Random spread of each delay, ±fraction (0.2). */
  jitter?: number;
  /** Attempts before the client gives up and closes; 0 for no limit (0). */
  maxAttempts?: number;
  /** How long a call without a deadline waits for a connection before failing UNAVAILABLE (30000). */
  callWait?: number;
}

/** Lifecycle of a client: connecting, connected(false), then per loss disconnected, reconnecting..., connected(true); finally closed. */
export type ConnectionEvent =
  | { readonly type: 'connecting' }
  | { readonly type: 'connected'; readonly reconnected: boolean }
  | { readonly type: 'disconnected'; readonly reason: RpcError }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delay: number }
  | { readonly type: 'closed'; readonly reason?: RpcError };

/**
 * The part of the WebSocket API the client uses: the browser's `WebSocket`, Node 22+'s global one and
 * the `ws` package's class all fit, without a cast.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface ConnectOptions {
  protocols?: never;
  /** The WebSocket class; default the global one (browsers, Node 22+). Node 20: `import { WebSocket } from 'ws'`. */
  WebSocket?: WebSocketConstructor;
  /** Milliseconds for the upgrade and the server's HELLO (10000). */
  connectTimeout?: number;
  /** Deadline of calls made without one, in milliseconds (none). */
  defaultDeadline?: number;
  /** Calls in flight at most; the server's HELLO may lower it (256, 1..65535). */
  maxInFlight?: number;
  /** Largest message accepted from the server, in bytes; larger closes with 1009 (16 MiB). */
  maxMessageSize?: number;
  /** Events queued for {@link Client.events} before new ones are dropped and counted (4096). */
  eventQueue?: number;
  /** Reconnect after a lost connection: true for the default policy. Off by default. */
  reconnect?: boolean | ReconnectPolicy;
  onConnectionEvent?: (e: ConnectionEvent) => void;
}

/** A received event. */
export interface Event<E> {
  readonly value: E;
  readonly topic: Topic;
  /** Events for this client dropped just before this one (by the server or by a full client queue). */
  readonly missedBefore: number;
  /** The connection was lost and re-made since the previous event: events meanwhile were lost, uncounted. */
  readonly afterReconnect: boolean;
  /**
   * What the server attached to the emit (an EVENT_META frame, protocol.md 3.4), e.g. the W3C
   * `traceparent` of the span that emitted it; absent on an event without metadata. Do not modify it.
   */
  readonly metadata?: Readonly<Record<string, string | Uint8Array>> | undefined;
}
