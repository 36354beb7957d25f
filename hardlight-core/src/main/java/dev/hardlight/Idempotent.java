package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Calling this method twice with the same arguments has the same effect as calling it once. A client
 * with automatic reconnect sends such a call again, on the new connection, when the old one was lost
 * before the answer came (within the call's deadline); any other call fails with
 * {@link Status#CONNECTION_LOST}, because the server may or may not have run it.
 *
 * <pre>{@code
 * @Rpc
 * public interface Store {
 *     @Idempotent
 *     Item get(long id);
 *     void append(Item item);   // not idempotent: never sent twice
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Idempotent {}
