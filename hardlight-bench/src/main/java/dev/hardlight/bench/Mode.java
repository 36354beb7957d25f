package dev.hardlight.bench;

/** Where server work runs, and how event loops wait. */
enum Mode {
    /**
     * Handlers on the I/O thread: gRPC's {@code directExecutor()} on server and client; HardLight's
     * {@code handlerExecutor(Runnable::run)}. Each system's fastest configuration.
     */
    DIRECT("direct"),
    /**
     * Each system's defaults: gRPC's cached thread pools on server and client; HardLight's virtual
     * thread per call on the server (its client has no executor: answers complete on the I/O thread).
     */
    DEFAULT("default"),
    /** {@link #DIRECT}, with busy-polling event loops (one per side) instead of epoll_wait. */
    BUSY_POLL("busy-poll"),
    /** Raw transports: the only way they run. */
    RAW("raw");

    final String label;

    Mode(String label) {
        this.label = label;
    }
}
