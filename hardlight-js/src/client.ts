import { Connection, cancelled, copy, describe, late, sleep, unsent } from './connection.js';
import { EventQueue } from './events.js';
import type { CallOptions, ConnectionEvent, ConnectOptions, Event, MethodSpec, ReconnectPolicy, ServiceSpec, WebSocketConstructor } from './spec.js';
import { RpcError, Status } from './status.js';
import type { Topic } from './values.js';

const DEFAULT_POLICY: Required<ReconnectPolicy> = {
  initialDelay: 100,
  maxDelay: 10_000,
  multiplier: 2,
  jitter: 0.2,
  maxAttempts: 0,
  callWait: 30_000,
};

/** The option `name` of `o`: `dflt` when absent, else a number in (0, max]. */
function positive<D extends number | undefined>(o: ConnectOptions, name: 'connectTimeout' | 'maxInFlight' | 'maxMessageSize' | 'eventQueue' | 'defaultDeadline', dflt: D, max = Infinity): number | D {
  const v = o[name];
  if (v === undefined) return dflt;
  if (!(v > 0 && v <= max)) throw new RangeError(`${name}: ${v} (expected: > 0, <= ${max})`);
  return v;
}

/** Calls each listener; one that throws is reported the way the platform reports an event handler's: uncaught, later. */
function tell<A extends unknown[]>(listeners: Iterable<((...a: A) => void) | undefined>, ...a: A): void {
  for (const l of listeners) {
    try {
      l?.(...a);
    } catch (e) {
      setTimeout(() => {
        throw e;
      });
    }
  }
}

/**
 * A HardLight client: one service, one server, calls multiplexed on one WebSocket (or on its
 * successors when `reconnect` is set). Make it with {@link Client.connect}; generated clients wrap it.
 *
 * Calls take the lowest free call slot; with every slot busy a call waits for one (bounded by its
 * deadline). `state` mirrors the server's connection state and is current when a call resolves;
 * events arrive through {@link events} (a bounded queue) and {@link onEvent}.
 */
export class Client<S = unknown, E = unknown> {
  readonly url: string;
  readonly service: ServiceSpec<S, E>;
  #state: S;
  readonly #options: ConnectOptions;
  readonly #policy: Required<ReconnectPolicy> | undefined;
  readonly #settings: { WebSocket: WebSocketConstructor; connectTimeout: number; maxInFlight: number; maxMessageSize: number };
  readonly #defaultDeadline: number | undefined;
  #current: Connection | undefined;
  #lastFeatures!: ReadonlySet<string>; // set by the first #install, before connect resolves
  #closedReason: RpcError | undefined;
  #reconnecting!: boolean;
  #wake: ((v?: undefined) => void)[] = [];
  readonly #queue: EventQueue<E>;
  readonly #stateListeners = new Set<(state: S, previous: S) => void>();
  readonly #eventListeners = new Set<(e: Event<E>) => void>();
  #skippedCount = 0;

