package dev.hardlight.internal.protocol;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.SyncedState;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.codec.Varint;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The server side of one connection's state. An update computes the changed components and sends a
 * STATE_DELTA while still holding the lock, so deltas leave in commit order, and a call's deltas are
 * queued before its RESULT (which its handler thread queues after returning).
 *
 * <p>Thread-safe.
 */
public final class ServerState<T> implements SyncedState<T> {
    /** HELLO extension tag carrying {@code stateHash:u64be} then the full state. */
    static final int HELLO_EXTENSION = 1;

    private final StateCodec<T> codec;
    private final Outbound out;
    private final ReentrantLock lock = new ReentrantLock();
    private final int[] changed;
    /** Guarded by lock for writes; volatile for lock-free reads. */
    private volatile T current;
    /** Guarded by lock: false until the hello (with the snapshot) is sent. */
    private boolean started;
    private volatile boolean closed;

    ServerState(StateCodec<T> codec, Outbound out) {
        this.codec = codec;
        this.out = out;
        this.current = Objects.requireNonNull(codec.initial(), "initial state");
        this.changed = new int[codec.fieldCount()];
    }

    StateCodec<T> codec() {
        return codec;
    }

    @Override
    public T get() {
        return current;
    }

    @Override
    public T update(UnaryOperator<T> update) {
        lock.lock();
        try {
            T before = current;
            T after = update.apply(before);
            if (after == null) {
                throw new RpcException(Status.INTERNAL, "a state update returned null");
            }
            int count = 0;
            for (int i = 0; i < changed.length; i++) {
                if (!codec.fieldEquals(before, after, i)) {
                    changed[count++] = i;
                }
            }
            if (count == 0) {
                current = after;
                return after;
            }
            if (started && !closed) {
                ByteBuf frame = out.alloc().buffer();
                try {
                    Frames.writeStateDeltaHeader(frame, count);
                    ByteBufWireWriter w = new ByteBufWireWriter(frame);
                    for (int k = 0; k < count; k++) {
                        Varint.writeVarInt(frame, changed[k]);
                        codec.encodeField(after, changed[k], w);
                    }
                } catch (RuntimeException e) {
                    frame.release();
                    throw e; // nothing committed: the state stays as it was
                }
                out.send(frame);
            }
            current = after;
            return after;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands the HELLO extension (hash and snapshot) to {@code sendHello} and marks the state started,
     * all under the lock: no delta can be sent before the hello that carries its base.
     */
    void start(Consumer<Hello.Extension> sendHello) {
        lock.lock();
        try {
            ByteBuf buf = out.alloc().buffer();
            byte[] bytes;
            try {
                buf.writeLong(codec.schemaHash());
                codec.encode(current, new ByteBufWireWriter(buf));
                bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
            } finally {
                buf.release();
            }
            sendHello.accept(new Hello.Extension(HELLO_EXTENSION, bytes));
            started = true;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        closed = true;
    }
}
