package dev.hardlight.codec;

import dev.hardlight.RpcException;
import dev.hardlight.Status;

/**
 * A {@code null} was found where the wire format needs a value (a non-{@code @Nullable} parameter,
 * return value, record component or collection element). On the client it fails the call locally with
 * {@link Status#INVALID_ARGUMENT}; on the server, a result that cannot be encoded answers the call with
 * {@link Status#INTERNAL}, since it is the handler's bug, not the caller's.
 */
public final class MissingValueException extends RpcException {
    private static final long serialVersionUID = 1L;

    public MissingValueException(String message) {
        super(Status.INVALID_ARGUMENT, message);
    }
}
