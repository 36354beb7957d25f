package dev.hardlight.examples.auth;

/** The token was not accepted: it reaches the client as this type, with this message. */
public final class BadTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadTokenException(String message) {
        super(message);
    }
}
