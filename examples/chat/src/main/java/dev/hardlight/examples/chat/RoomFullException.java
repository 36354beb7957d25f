package dev.hardlight.examples.chat;

/** The room has as many members as it may: {@link Chat#join} refused. Reaches the browser as its own error class. */
public final class RoomFullException extends Exception {
    private static final long serialVersionUID = 1L;

    public RoomFullException(String message) {
        super(message);
    }
}
