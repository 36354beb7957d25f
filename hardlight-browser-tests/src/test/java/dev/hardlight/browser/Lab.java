package dev.hardlight.browser;

import dev.hardlight.Idempotent;
import dev.hardlight.Requires;
import dev.hardlight.Rpc;

/**
 * The contract the browser tests call from Chromium: the TypeScript client generated from it by the
 * processor ({@code -Ahardlight.typescript}) is bundled into the test page.
 */
@Rpc(state = LabState.class, events = LabEvent.class)
public interface Lab {
    /** The sum. */
    int add(int a, int b);

    /** "hello, " + name. */
    String greet(String name);

    /** Returns its argument: TypeScript, then Java, then TypeScript. */
    AllTypes echo(AllTypes value);

    /** The next value the Java test queued (waits up to 10 s for one): Java to TypeScript. */
    AllTypes next() throws InterruptedException;

    /** Hands the value to the Java test, which compares its encoding: TypeScript to Java. */
    void submit(AllTypes value);

    /**
     * Waits {@code millis} ms (or until interrupted by a cancel or deadline) and returns {@code token};
     * counts the waits that were interrupted ({@link #interrupted()}).
     */
    int hold(int token, int millis) throws InterruptedException;

    /** How many {@link #hold} calls of this server were interrupted. */
    int interrupted();

    /** Always throws {@link LabException} with {@code message}. */
    void fail(String message) throws LabException;

    /** Enables the "member" feature and puts {@code user} in the connection state. */
    String login(String user);

    /** Gated on "member". */
    @Requires("member")
    String secret();

    /** Adds to the connection state's counter and returns it. */
    @Idempotent
    int bump(int by);

    /** Subscribes this connection to {@code room} (its events arrive as {@link LabEvent}s). */
    void join(String room);

    /** Emits {@link LabEvent.Said} with {@code text} on {@code room}, then returns. */
    void say(String room, String text);

    /** The id of the server process (changes when the server process restarts). */
    @Idempotent
    long pid();
}
