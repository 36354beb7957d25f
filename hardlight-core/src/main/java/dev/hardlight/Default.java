package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a reader uses for a record component or a method parameter that the peer did not send,
 * because the peer's contract is older and lacks it (see {@code docs/evolution.md}). Without it, such a
 * component takes its zero value: 0, {@code false}, {@code '\0'}, {@code ""}, an empty collection,
 * {@code Optional.empty()}, {@code null} for {@code @Nullable}, an enum's first constant, and so on.
 *
 * <p>The literal is parsed at compile time as the type's Java literal: {@code "42"}, {@code "-1.5"},
 * {@code "true"}, a single character for {@code char}, the text itself for {@code String}, a constant
 * name for an enum. Allowed on {@code boolean}, {@code byte}, {@code short}, {@code char}, {@code int},
 * {@code long}, {@code float}, {@code double}, their boxes, {@code String} and enums; anything else, an
 * unparseable literal, an unknown constant, or a {@code @Nullable} or {@code Optional} element is a
 * compile error. A default is local to the reader: it is not part of the schema and changing it never
 * makes peers incompatible.
 *
 * <pre>{@code
 * public record Item(String name, int count, @Default("1") int quantity) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface Default {
    /** The value, as a literal of the element's type. */
    String value();
}
