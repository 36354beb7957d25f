package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The public API names no internal type, and key pairs sign and verify like libsodium's Ed25519. */
@Timeout(30)
class ApiTest {
    static final List<Class<?>> PUBLIC = List.of(Protocol.class, ProtocolOptions.class, ProtocolOptions.Builder.class, Event.class,
            Message.class, Ed25519KeyPair.class, HypercoreException.class, TcpConnection.class, TcpConnection.Handler.class,
            TcpServer.class, Replica.class, LocalCore.class);

    @Test
    void publicSignaturesUseNoInternalType() {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> all = new ArrayList<>(PUBLIC);
        for (Class<?> c : PUBLIC) {
            for (Class<?> inner : c.getDeclaredClasses()) {
                if (Modifier.isPublic(inner.getModifiers())) {
                    all.add(inner);
                }
            }
        }
        for (Class<?> c : all) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) {
                    continue;
                }
                List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
                types.add(m.getReturnType());
                for (Class<?> t : types) {
                    if (t.getName().contains(".internal.")) {
                        leaks.add(c.getSimpleName() + "." + m.getName() + " uses " + t.getName());
                    }
                }
            }
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    assertThat(rc.getType().getName()).doesNotContain(".internal.");
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void signaturesVerifyOnlyForTheirKeyAndMessage() {
        Ed25519KeyPair k = Ed25519KeyPair.fromSeed(new byte[32]);
        byte[] sig = k.sign("tree".getBytes());
        assertThat(Ed25519KeyPair.verify(k.publicKey(), "tree".getBytes(), sig)).isTrue();
        assertThat(Ed25519KeyPair.verify(k.publicKey(), "tref".getBytes(), sig)).isFalse();
        assertThat(Ed25519KeyPair.verify(Ed25519KeyPair.generate().publicKey(), "tree".getBytes(), sig)).isFalse();
        assertThat(Ed25519KeyPair.verify(k.publicKey(), "tree".getBytes(), new byte[63])).isFalse();
        assertThat(k.toString()).doesNotContain(java.util.HexFormat.of().formatHex(k.seed()));
    }
}
