package dev.hardlight.examples.auth;

import dev.hardlight.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One per connection. The user (the authenticator's principal, or set by {@code login}) is the
 * connection's attachment: it stays on the server.
 */
public final class VaultHandler implements Vault {
    private final Connection connection;
    private final Map<String, String> tokens;
    private final Map<String, String> store;

    VaultHandler(Connection connection, Map<String, String> tokens, Map<String, String> store) {
        this.connection = connection;
        this.tokens = tokens;
        this.store = store;
    }

    @Override
    public String login(String token) throws BadTokenException {
        String user = tokens.get(token);
        if (user == null) {
            throw new BadTokenException("this token is not valid; log in with a token the server issued");
        }
        connection.attach(user);
        connection.features().enable("authenticated");
        return user;
    }

    @Override
    public String whoami() {
        String user = connection.attachment(String.class);
        return user == null ? "anonymous" : user;
    }

    @Override
    public void put(String key, String value) {
        store.put(whoami() + "/" + key, value);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(store.get(whoami() + "/" + key));
    }

    /** A store shared by all connections. */
    static Map<String, String> newStore() {
        return new ConcurrentHashMap<>();
    }
}
