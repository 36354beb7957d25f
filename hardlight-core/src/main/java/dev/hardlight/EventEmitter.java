package dev.hardlight;

/**
 * Sends typed events to every connection subscribed to a topic. Get one from the server
 * ({@code server.events(MyEvent.class)}) or from a connection ({@link Connection#events}); they are
 * the same emitter and may be used from any thread, handlers included.
 *
 * <p>An event is encoded once per emit; all recipients share the same bytes. Events emitted on one
 * topic from one thread arrive at each subscriber in emit order. A subscriber whose outbound queue is
 * full gets the server's slow-consumer policy (by default the event is dropped for that subscriber,
 * which is told how many it missed); emit never blocks on a slow subscriber.
 *
 * <p>Metadata attached to the emitting thread ({@link Metadata#attach()}) travels with the event (an
 * EVENT_META frame) and every subscriber gets the same entries ({@link Event#metadata()}):
 *
 * <pre>{@code
 * try (Metadata.Scope s = Metadata.of("request-id", "42").attach()) {
 *     events.emit(topic, new Joined("ann"));
 * }
 * }</pre>
 *
 * With nothing attached the event is sent as before and the emit allocates nothing for it.
 *
 * @param <E> the service's event type
 */
public interface EventEmitter<E> {
    /**
     * Emits {@code event} on {@code topic}.
     *
     * @return the number of connections the event was queued to (0 when the topic has no subscriber)
     */
    int emit(Topic topic, E event);
}
