package dev.hardlight.codec;

import dev.hardlight.RpcException;
import dev.hardlight.Status;

/**
 * A {@code Set} with two elements, or a {@code Map} with two keys, that would be sent as the same bytes:
 * distinct strings become one when an unpaired surrogate is sent as {@code '?'} ({@code "?"} and
 * {@code "\uD800"}, or records holding them), and every reader refuses a set or map with a repeated
 * element or key. The sender refuses it instead: on the client the call fails locally with
 * {@link Status#INVALID_ARGUMENT}; on the server a result that cannot be encoded answers the call with
 * {@link Status#INTERNAL}, and a state change or event fails where the application makes it.
 */
public final class RepeatedValueException extends RpcException {
    private static final long serialVersionUID = 1L;

    public RepeatedValueException(String message) {
        super(Status.INVALID_ARGUMENT, message);
    }
}
