package dev.hardlight;

import java.util.Objects;

/**
 * The one unchecked exception of HardLight: a {@link Status} and a message a user can act on.
 *
 * <p>Thrown by generated clients when a call fails (remote error, connection lost, limits) and by
 * codecs on malformed input. A handler may throw it to answer a call with a specific status; any
 * other unchecked exception a handler throws reaches the caller as {@link Status#INTERNAL} with the
 * exception's class and message (never its stack trace).
 */
public class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status status;

    public RpcException(Status status, String message) {
        super(message);
        this.status = Objects.requireNonNull(status, "status");
    }

    public RpcException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = Objects.requireNonNull(status, "status");
    }

    /** The status code of this failure. */
    public Status status() {
        return status;
    }

    @Override
    public String toString() {
        return "RpcException[" + status + "]: " + getMessage();
    }
}
