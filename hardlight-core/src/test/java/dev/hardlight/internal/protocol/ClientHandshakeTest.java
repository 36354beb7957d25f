package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's check of a HELLO against its contract ({@link Calc}), with no session around it. */
@Timeout(30)
class ClientHandshakeTest {

    /** The server's methods under ids of its own (10..13), to show the map is by name, not by id. */
    private static List<Hello.MethodEntry> calcMethods() {
        return List.of(new Hello.MethodEntry(10, "add", Calc.ADD.signatureHash()),
                new Hello.MethodEntry(11, "check", Calc.CHECK.signatureHash()),
                new Hello.MethodEntry(12, "echo", Calc.ECHO.signatureHash()),
                new Hello.MethodEntry(13, "await", Calc.AWAIT.signatureHash()));
    }

    private static Hello hello(String service, byte[] fingerprint, List<Hello.MethodEntry> methods,
                               List<Hello.Extension> extensions) {
        return new Hello(Frames.VERSION, service, fingerprint, 8, 1 << 20, methods, extensions);
    }

    /** A server whose contract is {@code schema}, sending it in HELLO extension 4. */
    private static Hello evolved(String schema, List<Hello.MethodEntry> methods) {
        return hello("Calc", Calc.sha256(schema), methods, List.of(new Hello.Extension(
                ClientHandshake.SCHEMA_HELLO_EXTENSION, schema.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theSameContractMapsEveryMethodByName() {
        ClientHandshake h = ClientHandshake.check(Calc.DESCRIPTOR, hello("Calc", Calc.sha256(Calc.SCHEMA),
                calcMethods(), List.of()));
        assertThat(h.sameSchema()).isTrue();
        assertThat(List.of(h.serverMethodId(0), h.serverMethodId(1), h.serverMethodId(2), h.serverMethodId(3)))
                .containsExactly(10, 11, 12, 13);
        assertThat(h.refusals()).isEmpty();
        assertThat(h.refusal(2)).isNull();
        assertThat(h.features()).isEmpty();
        assertThat(h.initialState()).isNull(); // Calc has no connection state
    }

    @Test
    void aCompatibleEvolutionIsCalledDespiteItsOtherHash() {
        // the server appended a parameter to echo: a call from this client is still understood
        String v2 = Calc.SCHEMA.replace("method echo(s:string):string", "method echo(s:string,times:int):string");
        List<Hello.MethodEntry> methods = new ArrayList<>(calcMethods());
        methods.set(2, new Hello.MethodEntry(12, "echo", 0x7777L));
        ClientHandshake h = ClientHandshake.check(Calc.DESCRIPTOR, evolved(v2, methods));
        assertThat(h.sameSchema()).isFalse();
        assertThat(h.serverMethodId(Calc.ECHO.id())).isEqualTo(12);
        assertThat(h.refusal(Calc.ECHO.id())).isNull();
        assertThat(h.refusals()).isEmpty();
    }

    @Test
    void anIncompatibleMethodIsRefusedAsIncompatibleWithTheDifference() {
        String v2 = Calc.SCHEMA.replace("method add(a:int,b:int):int", "method add(a:long,b:int):int");
        List<Hello.MethodEntry> methods = new ArrayList<>(calcMethods());
        methods.set(0, new Hello.MethodEntry(10, "add", 0x9999L));
        ClientHandshake h = ClientHandshake.check(Calc.DESCRIPTOR, evolved(v2, methods));
        assertThat(h.serverMethodId(Calc.ADD.id())).isEqualTo(-1);
        RpcException refusal = h.refusal(Calc.ADD.id());
        assertThat(refusal.status()).isEqualTo(Status.INCOMPATIBLE);
        assertThat(refusal.getMessage()).startsWith("Calc.add is incompatible with the server: parameter 1")
                .contains("a:int", "a:long");
        assertThat(h.serverMethodId(Calc.ECHO.id())).isEqualTo(12); // the others are unaffected
        assertThat(h.refusals()).containsExactly(refusal.getMessage());
    }

    @Test
    void aChangedMethodWithoutTheServersSchemaIsIncompatible() {
        List<Hello.MethodEntry> methods = new ArrayList<>(calcMethods());
        methods.set(0, new Hello.MethodEntry(10, "add", 0x9999L));
        ClientHandshake h = ClientHandshake.check(Calc.DESCRIPTOR, hello("Calc", Calc.sha256("v2"), methods, List.of()));
        assertThat(h.refusal(Calc.ADD.id()).status()).isEqualTo(Status.INCOMPATIBLE);
        assertThat(h.refusal(Calc.ADD.id())).hasMessageContaining("regenerate the client");
    }

    @Test
    void aMissingMethodIsRefusedAsUnimplemented() {
        List<Hello.MethodEntry> methods = calcMethods().subList(0, 3); // no await
        ClientHandshake h = ClientHandshake.check(Calc.DESCRIPTOR, hello("Calc", Calc.sha256("v2"), methods, List.of()));
        assertThat(h.serverMethodId(Calc.AWAIT.id())).isEqualTo(-1);
        RpcException refusal = h.refusal(Calc.AWAIT.id());
        assertThat(refusal.status()).isEqualTo(Status.UNIMPLEMENTED);
        assertThat(refusal).hasMessage("the server does not implement Calc.await");
        assertThat(h.serverMethodId(Calc.ADD.id())).isEqualTo(10);
    }

    @Test
    void aSchemaTextWhoseHashDiffersFromTheFingerprintIsAViolation() {
        Hello hello = hello("Calc", Calc.sha256(Calc.SCHEMA), calcMethods(), List.of(new Hello.Extension(
                ClientHandshake.SCHEMA_HELLO_EXTENSION, "service Other\n".getBytes(StandardCharsets.UTF_8))));
        assertThatThrownBy(() -> ClientHandshake.check(Calc.DESCRIPTOR, hello))
                .isInstanceOfSatisfying(ClientHandshake.Refused.class, e -> {
                    assertThat(e.violation().closeCode()).isEqualTo(ProtocolViolation.PROTOCOL_ERROR);
                    assertThat(e.violation()).hasMessage("HELLO schema does not match its fingerprint");
                    assertThat(e.reason().status()).isEqualTo(Status.PROTOCOL_ERROR);
                });
        // a probe checks the same
        assertThatThrownBy(() -> ClientHandshake.checkProbe(hello)).isInstanceOf(ClientHandshake.Refused.class);
    }

    @Test
    void anotherServiceIsRefusedAndClosedNormally() {
        Hello hello = hello("Other", Calc.sha256("x"), calcMethods(), List.of());
        assertThatThrownBy(() -> ClientHandshake.check(Calc.DESCRIPTOR, hello))
                .isInstanceOfSatisfying(ClientHandshake.Refused.class, e -> {
                    assertThat(e.violation().closeCode()).isEqualTo(ProtocolViolation.NORMAL);
                    assertThat(e.violation()).hasMessage("wrong service");
                    assertThat(e.reason().status()).isEqualTo(Status.INCOMPATIBLE);
                    assertThat(e.reason()).hasMessage("the server serves 'Other', this client was generated for 'Calc'");
                });
    }

    @Test
    void malformedHellosAreViolationsThatNeedNoRefusal() {
        Hello badVersion = new Hello(Frames.VERSION + 1, "Calc", Calc.sha256(Calc.SCHEMA), 8, 1 << 20, calcMethods(),
                List.of());
        assertThatThrownBy(() -> ClientHandshake.check(Calc.DESCRIPTOR, badVersion))
                .isInstanceOfSatisfying(ProtocolViolation.class,
                        e -> assertThat(e.closeCode()).isEqualTo(ProtocolViolation.PROTOCOL_ERROR))
                .hasMessageContaining("protocol version");
        Hello noSlots = new Hello(Frames.VERSION, "Calc", Calc.sha256(Calc.SCHEMA), 0, 1 << 20, calcMethods(), List.of());
        assertThatThrownBy(() -> ClientHandshake.check(Calc.DESCRIPTOR, noSlots))
                .isInstanceOf(ProtocolViolation.class).hasMessage("HELLO: maxInFlight 0");
        Hello badFeatures = hello("Calc", Calc.sha256(Calc.SCHEMA), calcMethods(),
                List.of(new Hello.Extension(SessionFeatures.HELLO_EXTENSION, ByteBufUtil.decodeHexDump("02"))));
        assertThatThrownBy(() -> ClientHandshake.check(Calc.DESCRIPTOR, badFeatures))
                .isInstanceOf(ProtocolViolation.class).hasMessageStartingWith("HELLO features: ");
    }

    @Test
    void theFeaturesOfTheHelloAreTheConnections() {
        ByteBuf body = Unpooled.buffer();
        Frames.writeFeaturesBody(body, List.of("admin", "beta"));
        Hello hello = hello("Calc", Calc.sha256(Calc.SCHEMA), calcMethods(),
                List.of(new Hello.Extension(SessionFeatures.HELLO_EXTENSION, ByteBufUtil.getBytes(body))));
        assertThat(ClientHandshake.check(Calc.DESCRIPTOR, hello).features()).containsExactlyInAnyOrder("admin", "beta");
    }
}
