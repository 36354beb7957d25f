package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows {@code null} for a parameter, a method's return value or a record component.
 *
 * <p>Values crossing the wire are non-null by default: encoding a {@code null} where no
 * {@code @Nullable} allows it fails locally with {@link Status#INVALID_ARGUMENT} and names the field.
 * A {@code @Nullable} value costs one presence byte on the wire. {@code Optional<T>} is the
 * alternative that reads better in new code; both encode the same way.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Nullable {}
