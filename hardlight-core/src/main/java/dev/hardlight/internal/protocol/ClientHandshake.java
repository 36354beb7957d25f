package dev.hardlight.internal.protocol;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.schema.Compatibility;
import dev.hardlight.internal.schema.Schema;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a client learns from the server's HELLO, checked against its own contract: which server method
 * id each of its methods maps to (or why it cannot be called), the connection state's snapshot, the
 * enabled features. Pure: it reads a {@link Hello} and a {@link ServiceDescriptor}, keeps no session
 * state and does no I/O; the {@link ClientSession} applies the result.
 *
 * <p>Contract evolution follows protocol.md 6.6: equal hashes are compatible; when a hash differs,
 * the server's schema text (HELLO extension 4, checked against the HELLO's fingerprint) decides, and
 * without it the part is incompatible. A method that cannot be called is refused per method (the call
 * fails locally); a state or event type that cannot be read refuses the whole connection.
 *
 * <p>Immutable once made; {@link #check} may run on any thread.
 */
final class ClientHandshake {
    /** HELLO extension tag carrying the server's schema text. */
    static final int SCHEMA_HELLO_EXTENSION = 4;

    private final int[] serverMethodIds;
    private final String[] refusals;
    private final boolean sameSchema;
    private final Object initialState;
    private final Set<String> features;

    private ClientHandshake(int[] serverMethodIds, String[] refusals, boolean sameSchema, Object initialState,
                            Set<String> features) {
        this.serverMethodIds = serverMethodIds;
        this.refusals = refusals;
        this.sameSchema = sameSchema;
        this.initialState = initialState;
        this.features = features;
    }

    /**
     * The server refused this client's contract, or sent a HELLO this client must not accept: close the
     * connection with {@link #violation()}, and fail whoever waits for the handshake with
     * {@link #reason()}.
     */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final ProtocolViolation violation;
        private final RpcException reason;

        Refused(ProtocolViolation violation, RpcException reason) {
            super(reason.getMessage(), null, false, false);
            this.violation = violation;
            this.reason = reason;
        }

        /** How to close the connection (code and reason). */
        ProtocolViolation violation() {
            return violation;
        }

        /** What the caller waiting for the connection is told. */
        RpcException reason() {
            return reason;
        }
    }

    /**
     * Checks {@code hello} against {@code service} (other than {@link ClientSession#PROBE}).
     *
     * @throws Refused when the server serves another service, its schema text does not match its
     *     fingerprint or cannot be parsed, or its state or event type cannot be read by this client
     * @throws ProtocolViolation when the HELLO is malformed (version, in-flight limit, state snapshot, features)
     */
    static ClientHandshake check(ServiceDescriptor<?> service, Hello hello) {
        checkVersion(hello);
        if (!hello.service().equals(service.name())) {
            throw new Refused(new ProtocolViolation(ProtocolViolation.NORMAL, "wrong service"),
                    new RpcException(Status.INCOMPATIBLE, "the server serves '" + hello.service()
                            + "', this client was generated for '" + service.name() + "'"));
        }
        if (hello.maxInFlight() < 1 || hello.maxInFlight() > InFlight.MAX) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "HELLO: maxInFlight " + hello.maxInFlight());
        }
        Schemas schemas = new Schemas(service, schemaText(hello));
        Object state = service.state() == null ? null : initialState(service.state(), hello, schemas);
        if (service.events() != null) {
            checkEventType(service.events(), hello, schemas);
        }
        Set<String> features = Set.of();
        for (Hello.Extension e : hello.extensions()) {
            if (e.tag() == SessionFeatures.HELLO_EXTENSION) {
                try {
                    features = Set.copyOf(Frames.readFeaturesBody(Unpooled.wrappedBuffer(e.value())));
                } catch (RpcException ex) {
                    throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "HELLO features: " + ex.getMessage());
                }
            }
        }
        List<MethodDescriptor<?>> local = service.methods();
        int[] serverMethodIds = new int[local.size()];
        String[] refusals = new String[local.size()];
        mapMethods(service, hello, schemas, serverMethodIds, refusals);
        return new ClientHandshake(serverMethodIds, refusals, Arrays.equals(hello.fingerprint(), service.fingerprint()),
                state, features);
    }

    /**
     * Checks what a {@link ClientSession#PROBE} checks: the protocol version, and the schema text (when
     * sent) against the fingerprint.
     */
    static void checkProbe(Hello hello) {
        checkVersion(hello);
        schemaText(hello);
    }

    private static void checkVersion(Hello hello) {
        if (hello.version() != Frames.VERSION) {
            throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR,
                    "server speaks protocol version " + hello.version() + ", this client " + Frames.VERSION);
        }
    }

    /** The server's id for this client's method {@code localId}, or -1 when it cannot be called ({@link #refusal}). */
    int serverMethodId(int localId) {
        return serverMethodIds[localId];
    }

    /**
     * Why this client's method {@code localId} cannot be called: {@link Status#UNIMPLEMENTED} when the
     * server lacks it, {@link Status#INCOMPATIBLE} when its signature cannot be read; {@code null} when it
     * can be called.
     */
    RpcException refusal(int localId) {
        String reason = refusals[localId];
        if (reason == null) {
            return null;
        }
        return new RpcException(reason.startsWith("the server does not") ? Status.UNIMPLEMENTED : Status.INCOMPATIBLE,
                reason);
    }

    /** The reasons of every method that cannot be called, in method id order. */
    List<String> refusals() {
        return Arrays.stream(refusals).filter(r -> r != null).toList();
    }

    /** Whether the server's contract fingerprint equals this client's. */
    boolean sameSchema() {
        return sameSchema;
    }

    /** The connection state's snapshot from the HELLO; {@code null} when this client's contract has no state. */
    Object initialState() {
        return initialState;
    }

    /** The features the HELLO enables; empty when it names none. */
    Set<String> features() {
        return features;
    }

    /**
     * The server's schema text from HELLO extension 4, checked against the HELLO's fingerprint;
     * {@code null} when the server sent none (then only equal hashes are compatible). It is parsed only
     * when a hash differs ({@link Schemas#server()}).
     */
    private static String schemaText(Hello hello) {
        for (Hello.Extension e : hello.extensions()) {
            if (e.tag() == SCHEMA_HELLO_EXTENSION) {
                byte[] digest;
                try {
                    digest = MessageDigest.getInstance("SHA-256").digest(e.value());
                } catch (NoSuchAlgorithmException ex) {
                    throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
                }
                if (!Arrays.equals(digest, hello.fingerprint())) {
                    throw helloViolation("HELLO schema does not match its fingerprint");
                }
                try {
                    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(e.value())).toString();
                } catch (CharacterCodingException ex) {
                    throw helloViolation("HELLO schema: invalid UTF-8");
                }
            }
        }
        return null;
    }

    /** A malformed HELLO schema: closes 1002, and the caller waiting for the connection is told at once. */
    private static Refused helloViolation(String message) {
        return new Refused(new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, message),
                new RpcException(Status.PROTOCOL_ERROR, message));
    }

    /** A contract this client cannot use: closes 1000 "incompatible contract". */
    private static Refused incompatible(String message) {
        return new Refused(new ProtocolViolation(ProtocolViolation.NORMAL, "incompatible contract"),
                new RpcException(Status.INCOMPATIBLE, message));
    }

    /** The two schemas, parsed on first use (only when a hash differs). Used during one {@link #check}. */
    private static final class Schemas {
        private final ServiceDescriptor<?> service;
        private final String serverText;
        private Schema server;
        private Schema local;

        Schemas(ServiceDescriptor<?> service, String serverText) {
            this.service = service;
            this.serverText = serverText;
        }

        /** The server's schema; {@code null} when it sent none. */
        Schema server() {
            if (server == null && serverText != null) {
                try {
                    server = Schema.parse(serverText);
                    local = Schema.parse(service.schema());
                } catch (IllegalArgumentException ex) {
                    throw helloViolation("HELLO schema: " + ex.getMessage());
                }
            }
            return server;
        }

        /** A comparison of this client's contract ("here") with the server's ("there"); after {@link #server()}. */
        Compatibility compatibility() {
            return new Compatibility(local, server);
        }
    }

    /**
     * Throws INCOMPATIBLE ("the server's {@code what} is incompatible with this client's {@code local}:
     * why") unless this client's type {@code local} can read (and be read as) the server's: equal
     * hashes, or compatible by the rule of protocol.md 6.6. {@code remoteOf} names the server's type in
     * its schema text; it is read only when the hashes differ and the server sent its schema.
     */
    private static void requireCompatibleType(Schemas schemas, String what, String local, boolean sameHash,
                                              Function<Schema, String> remoteOf) {
        if (sameHash) {
            return;
        }
        Schema server = schemas.server();
        String remote = server == null ? null : remoteOf.apply(server);
        String difference;
        if (remote == null) {
            difference = "it differs from the server's: regenerate the client from the server's contract";
        } else if (!local.equals(remote)) {
            difference = "it is " + local + " here and " + remote + " there";
        } else {
            difference = schemas.compatibility().type(local, remote);
        }
        if (difference != null) {
            throw incompatible("the server's " + what + " is incompatible with this client's " + local + ": " + difference);
        }
    }

    private static Object initialState(StateCodec<?> stateCodec, Hello hello, Schemas schemas) {
        for (Hello.Extension e : hello.extensions()) {
            if (e.tag() == ServerState.HELLO_EXTENSION) {
                ByteBuf buf = Unpooled.wrappedBuffer(e.value());
                WireReader r = new ByteBufWireReader(buf);
                long hash = buf.readableBytes() >= 8 ? buf.readLong() : 0;
                requireCompatibleType(schemas, "connection state", stateCodec.type().getCanonicalName(),
                        hash == stateCodec.schemaHash(), Schema::state);
                try {
                    Object snapshot = stateCodec.decode(r);
                    r.expectEnd("the state snapshot");
                    return snapshot;
                } catch (RpcException ex) {
                    throw new ProtocolViolation(ProtocolViolation.PROTOCOL_ERROR, "HELLO state: " + ex.getMessage());
                }
            }
        }
        throw incompatible("the server sent no connection state; this client expects " + stateCodec.type().getName());
    }

    private static void checkEventType(EventDescriptor<?> events, Hello hello, Schemas schemas) {
        for (Hello.Extension e : hello.extensions()) {
            if (e.tag() == ServerSession.EVENTS_HELLO_EXTENSION && e.value().length == 8) {
                long hash = 0;
                for (byte b : e.value()) {
                    hash = (hash << 8) | (b & 0xFF);
                }
                requireCompatibleType(schemas, "event type", events.type().getCanonicalName(),
                        hash == events.schemaHash(), Schema::events);
                return;
            }
        }
        throw incompatible("the server declares no events; this client expects " + events.type().getName());
    }

    private static void mapMethods(ServiceDescriptor<?> service, Hello hello, Schemas schemas, int[] serverMethodIds,
                                   String[] refusals) {
        Arrays.fill(serverMethodIds, -1);
        Map<String, Hello.MethodEntry> byName = new HashMap<>();
        for (Hello.MethodEntry e : hello.methods()) {
            byName.put(e.name(), e);
        }
        for (MethodDescriptor<?> m : service.methods()) {
            Hello.MethodEntry e = byName.get(m.name());
            if (e == null) {
                refusals[m.id()] = "the server does not implement " + service.name() + "." + m.name();
            } else if (e.signatureHash() != m.signatureHash()) {
                String difference = schemas.server() == null || !schemas.server().methods().containsKey(m.name())
                        ? "its signature differs: regenerate the client from the server's contract"
                        : schemas.compatibility().method(m.name());
                if (difference == null) {
                    serverMethodIds[m.id()] = e.id();
                } else {
                    refusals[m.id()] = service.name() + "." + m.name() + " is incompatible with the server: " + difference;
                }
            } else {
                serverMethodIds[m.id()] = e.id();
            }
        }
    }
}
