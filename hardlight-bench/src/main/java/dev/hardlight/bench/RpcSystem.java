package dev.hardlight.bench;

import java.util.function.IntConsumer;

/**
 * One system under test: a running server on loopback and the way to open client connections to it.
 * Each does the same work per call: an int in, that int plus one out (raw transports echo a frame of
 * the same size instead).
 */
interface RpcSystem extends AutoCloseable {
    /** Opens one client connection, connected and ready for calls when this returns. */
    Conn connect() throws Exception;

    /** Stops the server (clients must be closed first). */
    @Override
    void close() throws Exception;

    /** One client connection. Thread-safe unless stated. */
    interface Conn extends AutoCloseable {
        /** A round trip from a user thread, which waits for the answer. */
        int callBlocking(int x) throws Exception;

        /**
         * Starts a round trip; {@code done} gets the answer (or a negative number on failure) on the
         * system's completion thread (an event loop, or the client's executor), from which the next
         * call may be started.
         */
        void callAsync(int x, IntConsumer done);

        @Override
        void close() throws Exception;
    }
}
