package dev.hardlight.netty;

/** The declared application error of {@link Counter#fail}. */
public class CounterException extends Exception {
    private static final long serialVersionUID = 1L;

    public CounterException(String message) {
        super(message);
    }
}
