package dev.hardlight.service;

import dev.hardlight.Features;
import dev.hardlight.codec.Codec;
import java.util.List;
import java.util.Objects;

/**
 * One method of a service, as the generated schema describes it. Immutable.
 *
 * @param id the method's id: its position in the interface's declaration order (0-based). The server
 *     announces its ids in the hello and clients map methods to them by name, so adding a method never
 *     breaks an older peer.
 * @param name the Java method name (unique within the service; overloads are refused by the processor)
 * @param signatureHash the first 8 bytes (big-endian) of the SHA-256 of the method's canonical
 *     signature, types expanded: two peers agree on a method exactly when these are equal
 * @param returnCodec decodes the result on the client ({@code Codecs.VOID} for {@code void})
 * @param declaredErrors the checked exceptions the method declares, in declaration order
 * @param requiredFeature the feature a connection needs to call it ({@code @Requires}), or {@code null}
 * @param idempotent whether the method is marked {@code @Idempotent}: a client that reconnects may send a
 *     call again when the connection was lost before its answer
 * @param nonBlocking whether the method is marked {@code @NonBlocking}: a server that allows it may run
 *     the handler on the connection's I/O thread
 */
public record MethodDescriptor<R>(
        int id, String name, long signatureHash, Codec<R> returnCodec, List<DeclaredError> declaredErrors,
        String requiredFeature, boolean idempotent, boolean nonBlocking) {

    /** A method open to every connection. */
    public MethodDescriptor(int id, String name, long signatureHash, Codec<R> returnCodec, List<DeclaredError> declaredErrors) {
        this(id, name, signatureHash, returnCodec, declaredErrors, null, false, false);
    }

    /** A method gated by {@code requiredFeature} ({@code null}: open), neither idempotent nor non-blocking. */
    public MethodDescriptor(int id, String name, long signatureHash, Codec<R> returnCodec, List<DeclaredError> declaredErrors,
                            String requiredFeature) {
        this(id, name, signatureHash, returnCodec, declaredErrors, requiredFeature, false, false);
    }

    public MethodDescriptor {
        if (requiredFeature != null) {
            Features.checkName(requiredFeature);
        }
        if (id < 0) {
            throw new IllegalArgumentException("id: " + id + " (expected: >= 0)");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(returnCodec, "returnCodec");
        declaredErrors = List.copyOf(declaredErrors);
    }

    /** The index of the declared exception type {@code t} is an instance of, or -1. */
    public int declaredErrorIndex(Throwable t) {
        for (int i = 0; i < declaredErrors.size(); i++) {
            if (declaredErrors.get(i).type().isInstance(t)) {
                return i;
            }
        }
        return -1;
    }
}
