package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record as a service's connection state: a per-connection value that only the server writes
 * and that every client sees, kept in sync automatically. Name it in the contract with
 * {@code @Rpc(state = State.class)}.
 *
 * <p><strong>The state is visible to the client.</strong> Every component is sent to the client: never
 * put a secret (a token, a password, a database handle) in it. Keep server-only data in the
 * connection's attachment ({@link Connection#attach}), which never leaves the server.
 *
 * <p>On connect the client receives the full state in the hello, so it is valid as soon as
 * {@code connect} returns. Each change is sent as a delta of the changed components only, applied
 * atomically on the client, and a change made during a call reaches the client before that call's
 * result. Components compare with {@code equals}; use records, lists and other value types.
 *
 * <pre>{@code
 * @ConnectionState
 * public record State(int counter, String user) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ConnectionState {}
