// The surface of the runtime @hardlight/client that generated modules use, declared exactly as the
// contract between the runtime and the generator (ts-api) states it, so the generated TypeScript can be
// type-checked without the runtime. TypeScriptCheckTest uses the real runtime's entry instead when the
// system property hardlight.ts.runtime names it.

export class Instant {
  readonly epochSecond: bigint;
  readonly nano: number;
  static readonly EPOCH: Instant;
  static ofEpochMilli(ms: number): Instant;
  static fromDate(d: Date): Instant;
  toDate(): Date;
}

export class Duration {
  readonly seconds: bigint;
  readonly nano: number;
  static readonly ZERO: Duration;
  static ofMillis(ms: number): Duration;
  toMillis(): number;
}

export class Topic {
  readonly bytes: Uint8Array;
  static of(name: string): Topic;
  toString(): string;
}

export class Writer {
  constructor(initialCapacity?: number);
  bool(v: boolean): void;
  byte(v: number): void;
  short(v: number): void;
  int(v: number): void;
  long(v: bigint): void;
  char(v: string): void;
  float(v: number): void;
  double(v: number): void;
  varint(v: number): void;
  string(v: string): void;
  bytes(v: Uint8Array): void;
  raw(v: Uint8Array): void;
  presence(present: boolean): void;
  count(n: number): void;
  instant(v: Instant): void;
  duration(v: Duration): void;
  uuid(v: string): void;
  topic(v: Topic): void;
  beginLength(): number;
  endLength(mark: number): void;
  readonly length: number;
  finish(): Uint8Array;
}

export class Reader {
  constructor(bytes: Uint8Array);
  bool(): boolean;
  byte(): number;
  short(): number;
  int(): number;
  long(): bigint;
  char(): string;
  float(): number;
  double(): number;
  varint(): number;
  string(): string;
  bytes(): Uint8Array;
  presence(): boolean;
  count(): number;
  instant(): Instant;
  duration(): Duration;
  uuid(): string;
  topic(): Topic;
  tag(known: number, typeName: string): number;
  pushLimit(): number;
  popLimit(saved: number): void;
  more(): boolean;
  skip(n: number): void;
  enter(): void;
  exit(): void;
  remaining(): number;
  end(): void;
  malformed(message: string): Error;
}

export interface Codec<T> {
  encode(w: Writer, v: T): void;
  decode(r: Reader): T;
}

export const codecs: {
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
  list<T>(c: Codec<T>): Codec<T[]>;
  set<T>(c: Codec<T>): Codec<Set<T>>;
  map<K, V>(k: Codec<K>, v: Codec<V>): Codec<Map<K, V>>;
  optional<T>(c: Codec<T>): Codec<T | undefined>;
  nullable<T>(c: Codec<T>): Codec<T | null>;
};

export interface MethodSpec<A extends unknown[], R> {
  readonly id: number;
  readonly name: string;
  readonly hash: bigint;
  readonly idempotent: boolean;
  readonly requires?: string;
  readonly encodeArgs: (w: Writer, args: A) => void;
  readonly result: Codec<R> | null;
  readonly errors: readonly ErrorSpec[];
}

export interface ErrorSpec {
  readonly name: string;
  readonly create: (message: string) => Error;
}

export interface ServiceSpec<S = unknown, E = unknown> {
  readonly name: string;
  readonly fingerprint: Uint8Array;
  readonly schema: string;
  readonly methods: readonly MethodSpec<any, any>[];
  readonly state?: {
    readonly hash: bigint;
    readonly codec: Codec<S>;
    readonly fields: readonly Codec<unknown>[];
    readonly initial: S;
    readonly apply: (s: S, changes: ReadonlyMap<number, unknown>) => S;
  };
  readonly events?: { readonly hash: bigint; readonly codec: Codec<E> };
}

export enum Status {
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
  APPLICATION_ERROR = 20,
  PROTOCOL_ERROR = 21,
  CONNECTION_LOST = 22,
  INCOMPATIBLE = 23,
}

export class RpcError extends Error {
  readonly status: Status;
  constructor(status: Status, message: string);
}

export class ApplicationError extends RpcError {
  constructor(message: string);
}

export interface CallOptions {
  deadline?: number;
  signal?: AbortSignal;
}

export interface ReconnectPolicy {
  initialDelay?: number;
  maxDelay?: number;
  multiplier?: number;
  jitter?: number;
  maxAttempts?: number;
  callWait?: number;
}

export type ConnectionEvent =
  | { readonly type: 'connecting' }
  | { readonly type: 'connected'; readonly reconnected: boolean }
  | { readonly type: 'disconnected'; readonly reason: string }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delay: number }
  | { readonly type: 'closed'; readonly reason?: string };

export interface ConnectOptions {
  protocols?: never;
  WebSocket?: new (url: string, protocols?: string | string[]) => WebSocket;
  connectTimeout?: number;
  defaultDeadline?: number;
  maxInFlight?: number;
  maxMessageSize?: number;
  eventQueue?: number;
  reconnect?: boolean | ReconnectPolicy;
  onConnectionEvent?: (e: ConnectionEvent) => void;
}

export interface Event<E> {
  readonly value: E;
  readonly topic: Topic;
  readonly missedBefore: number;
  readonly afterReconnect: boolean;
}

export class Client<S = unknown, E = unknown> {
  private constructor();
  static connect<S, E>(url: string, service: ServiceSpec<S, E>, options?: ConnectOptions): Promise<Client<S, E>>;
  call<A extends unknown[], R>(method: MethodSpec<A, R>, args: A, options?: CallOptions): Promise<R>;
  readonly state: S;
  onState(listener: (state: S, previous: S) => void): () => void;
  readonly features: ReadonlySet<string>;
  events(): AsyncIterableIterator<Event<E>>;
  onEvent(listener: (e: Event<E>) => void): () => void;
  readonly skippedEvents: number;
  close(): Promise<void>;
}
