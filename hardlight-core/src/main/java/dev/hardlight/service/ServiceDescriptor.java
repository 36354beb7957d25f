package dev.hardlight.service;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A service contract as the annotation processor compiled it: generated as
 * {@code <Service>Schema.DESCRIPTOR}. Immutable.
 *
 * @param type the {@code @Rpc} interface
 * @param name the service name sent in the hello
 * @param fingerprint SHA-256 of {@code schema}, 32 bytes: equal fingerprints mean identical contracts
 * @param schema the canonical schema text (methods and every type crossing the wire, expanded)
 * @param methods the methods, indexed by id
 * @param dispatcher the generated dispatcher
 * @param state the codec of the connection state record, or {@code null} when the service has none
 * @param events the event type and codec, or {@code null} when the service has none
 */
public record ServiceDescriptor<S>(
        Class<S> type,
        String name,
        byte[] fingerprint,
        String schema,
        List<MethodDescriptor<?>> methods,
        ServiceDispatcher<S> dispatcher,
        StateCodec<?> state,
        EventDescriptor<?> events) {

    /** A descriptor of a service without connection state or events. */
    public ServiceDescriptor(Class<S> type, String name, byte[] fingerprint, String schema,
                             List<MethodDescriptor<?>> methods, ServiceDispatcher<S> dispatcher) {
        this(type, name, fingerprint, schema, methods, dispatcher, null, null);
    }

    /** A descriptor of a service with connection state ({@code null} for none) and no events. */
    public ServiceDescriptor(Class<S> type, String name, byte[] fingerprint, String schema,
                             List<MethodDescriptor<?>> methods, ServiceDispatcher<S> dispatcher, StateCodec<?> state) {
        this(type, name, fingerprint, schema, methods, dispatcher, state, null);
    }

    public ServiceDescriptor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(dispatcher, "dispatcher");
        if (fingerprint.length != 32) {
            throw new IllegalArgumentException("fingerprint: " + fingerprint.length + " bytes (expected: 32)");
        }
        fingerprint = fingerprint.clone();
        methods = List.copyOf(methods);
        for (int i = 0; i < methods.size(); i++) {
            if (methods.get(i).id() != i) {
                throw new IllegalArgumentException("methods[" + i + "].id: " + methods.get(i).id() + " (expected: " + i + ")");
            }
        }
    }

    @Override
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    /** The fingerprint as lowercase hex. */
    public String fingerprintHex() {
        return HexFormat.of().formatHex(fingerprint);
    }

    /** The method with this name, or {@code null}. */
    public MethodDescriptor<?> method(String methodName) {
        for (MethodDescriptor<?> m : methods) {
            if (m.name().equals(methodName)) {
                return m;
            }
        }
        return null;
    }
}
