package dev.hardlight.bench;

/** The fanned-out event: when the server emitted it ({@link System#nanoTime()}, same host). */
public sealed interface Tick {
    /** One emit; {@code sentNanos} is the server's clock at emit. */
    record At(long sentNanos) implements Tick {}
}
