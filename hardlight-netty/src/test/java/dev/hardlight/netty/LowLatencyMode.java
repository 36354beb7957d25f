package dev.hardlight.netty;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class in low-latency mode: the servers and clients the shared test helpers make
 * ({@link TestServer}, {@link #server}, {@link #client}) busy-poll, and the servers run handlers
 * marked {@code @NonBlocking} inline on their I/O threads. A subclass of a functional test with
 * {@code @ExtendWith(LowLatencyMode.class)} runs that test's cases again in this mode. Test classes
 * run one at a time, so one switch for the JVM is enough.
 */
final class LowLatencyMode implements BeforeAllCallback, AfterAllCallback {
    private static volatile boolean on;

    @Override
    public void beforeAll(ExtensionContext context) {
        on = true;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        on = false;
    }

    static boolean on() {
        return on;
    }

    /** The builder, in low-latency mode if it is on. */
    static <S> ServerBuilder<S> server(ServerBuilder<S> b) {
        return on ? b.busyPoll(true).inlineNonBlockingHandlers(true) : b;
    }

    /** The options, in low-latency mode if it is on. */
    static ClientOptions client(ClientOptions options) {
        return on ? options.toBuilder().busyPoll(true).build() : options;
    }
}
