package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public API names no Netty type and no internal type. */
class PublicApiTest {
    static final List<Class<?>> PUBLIC = List.of(HardLight.class, ServerBuilder.class, HardLightServer.class, Tls.class,
            ServerHello.class,
            ClientOptions.class, ClientOptions.Builder.class, SlowConsumerPolicy.class,
            Recording.class, Recording.Entry.class, Recording.Frame.class, Recording.Side.class, Recording.Direction.class,
            ClientGroup.class, ReconnectPolicy.class, ReconnectPolicy.Builder.class, ConnectionListener.class,
            ConnectionEvent.class, ConnectionEvent.Connecting.class, ConnectionEvent.Connected.class,
            ConnectionEvent.Disconnected.class, ConnectionEvent.Reconnecting.class, ConnectionEvent.Closed.class);

    @Test
    void publicSignaturesNameNoNettyAndNoInternalType() {
        List<String> offending = new ArrayList<>();
        for (Class<?> c : PUBLIC) {
            assertThat(Modifier.isPublic(c.getModifiers())).isTrue();
            // classes are final; interfaces are sealed, or functional (for the application to implement)
            assertThat(Modifier.isFinal(c.getModifiers()) || c.isSealed() || c.isAnnotationPresent(FunctionalInterface.class))
                    .as(c + " is final, sealed or functional").isTrue();
            List<String> signatures = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m)) {
                    signatures.add(m.toGenericString());
                }
            }
            for (var k : c.getDeclaredConstructors()) {
                if (visible(k)) {
                    signatures.add(k.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f)) {
                    signatures.add(f.toGenericString());
                }
            }
            for (String s : signatures) {
                if (s.contains("io.netty") || s.contains(".internal.")) {
                    offending.add(s);
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    private static boolean visible(Member m) {
        return (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) && !m.isSynthetic();
    }
}
