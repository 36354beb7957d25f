package dev.hardlight.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Keeps a copy of every frame and the close, for assertions. Used on the polling thread only. */
final class RecordingHandler implements FrameHandler {

    /** A copy of a received frame. */
    record Received(FrameType type, boolean first, boolean fin, byte[] payload, long time) {
        String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    final List<Received> frames = new ArrayList<>();
    int opens;
    int closeCode = -1;
    String closeReason;

    @Override
    public void onFrame(WebSocket ws, Frame frame) {
        byte[] b = new byte[frame.length()];
        frame.buffer().getBytes(frame.offset(), b);
        frames.add(new Received(frame.type(), frame.isFirst(), frame.isFinal(), b, frame.receiveTimeNanos()));
    }

    @Override
    public void onOpen(WebSocket ws) {
        opens++;
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        closeCode = code;
        closeReason = reason;
    }

    Received take(WebSocket ws) {
        int before = frames.size();
        pollUntil(ws, () -> frames.size() > before);
        return frames.get(before);
    }

    static void pollUntil(WebSocket ws, BooleanSupplier done) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within 10 s; " + ws + (ws.failure() != null ? ", " + ws.failure() : ""));
            }
            if (ws.poll() == 0) {
                Thread.onSpinWait();
            }
        }
        assertThat(done.getAsBoolean()).isTrue();
    }
}
