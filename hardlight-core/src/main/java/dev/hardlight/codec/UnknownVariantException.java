package dev.hardlight.codec;

import dev.hardlight.RpcException;
import dev.hardlight.Status;

/**
 * A value names an enum constant or a sealed interface's subtype this side does not know (a newer
 * peer's contract added it) and the type declares no {@link dev.hardlight.Fallback @Fallback} to decode
 * it to. Like any malformed input it has {@link Status#PROTOCOL_ERROR}; the difference matters for
 * events: a client skips an event whose payload it cannot decode for this reason and counts it in
 * {@link dev.hardlight.EventStream#skippedUnknown()}, instead of closing the connection.
 */
public final class UnknownVariantException extends RpcException {
    private static final long serialVersionUID = 1L;

    public UnknownVariantException(String message) {
        super(Status.PROTOCOL_ERROR, "malformed message: " + message);
    }
}
