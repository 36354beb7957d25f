package dev.hardlight;

/**
 * Told of every change of a connection's state on the client, in the order the server committed them.
 * Called on the connection's I/O thread before any later frame is handled (so before the result of the
 * call that caused the change is delivered): return quickly and do not block. An exception it throws is
 * logged and does not stop other listeners.
 *
 * @param <T> the state record type
 */
@FunctionalInterface
public interface StateListener<T> {
    void stateChanged(T before, T after);
}
