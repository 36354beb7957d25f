package dev.hardlight.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/** An in-memory {@link Outbound}: keeps what a session sends, as bytes, for the test to inspect or deliver. */
final class MemoryPipe implements Outbound {
    final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    final List<String> closes = new ArrayList<>();

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void send(ByteBuf frame) {
        byte[] b = new byte[frame.readableBytes()];
        frame.readBytes(b);
        frame.release();
        frames.add(b);
    }

    @Override
    public synchronized void close(int code, String reason) {
        closes.add(code + " " + reason);
    }

    byte[] take() {
        try {
            byte[] b = frames.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            if (b == null) {
                throw new AssertionError("no frame sent within 10 s");
            }
            return b;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
