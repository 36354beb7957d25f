package dev.hardlight.examples.auth;

import dev.hardlight.Authenticator;
import dev.hardlight.RpcException;
import dev.hardlight.UpgradeRequest;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.io.PrintStream;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./hardlight demo auth}: authentication and feature sets, end to end over pinned TLS.
 *
 * <ol>
 *   <li>An anonymous client may only call the open methods: its {@code put} fails locally with
 *       {@code PERMISSION_DENIED}, without a round trip. A wrong token is refused with
 *       {@code BadTokenException}; a valid one enables {@code "authenticated"} on the connection, and
 *       {@code put}/{@code get} work.</li>
 *   <li>A second client presents a session cookie in its upgrade request: the server's
 *       {@link Authenticator} admits it with {@code "authenticated"} from the start.</li>
 *   <li>A client with a revoked session cookie is refused at the upgrade with HTTP 401 and the
 *       reason; no WebSocket is opened.</li>
 * </ol>
 */
public final class AuthDemo {
    /** Login tokens the server issued, by token: the user. */
    static final Map<String, String> TOKENS = Map.of("t-alice-5f2c9e", "alice");
    /** Live sessions (as a web login would have set in a cookie), by session id: the user. */
    static final Map<String, String> SESSIONS = Map.of("s-bob-8d41a7", "bob");
    /** Sessions that were revoked (logged out elsewhere, password changed). */
    static final Set<String> REVOKED = Set.of("s-bob-03e9f1");

    private AuthDemo() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * The server's authenticator: a live session cookie admits its user with {@code "authenticated"};
     * a revoked or unknown one is refused with 401; no cookie admits an anonymous connection, which
     * may only call the open methods (log in, ask who it is).
     */
    static Authenticator.Result authenticate(UpgradeRequest request) {
        Optional<String> session = request.cookie("session");
        if (session.isEmpty()) {
            return Authenticator.Result.accept(Set.of(), null);
        }
        String user = SESSIONS.get(session.get());
        if (user != null) {
            return Authenticator.Result.accept(Set.of("authenticated"), user);
        }
        return Authenticator.Result.unauthorized(REVOKED.contains(session.get())
                ? "this session was revoked: log in again" : "unknown session: log in again");
    }

    /** Runs the demo, printing what happens to {@code out}. */
    public static void run(PrintStream out) throws Exception {
        Map<String, String> store = VaultHandler.newStore();
        try (HardLightServer server = HardLight.server(Vault.class, c -> new VaultHandler(c, TOKENS, store))
                .tls(Tls.selfSigned("localhost"))
                .authenticator(AuthDemo::authenticate)
                .bind("127.0.0.1", 0)
                .start()) {
            String fingerprint = server.tlsFingerprint();
            URI uri = URI.create("wss://localhost:" + server.port() + "/hl");
            out.println("server:  listening on " + uri);
            out.println("server:  self-signed certificate, SHA-256 fingerprint " + fingerprint);
            ClientOptions pinned = ClientOptions.pinned(fingerprint);

            loginOnTheConnection(out, uri, pinned);
            sessionCookie(out, uri, pinned);
            revokedCookie(out, uri, pinned);
        }
        out.println("demo:    done");
    }

    private static void loginOnTheConnection(PrintStream out, URI uri, ClientOptions pinned) {
        try (VaultClient client = HardLight.connect(uri, pinned, VaultClient.FACTORY)) {
            out.println("client:  connected without credentials; whoami() -> " + client.whoami());
            try {
                client.put("note", "buy milk");
                out.println("client:  put succeeded (unexpected)");
            } catch (RpcException e) {
                out.println("client:  put(\"note\", ...) failed locally, never sent: " + e.status() + ": " + e.getMessage());
            }
            try {
                client.login("wrong");
                out.println("client:  login(\"wrong\") succeeded (unexpected)");
            } catch (BadTokenException e) {
                out.println("client:  login(\"wrong\") threw BadTokenException: " + e.getMessage());
            }
            String token = TOKENS.keySet().iterator().next();
            out.println("client:  login(\"" + token + "\") -> " + safeLogin(client, token));
            out.println("client:  whoami() -> " + client.whoami());
            client.put("note", "buy milk");
            out.println("client:  put(\"note\", \"buy milk\") done");
            out.println("client:  get(\"note\") -> " + client.get("note"));
        }
    }

    private static String safeLogin(VaultClient client, String token) {
        try {
            return client.login(token);
        } catch (BadTokenException e) {
            return "BadTokenException: " + e.getMessage();
        }
    }

    private static void sessionCookie(PrintStream out, URI uri, ClientOptions pinned) {
        String session = SESSIONS.keySet().iterator().next();
        ClientOptions withCookie = pinned.toBuilder().header("Cookie", "session=" + session).build();
        try (VaultClient client = HardLight.connect(uri, withCookie, VaultClient.FACTORY)) {
            out.println("client2: connected with cookie session=" + session
                    + "; the server's authenticator admitted it at the upgrade");
            out.println("client2: whoami() -> " + client.whoami() + " (no login call)");
            client.put("plan", "ship it");
            out.println("client2: put(\"plan\", \"ship it\") done; get(\"plan\") -> " + client.get("plan"));
            out.println("client2: get(\"note\") -> " + client.get("note") + " (alice's note is hers)");
        }
    }

    private static void revokedCookie(PrintStream out, URI uri, ClientOptions pinned) {
        String session = REVOKED.iterator().next();
        ClientOptions withCookie = pinned.toBuilder().header("Cookie", "session=" + session).build();
        try (VaultClient client = HardLight.connect(uri, withCookie, VaultClient.FACTORY)) {
            out.println("client3: connected with a revoked session (unexpected): " + client.whoami());
        } catch (RpcException e) {
            out.println("client3: cookie session=" + session + " refused at the upgrade: " + e.status() + ": " + e.getMessage());
        }
    }
}
