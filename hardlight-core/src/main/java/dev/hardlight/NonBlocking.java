package dev.hardlight;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * This method's handler never blocks: no I/O, no locks held for long, no waiting on other calls. A
 * server built with {@code inlineNonBlockingHandlers} runs it directly on the connection's I/O thread,
 * saving the hand-off to a virtual thread (tens of microseconds on small machines); other servers
 * ignore the mark. A handler so marked that blocks stalls every connection of its event loop.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface NonBlocking {}
