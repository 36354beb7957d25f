package dev.hardlight.internal.protocol;

import dev.hardlight.Features;
import io.netty.buffer.ByteBuf;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One connection's enabled features. A change sends a FEATURES frame with the whole new set while
 * holding this object's lock, so frames leave in the order the changes were made, and a change made
 * during a call is queued before that call's answer.
 *
 * <p>Thread-safe.
 */
final class SessionFeatures implements Features {
    /** HELLO extension tag carrying the initial feature set. */
    static final int HELLO_EXTENSION = 2;

    private final Outbound out;
    /** Written under the lock; an immutable set, read without it. */
    private volatile Set<String> current;
    /** Guarded by this: false until the hello (with the first set) is sent. */
    private boolean started;

    SessionFeatures(Outbound out, Set<String> initial) {
        this.out = out;
        initial.forEach(Features::checkName);
        this.current = Set.copyOf(initial);
    }

    @Override
    public boolean has(String feature) {
        return current.contains(feature);
    }

    @Override
    public void enable(String... features) {
        change(List.of(features), true);
    }

    @Override
    public void disable(String... features) {
        change(List.of(features), false);
    }

    private synchronized void change(Collection<String> features, boolean enable) {
        features.forEach(Features::checkName);
        TreeSet<String> next = new TreeSet<>(current);
        boolean changed = enable ? next.addAll(features) : next.removeAll(features);
        if (!changed) {
            return;
        }
        current = Set.copyOf(next);
        if (started) {
            ByteBuf frame = out.alloc().buffer();
            Frames.writeFeatures(frame, current);
            out.send(frame);
        }
    }

    @Override
    public Set<String> current() {
        return current;
    }

    /**
     * Hands the HELLO extension with the current set to {@code sendHello} and starts sending changes,
     * under the lock: no FEATURES frame can precede the hello.
     */
    synchronized void start(Consumer<Hello.Extension> sendHello) {
        ByteBuf buf = out.alloc().buffer();
        byte[] b;
        try {
            Frames.writeFeaturesBody(buf, current);
            b = new byte[buf.readableBytes()];
            buf.readBytes(b);
        } finally {
            buf.release();
        }
        sendHello.accept(new Hello.Extension(HELLO_EXTENSION, b));
        started = true;
    }
}
