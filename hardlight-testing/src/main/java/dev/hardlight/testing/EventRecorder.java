package dev.hardlight.testing;

import dev.hardlight.Event;
import dev.hardlight.EventListener;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An {@link EventListener} that records every event it is told of, for a test to wait on: add it with
 * the generated client's {@code onEvent(recorder)}.
 *
 * <pre>{@code
 * EventRecorder<ChatEvent> events = new EventRecorder<>();
 * client.onEvent(events);
 * client.say("lobby", "hi");
 * ChatEvent said = events.awaitValue(e -> e instanceof ChatEvent.Said, Duration.ofSeconds(5));
 * }</pre>
 *
 * @param <E> the service's event type
 */
public final class EventRecorder<E> extends Recorder<Event<E>> implements EventListener<E> {
    /** An empty recorder. */
    public EventRecorder() {}

    @Override
    public void onEvent(Event<E> event) {
        record(event);
    }

    /**
     * The value of the next event not yet handed out whose value matches {@code condition}, waiting up
     * to {@code timeout}.
     *
     * @throws AssertionError if none arrives in time
     */
    public E awaitValue(Predicate<? super E> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        return awaitMatching(e -> condition.test(e.value()), timeout, "an event whose value matches").value();
    }
}
