package dev.hardlight.stream.internal;

import dev.hardlight.stream.SelectorKind;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** Decides which connections an I/O service polls. Not thread-safe: owned by the polling thread. */
public interface ReadinessSelector extends AutoCloseable {

    static ReadinessSelector create(SelectorKind kind) throws IOException {
        return kind == SelectorKind.NIO ? new NioReadinessSelector() : new BusyPollSelector();
    }

    /** Adds a connection; {@code channel} is its socket, or null (then it is polled at every poll). */
    void add(Pollable pollable, SocketChannel channel) throws IOException;

    /** Removes a connection. */
    void remove(Pollable pollable, SocketChannel channel);

    /** Polls the connections that may have work; returns the work done. */
    int poll() throws IOException;

    @Override
    void close();
}
