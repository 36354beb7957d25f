package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The feature a connection must have enabled to call this method (see {@link Features}). Methods
 * without it are open to every connection. A call to a method whose feature the connection lacks is
 * refused with {@link Status#PERMISSION_DENIED} before its arguments are decoded: the handler never
 * runs. Generated clients also fail such a call locally, without a round trip.
 *
 * <pre>{@code
 * @Rpc
 * public interface Bank {
 *     void login(String token) throws BadToken;      // open
 *     @Requires("authenticated")
 *     long balance();
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Requires {
    /** The feature's name: 1 to 64 characters of letters, digits, '.', '_', '-' or ':'. */
    String value();
}
