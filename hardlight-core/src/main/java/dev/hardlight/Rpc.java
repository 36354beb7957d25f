package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a HardLight service contract.
 *
 * <p>The annotation processor ({@code hardlight-processor}) reads the interface at compile time and
 * generates, in the interface's package:
 * <ul>
 *   <li>{@code <Name>Client}: a typed client implementing the interface with blocking methods, plus an
 *       {@code <method>Async} variant of each method returning a {@code CompletableFuture};</li>
 *   <li>{@code <Name>Dispatcher}: the server-side dispatcher (a {@code switch} on method ids, no reflection);</li>
 *   <li>{@code <Name>Codecs}: a codec for every record, enum and sealed interface crossing the wire;</li>
 *   <li>{@code <Name>Schema}: the schema descriptor (service name, methods, types, fingerprint).</li>
 * </ul>
 *
 * <p>Rules the processor enforces with a compile error on the offending element: the interface is
 * top-level or a static member, not generic; method names are unique (no overloads); every parameter,
 * return and record component type is one the codec supports (see {@code docs/protocol.md}); a method
 * may declare checked exceptions, each with a public {@code (String message)} constructor.
 *
 * <pre>{@code
 * @Rpc
 * public interface Counter {
 *     int increment(int amount);
 *     int get();
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Rpc {
    /**
     * The service name sent in the hello and checked by clients. Defaults to the interface's simple
     * name. Two contracts with the same name are considered versions of one service.
     */
    String name() default "";

    /**
     * The service's connection state: a record annotated {@link ConnectionState}, or {@code void.class}
     * (the default) for none. It is part of the contract and of its fingerprint.
     */
    Class<?> state() default void.class;

    /**
     * The service's event type: a sealed interface of records, or an enum, or {@code void.class} (the
     * default) for none. Servers emit values of it on topics; clients receive them typed.
     */
    Class<?> events() default void.class;
}
