package dev.hardlight.testing;

import dev.hardlight.StateListener;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A {@link StateListener} that records each new connection state (the {@code after} of every change),
 * for a test to wait on: add it with the generated client's {@code onStateChange(recorder)}.
 *
 * @param <T> the service's connection state type
 */
public final class StateRecorder<T> extends Recorder<T> implements StateListener<T> {
    /** An empty recorder. */
    public StateRecorder() {}

    @Override
    public void stateChanged(T before, T after) {
        record(after);
    }

    /**
     * The first state not yet handed out that satisfies {@code condition}, waiting up to {@code timeout}.
     *
     * @throws AssertionError if the state does not get there in time
     */
    public T awaitState(Predicate<? super T> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        return awaitMatching(condition, timeout, "a state that matches");
    }
}
