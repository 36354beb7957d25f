package dev.hardlight.internal.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The HELLO frame, as a value (for tests, golden vectors and the client session).
 *
 * <pre>
 *  0x01 | version:varint | service:string | fingerprint:32 bytes | maxInFlight:varint
 *       | maxMessageSize:varint | methodCount:varint | { id:varint name:string hash:8 bytes }*
 *       | extensionCount:varint | { tag:varint length:varint bytes }*
 * </pre>
 */
public record Hello(
        int version,
        String service,
        byte[] fingerprint,
        int maxInFlight,
        int maxMessageSize,
        List<MethodEntry> methods,
        List<Extension> extensions) {

    public Hello {
        Objects.requireNonNull(service, "service");
        if (fingerprint.length != 32) {
            throw new IllegalArgumentException("fingerprint: " + fingerprint.length + " bytes (expected: 32)");
        }
        methods = List.copyOf(methods);
        extensions = List.copyOf(extensions);
    }

    /** One method the server implements. */
    public record MethodEntry(int id, String name, long signatureHash) {}

    /** A tagged extension; a receiver skips tags it does not know. */
    public record Extension(int tag, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Extension e && e.tag == tag && Arrays.equals(e.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * tag + Arrays.hashCode(value);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hello h
                && h.version == version
                && h.service.equals(service)
                && Arrays.equals(h.fingerprint, fingerprint)
                && h.maxInFlight == maxInFlight
                && h.maxMessageSize == maxMessageSize
                && h.methods.equals(methods)
                && h.extensions.equals(extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, service, Arrays.hashCode(fingerprint), maxInFlight, maxMessageSize, methods, extensions);
    }
}
