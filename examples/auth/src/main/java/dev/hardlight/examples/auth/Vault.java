package dev.hardlight.examples.auth;

import dev.hardlight.Requires;
import dev.hardlight.Rpc;
import java.util.Optional;

/**
 * A key-value vault: an anonymous connection may only log in (or ask who it is); after a successful
 * login the connection has the feature {@code "authenticated"} and the whole interface works.
 */
@Rpc
public interface Vault {
    /** Logs in with a token; enables {@code "authenticated"} on this connection and returns the user's name. */
    String login(String token) throws BadTokenException;

    /** Who this connection is: the user's name, or "anonymous". */
    String whoami();

    @Requires("authenticated")
    void put(String key, String value);

    @Requires("authenticated")
    Optional<String> get(String key);
}
