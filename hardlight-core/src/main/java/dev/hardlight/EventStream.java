package dev.hardlight;

import java.time.Duration;
import java.util.Optional;

/**
 * The events a client receives, in arrival order, through a bounded queue. When the queue is full a
 * new event is dropped and counted; the next event taken reports the count in
 * {@link Event#missedBefore()}. So memory stays bounded however slowly the application reads.
 *
 * <p>Thread-safe. Typically read by one virtual thread in a loop:
 * <pre>{@code
 * while (true) {
 *     Event<CounterEvent> e = client.events().take();
 *     ...
 * }
 * }</pre>
 *
 * @param <E> the service's event type
 */
public interface EventStream<E> {
    /** Waits for the next event. When the connection closes, throws {@link RpcException} ({@code CONNECTION_LOST}) once the queue is empty. */
    Event<E> take() throws InterruptedException;

    /** Waits at most {@code timeout} for the next event. */
    Optional<Event<E>> poll(Duration timeout) throws InterruptedException;

    /** Events queued and not yet taken. */
    int size();

    /** Events dropped in all since the connection opened. */
    long missed();

    /**
     * Events received and skipped, in all since the client was created, because their payload named an
     * enum constant or a sealed subtype this client's contract does not know (a newer server added it)
     * and the type declares no {@link Fallback @Fallback}. Such an event is not delivered to the queue or
     * to listeners and does not close the connection; any other undecodable event does (1002).
     */
    long skippedUnknown();
}
