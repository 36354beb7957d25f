import type { RpcError } from './status.js';
import type { Event } from './spec.js';
import type { Topic } from './values.js';

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * The client's bounded event queue, kept across reconnects. It starts queueing when the application
 * first asks for {@link iterator} (before that, events reach listeners only). A full queue drops the
 * new event and counts it; the next event delivered carries the count in `missedBefore`, together
 * with drops the server reported (EVENTS_MISSED).
 */
export class EventQueue<E> {
  readonly #items: Event<E>[] = [];
  /** Pending next() calls: resolve and reject. */
  readonly #takers: [(r: IteratorResult<Event<E>>) => void, (e: RpcError) => void][] = [];
  #active = false;
  #pendingMissed = 0;
  #gap = false;
  /** undefined: open; null: closed by the application; else the reason it ended. */
  #ended: RpcError | null | undefined;

  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** A reconnect happened: the next event says so. */
  gap(): void {
    this.#gap = true;
  }

  missed(n: number): void {
    this.#pendingMissed += n;
  }

  /** Queues an event (or counts it when the queue is full); returns the event as listeners see it. */
  offer(topic: Topic, value: E, metadata?: Record<string, string | Uint8Array>): Event<E> {
    const e: Event<E> = { value, topic, missedBefore: this.#pendingMissed, afterReconnect: this.#gap, ...(metadata && { metadata }) };
    if (this.#active) {
      const take = this.#takers.shift();
      if (take) take[0]({ value: e, done: false });
      else if (this.#items.length >= this.#capacity) {
        this.#pendingMissed++;
        return e;
      } else this.#items.push(e);
    }
    this.#pendingMissed = 0;
    this.#gap = false;
    return e;
  }

  end(reason: RpcError | null): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    for (const [t, f] of this.#takers.splice(0)) {
      if (reason) f(reason);
      else t(DONE);
    }
  }

  #next(): Promise<IteratorResult<Event<E>>> {
    const e = this.#items.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.#ended !== undefined) {
      return this.#ended ? Promise.reject(this.#ended) : Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => this.#takers.push([resolve, reject]));
  }

  /** An iterator over the queue; several iterators share it (each event goes to one of them). */
  iterator(): AsyncIterableIterator<Event<E>> {
    this.#active = true;
    let done = false;
    const it: AsyncIterableIterator<Event<E>> = {
      next: () => (done ? Promise.resolve(DONE) : this.#next()),
      return: () => {
        done = true;
        return Promise.resolve(DONE);
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
}