  private constructor(url: string, service: ServiceSpec<S, E>, options: ConnectOptions) {
    this.url = url;
    this.service = service;
    this.#options = options;
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) {
      throw new RpcError(
        9 /* FAILED_PRECONDITION */,
        "no global WebSocket: pass one as the WebSocket option (Node 20: the ws package's)",
      );
    }
    this.#settings = {
      WebSocket: WS,
      connectTimeout: positive(options, 'connectTimeout', 10_000),
      maxInFlight: positive(options, 'maxInFlight', 256, 65535),
      maxMessageSize: positive(options, 'maxMessageSize', 16_777_216 /* 16 MiB */),
    };
    this.#defaultDeadline = positive(options, 'defaultDeadline', undefined);
    const r = options.reconnect;
    this.#policy = r ? { ...DEFAULT_POLICY, ...(r === true ? {} : r) } : undefined;
    this.#queue = new EventQueue(positive(options, 'eventQueue', 4096));
    this.#state = service.state?.initial as S;
  }

  /**
   * Connects to `url` (`wss://host/hl`) and resolves once the server's HELLO was accepted: `state`
   * and `features` are then valid. Fails with an {@link RpcError}: UNAVAILABLE when the server cannot
   * be reached, refuses the upgrade or does not speak HardLight; INCOMPATIBLE when it serves another
   * service or an incompatible state or event type. The first connect is never retried.
   */
  static async connect<S, E>(url: string, service: ServiceSpec<S, E>, options: ConnectOptions = {}): Promise<Client<S, E>> {
    const c = new Client(url, service, options);
    c.#emit({ type: 'connecting' });
    try {
      c.#install(await Connection.open(c, c.#settings), false);
    } catch (e) {
      c.#closedReason = e as RpcError;
      c.#queue.end(e as RpcError);
      c.#emit({ type: 'closed', reason: e as RpcError });
      throw e;
    }
    return c;
  }

  #emit(e: ConnectionEvent): void {
    tell([this.#options.onConnectionEvent], e);
  }

  #install(c: Connection, reconnected: boolean): void {
    const old = this.#current;
    this.#current = c;
    if (old && old !== c) {
      old.muted = true; // the new connection receives the same events: none arrives twice
      old.closeIfDrained();
    }
    this.#lastFeatures = c.features;
    if (reconnected) this.#queue.gap();
    if (this.service.state) {
      if (reconnected) this.#setState(c.state as S);
      else this.#state = c.state as S;
    }
    this.#emit({ type: 'connected', reconnected });
    for (const w of this.#wake.splice(0)) w();
    // closed between its HELLO and now by frames in the same read as the HELLO (a violation, or a
    // GO_AWAY: with no call in flight yet, the connection closed itself)
    const lost = c.closedBy;
    if (lost) this._lost(c, lost);
  }

  /** The connection state as the server last sent it; valid once connect resolves, current when a call resolves. */
  get state(): S {
    return this.#state;
  }

  /** The features the connection has enabled (as the server last said). */
  get features(): ReadonlySet<string> {
    return this.#current?.features ?? this.#lastFeatures;
  }

  /** Events whose sealed case or enum constant this client does not know (a newer server's): skipped, counted. */
  get skippedEvents(): number {
    return this.#skippedCount;
  }

  /**
   * Calls a remote method. Resolves with its result once the server answered; rejects with an
   * {@link RpcError} (or the method's declared {@link ApplicationError} subclass). With a deadline or a
   * signal, the call fails at once when it passes or aborts and CANCEL is sent.
   */
  async call<A extends unknown[], R>(method: MethodSpec<A, R>, args: A, options: CallOptions = {}): Promise<R> {
    const deadline = options.deadline ?? this.#defaultDeadline;
    const deadlineAt = deadline === undefined ? Infinity : Date.now() + deadline;
    for (;;) {
      // the current connection without a wait when it takes calls
      const now = this.#current;
      const c = now && !this.#closedReason && (!this.#policy || now.usable) ? now : await this.#connection(method, deadline, deadlineAt, options.signal);
      try {
        return (await c.call(method, args, deadline, deadlineAt, options)) as R;
      } catch (e) {
        if (!this.#retryable(method, c, e)) throw e;
      }
    }
  }

  /** Whether a failed attempt may go to the next connection: never sent, or lost and idempotent, or refused while going away. */
  #retryable(method: MethodSpec<any, any>, c: Connection, e: unknown): boolean {
    if (!this.#policy || this.#closedReason || !(e instanceof RpcError)) return false;
    if (e.status === 1 /* CANCELLED */ || e.status === 4 /* DEADLINE_EXCEEDED */) return false;
    return (
      (unsent.has(e) && !c.usable) ||
      (e.status === 22 /* CONNECTION_LOST */ && method.idempotent) ||
      (e.status === 14 /* UNAVAILABLE */ && c.goAway !== undefined)
    );
  }

  /** The connection for a call: the current one, or (reconnecting) the next, waited for up to the deadline or callWait. */
  async #connection(method: MethodSpec<any, any>, deadline: number | undefined, deadlineAt: number, signal?: AbortSignal): Promise<Connection> {
    // with a deadline: up to it; without: up to callWait
    const waitUntil = deadline !== undefined ? deadlineAt : Date.now() + (this.#policy?.callWait ?? 0);
    for (;;) {
      if (this.#closedReason) throw copy(this.#closedReason);
      const c = this.#current;
      if (c && (!this.#policy || c.usable)) return c;
      if (signal?.aborted) throw cancelled(this.service, method);
      const left = waitUntil - Date.now();
      if (left <= 0) {
        if (deadline !== undefined) {
          throw late(this.service, method, deadline, ` (not connected: waiting for the reconnect to ${this.url}; nothing was sent)`);
        }
        throw new RpcError(14 /* UNAVAILABLE */, `not connected to ${this.url}: still reconnecting after ${describe(this.#policy!.callWait)} (nothing was sent)`);
      }
      await sleep(this.#wake, waitUntil, signal);
    }
  }

  // ---- what the connections tell (`_` members: internal, left out of the .d.ts, shortened in the bundle) -----

  /** @internal */
  _stateChanged(c: Connection): void {
    if (c === this.#current) this.#setState(c.state as S);
  }

  #setState(s: S): void {
    const before = this.#state;
    this.#state = s;
    tell(this.#stateListeners, s, before);
  }

  /** @internal */
  _event(topic: Topic, value: unknown, metadata?: Record<string, string | Uint8Array>): void {
    tell(this.#eventListeners, this.#queue.offer(topic, value as E, metadata));
  }

  /** @internal */
  _eventsMissed(n: number): void {
    this.#queue.missed(n);
  }

  /** @internal */
  _skipped(): void {
    this.#skippedCount++;
  }

  /** @internal */
  _goingAway(c: Connection): void {
    // make before break: a new connection is made at once while the old one answers its calls
    if (this.#policy && c === this.#current) {
      c.keepAfterGoAway = true;
      void this.#reconnect(true);
    }
  }

  /** @internal */
  _lost(c: Connection, reason: RpcError): void {
    if (c !== this.#current) return; // an old connection already replaced
    this.#current = undefined;
    this.#lastFeatures = c.features;
    if (this.#closedReason) return;
    this.#emit({ type: 'disconnected', reason });
    if (!this.#policy) {
      this.#shut(reason, reason);
      return;
    }
    this.#queue.gap();
    void this.#reconnect(false);
  }

  #shut(reason: RpcError, told: RpcError | undefined): void {
    this.#closedReason = reason;
    this.#queue.end(told ?? null);
    for (const w of this.#wake.splice(0)) w();
    this.#emit(told ? { type: 'closed', reason: told } : { type: 'closed' });
  }

  /** The reconnect loop; one at a time. `immediate`: first try at once (after GO_AWAY), without a Reconnecting event. */
  async #reconnect(immediate: boolean): Promise<void> {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    const p = this.#policy!;
    let last: RpcError | undefined;
    try {
      // attempt 0 (after a GO_AWAY): at once, no delay
      for (let attempt = immediate ? 0 : 1; !this.#closedReason; attempt++) {
        if (this.#current?.usable) return;
        if (p.maxAttempts > 0 && attempt > p.maxAttempts) {
          return this.#giveUp(new RpcError(14 /* UNAVAILABLE */, `gave up reconnecting to ${this.url} after ${p.maxAttempts} attempts; the last failed: ${last?.message}`));
        }
        if (attempt) {
          const base = Math.min(p.maxDelay, p.initialDelay * p.multiplier ** (attempt - 1));
          const delay = Math.max(0, Math.round(base * (1 + p.jitter * (2 * Math.random() - 1))));
          this.#emit({ type: 'reconnecting', attempt, delay });
          await sleep(this.#wake, Date.now() + delay); // close() wakes it
          if (this.#closedReason) return;
        }
        try {
          const c = await Connection.open(this, this.#settings);
          if (this.#closedReason) return c.closeByClient();
          // usable: done (the loop's first check); lost already (by frames read with its HELLO): next attempt
          this.#install(c, true);
        } catch (e) {
          last = e as RpcError;
          // answers another attempt would get again: the server refuses this client or its contract
          if ([23 /* INCOMPATIBLE */, 16 /* UNAUTHENTICATED */, 7 /* PERMISSION_DENIED */, 5 /* NOT_FOUND */].includes(last.status)) return this.#giveUp(last);
        }
      }
    } finally {
      this.#reconnecting = false;
    }
  }

  #giveUp(reason: RpcError): void {
    if (this.#closedReason) return;
    const c = this.#current;
    this.#shut(reason, reason);
    c?.closeByClient();
  }

  // ---- public API ------------------------------------------------------------------------------------

  /** Listens to state changes; returns the function that removes the listener. */
  onState(listener: (state: S, previous: S) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * The received events, in order, through a bounded queue (the `eventQueue` option): when the
   * application reads too slowly, new events are dropped and the next one read says how many in
   * `missedBefore`. Queueing starts with the first call of this method. Iteration ends when the
   * client is closed by the application, and throws the reason when the connection was lost for good.
   */
  events(): AsyncIterableIterator<Event<E>> {
    return this.#queue.iterator();
  }

  /** Listens to every event as it arrives (not through the queue); returns the function that removes the listener. */
  onEvent(listener: (e: Event<E>) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /**
   * Closes the client: pending calls fail with CONNECTION_LOST, later calls fail at once, event
   * iteration ends, no reconnect happens. Resolves once the connection is closed (at most 2 s).
   */
  async close(): Promise<void> {
    if (this.#closedReason) return;
    const c = this.#current;
    this.#shut(new RpcError(22 /* CONNECTION_LOST */, `the client of ${this.url} was closed by the application`), undefined);
    if (c && !c.isClosed) {
      const closed = sleep(c.onClosed, Date.now() + 2000);
      c.closeByClient();
      await closed;
    }
  }
}
