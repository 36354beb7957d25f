package dev.hardlight.examples.counter;

/** The application error of {@link Counter#decrement}: it travels to the client as this type. */
public final class CounterUnderflowException extends Exception {
    private static final long serialVersionUID = 1L;

    public CounterUnderflowException(String message) {
        super(message);
    }
}
