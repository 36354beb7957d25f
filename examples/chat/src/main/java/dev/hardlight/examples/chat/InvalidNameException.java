package dev.hardlight.examples.chat;

/** A user or room name that is not 1 to 24 letters, digits, '-' or '_'. */
public final class InvalidNameException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidNameException(String message) {
        super(message);
    }
}
