package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a value decodes to when the peer sends an enum constant or a sealed interface's subtype this
 * side does not know (a newer peer's contract appended it). Put it on one constant of an enum, or on
 * one permitted record of a sealed interface (that record then decodes with every component taking its
 * {@link Default default}, the unknown value's bytes skipped).
 *
 * <p>Without a fallback, such a value is malformed: a call's arguments are refused with
 * {@code INVALID_ARGUMENT}, a result fails the call, and an event is skipped and counted in
 * {@link EventStream#skippedUnknown()}. At most one fallback per type (a compile error otherwise).
 *
 * <pre>{@code
 * public enum Color { @Fallback UNKNOWN, RED, GREEN }
 * public sealed interface Shape permits Shape.Other, Shape.Circle {
 *     @Fallback record Other() implements Shape {}
 *     record Circle(double radius) implements Shape {}
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.FIELD, ElementType.TYPE})
public @interface Fallback {}
