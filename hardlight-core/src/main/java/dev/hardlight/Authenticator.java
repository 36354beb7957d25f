package dev.hardlight;

import java.util.Objects;
import java.util.Set;

/**
 * Decides, at the WebSocket upgrade, whether a connection may open and with which features. Sees the
 * whole request (headers, cookies, query, remote address, TLS client certificate). Runs on a virtual
 * thread, so it may block (a database or token service lookup); the upgrade waits for it, within the
 * server's handshake timeout.
 *
 * <pre>{@code
 * Authenticator auth = request -> request.cookie("session")
 *         .flatMap(sessions::find)
 *         .map(user -> Authenticator.Result.accept(Set.of("authenticated"), user))
 *         .orElse(Authenticator.Result.accept(Set.of(), null));   // anonymous: only open methods
 * }</pre>
 */
@FunctionalInterface
public interface Authenticator {
    /** Accepts (with features and a server-side principal) or refuses the connection. Must not return {@code null}. */
    Result authenticate(UpgradeRequest request);

    /** The authenticator's decision. */
    sealed interface Result permits Accept, Refuse {
        /**
         * Opens the connection with these features; {@code principal} becomes the connection's
         * attachment ({@link Connection#attachment}) and is never sent to the client.
         */
        static Result accept(Set<String> features, Object principal) {
            return new Accept(features, principal);
        }

        /** Refuses the upgrade with 401 (not authenticated) and a reason the client sees. */
        static Result unauthorized(String reason) {
            return new Refuse(401, reason);
        }

        /** Refuses the upgrade with 403 (authenticated but not allowed) and a reason the client sees. */
        static Result forbidden(String reason) {
            return new Refuse(403, reason);
        }
    }

    /** Open the connection. */
    record Accept(Set<String> features, Object principal) implements Result {
        public Accept {
            features = Set.copyOf(features);
            features.forEach(Features::checkName);
        }
    }

    /** Refuse the upgrade with an HTTP status (401 or 403) and a reason. */
    record Refuse(int status, String reason) implements Result {
        public Refuse {
            if (status != 401 && status != 403) {
                throw new IllegalArgumentException("status: " + status + " (expected: 401 or 403)");
            }
            Objects.requireNonNull(reason, "reason");
        }
    }
}
