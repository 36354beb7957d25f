package dev.hardlight.stream;

/**
 * How an {@link IoService} finds the connections that have something to read.
 */
public enum SelectorKind {
    /**
     * Busy polling: every connection is read at every {@link IoService#poll()}, with no system call beyond
     * the read itself. The lowest latency for a few connections; costs one read per connection per poll.
     */
    BUSY_POLL,
    /**
     * Readiness selection ({@link java.nio.channels.Selector}, epoll on Linux): one non-blocking select per
     * poll, then a read only on the connections that are ready (and on those with buffered TLS input,
     * pending output or a connect in progress). Better for many mostly idle connections.
     */
    NIO
}
