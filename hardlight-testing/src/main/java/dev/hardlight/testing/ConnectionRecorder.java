package dev.hardlight.testing;

import dev.hardlight.netty.ConnectionEvent;
import dev.hardlight.netty.ConnectionListener;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link ConnectionListener} that records a client's connection events (connecting, connected,
 * disconnected, reconnecting, closed), for a test to wait on: give it to
 * {@code ClientOptions.Builder.connectionListener(recorder)}.
 */
public final class ConnectionRecorder extends Recorder<ConnectionEvent> implements ConnectionListener {
    /** An empty recorder. */
    public ConnectionRecorder() {}

    @Override
    public void connectionChanged(ConnectionEvent event) {
        record(event);
    }

    /**
     * The next event of type {@code type} not yet handed out, waiting up to {@code timeout}; the events of
     * other types before it are passed over.
     *
     * @throws AssertionError if none arrives in time
     */
    public <X extends ConnectionEvent> X await(Class<X> type, Duration timeout) {
        Objects.requireNonNull(type, "type");
        return type.cast(awaitMatching(type::isInstance, timeout, "a " + type.getSimpleName() + " event"));
    }
}
