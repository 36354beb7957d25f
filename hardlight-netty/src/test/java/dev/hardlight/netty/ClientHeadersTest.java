package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ClientOptions.Builder#header}: validated, kept in order, never printed. */
class ClientHeadersTest {

    @Test
    void headersAreKeptInOrderAndSurviveToBuilder() {
        ClientOptions o = ClientOptions.builder()
                .header("Authorization", "Bearer abc")
                .header("Cookie", "a=1")
                .header("Cookie", "b=2")
                .header("Origin", "https://app.example")
                .build();
        assertThat(o.headers()).containsExactly(Map.entry("Authorization", "Bearer abc"), Map.entry("Cookie", "a=1"),
                Map.entry("Cookie", "b=2"), Map.entry("Origin", "https://app.example"));
        assertThat(o.toBuilder().build().headers()).isEqualTo(o.headers());
        assertThat(ClientOptions.systemTrust().headers()).isEmpty();
        assertThatThrownBy(() -> o.headers().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringShowsNamesButNotValues() {
        ClientOptions o = ClientOptions.builder().header("Authorization", "Bearer s3cret").build();
        assertThat(o.toString()).contains("headers=[Authorization]").doesNotContain("s3cret");
    }

    @Test
    void headersTheUpgradeSetsCannotBeOverridden() {
        for (String name : new String[] {"Host", "host", "Upgrade", "Connection", "Sec-WebSocket-Protocol",
                "sec-websocket-key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions"}) {
            assertThatThrownBy(() -> ClientOptions.builder().header(name, "x"))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot be overridden");
        }
    }

    @Test
    void headerInjectionIsRefused() {
        assertThatThrownBy(() -> ClientOptions.builder().header("X-A", "1\r\nX-Injected: yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CR or LF");
        assertThatThrownBy(() -> ClientOptions.builder().header("X-A", "1\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientOptions.builder().header("X-A", "\0"))
                .isInstanceOf(IllegalArgumentException.class);
        for (String name : new String[] {"", "X A", "X-A\r\nX-B", "X:A", "Ünicode"}) {
            assertThatThrownBy(() -> ClientOptions.builder().header(name, "v"))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected: an HTTP token")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r").doesNotContain("\n"));
        }
        assertThatThrownBy(() -> ClientOptions.builder().header(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ClientOptions.builder().header("X-A", null)).isInstanceOf(NullPointerException.class);
        assertThat(ClientOptions.builder().header("X-A", "tab\tand spaces ok").build().headers()).hasSize(1);
    }
}
