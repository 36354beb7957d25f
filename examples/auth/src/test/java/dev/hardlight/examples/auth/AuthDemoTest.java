package dev.hardlight.examples.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@code ./hardlight demo auth} prints: login, feature gating, cookie authentication and refusal over TLS. */
@Timeout(60)
class AuthDemoTest {

    @Test
    void demoShowsFeatureGatingLoginCookiesAndRefusal() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AuthDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .containsPattern("self-signed certificate, SHA-256 fingerprint [0-9a-f]{64}")
                .contains("client:  connected without credentials; whoami() -> anonymous\n")
                .contains("client:  put(\"note\", ...) failed locally, never sent: PERMISSION_DENIED: "
                        + "Vault.put needs the feature 'authenticated', which this connection lacks (enabled: [])\n")
                .contains("client:  login(\"wrong\") threw BadTokenException: "
                        + "this token is not valid; log in with a token the server issued\n")
                .contains("client:  login(\"t-alice-5f2c9e\") -> alice\n")
                .contains("client:  whoami() -> alice\n")
                .contains("client:  put(\"note\", \"buy milk\") done\n")
                .contains("client:  get(\"note\") -> Optional[buy milk]\n")
                .contains("client2: connected with cookie session=s-bob-8d41a7; the server's authenticator admitted it at the upgrade\n")
                .contains("client2: whoami() -> bob (no login call)\n")
                .contains("client2: put(\"plan\", \"ship it\") done; get(\"plan\") -> Optional[ship it]\n")
                .contains("client2: get(\"note\") -> Optional.empty (alice's note is hers)\n")
                .containsPattern("client3: cookie session=s-bob-03e9f1 refused at the upgrade: UNAUTHENTICATED: "
                        + "the server localhost:\\d+ refused the WebSocket upgrade: HTTP 401 Unauthorized: "
                        + "this session was revoked: log in again\n")
                .endsWith("demo:    done\n");
    }
}
