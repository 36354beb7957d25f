package dev.hardlight.hypercore.internal;

import dev.hardlight.hypercore.HypercoreException;
import java.io.Serial;

/** Bytes from the peer that do not decode: truncated, oversize, out of range or of an unknown kind. */
public final class MalformedException extends HypercoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
        super(message);
    }
}
