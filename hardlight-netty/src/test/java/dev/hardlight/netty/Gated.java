package dev.hardlight.netty;

import dev.hardlight.Requires;
import dev.hardlight.Rpc;

/** The feature-set test contract: open methods to log in and out, methods gated on "authenticated". */
@Rpc
public interface Gated {
    /** Enables "authenticated" and attaches {@code user}; returns it. */
    String login(String user);

    /** Disables "authenticated". */
    void logout();

    /** The attachment (the authenticator's principal or the logged-in user), or "anonymous". */
    String whoami();

    @Requires("authenticated")
    int secret(int x);

    /** Gated, with an argument whose decoding fails on garbage bytes (a string's length varint). */
    @Requires("authenticated")
    String echo(String text);

    /**
     * What the handler sees of the upgrade request: "header:NAME", "cookie:NAME", "query:NAME",
     * "path", "remote"; "-" when absent.
     */
    String request(String what);
}
