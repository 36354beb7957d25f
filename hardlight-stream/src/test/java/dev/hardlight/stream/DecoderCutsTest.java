package dev.hardlight.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The decoder over an in-memory stream: the same server bytes, cut into reads at random points, decode to the
 * same frames, whatever the cuts; frames of one read share its time.
 */
@Timeout(60)
class DecoderCutsTest {

    /** Hands out scripted reads, one chunk per read, each with its own time; takes and keeps writes. */
    static final class ScriptedStream implements Stream {
        final ArrayDeque<byte[]> reads = new ArrayDeque<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        long time;
        private byte[] current;
        private int at;

        @Override
        public boolean finishConnect() {
            return true;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (current == null || at == current.length) {
                current = reads.poll();
                at = 0;
                if (current == null) {
                    return 0;
                }
                time++;
            }
            int n = Math.min(dst.remaining(), current.length - at);
            dst.put(current, at, n);
            at += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            written.writeBytes(b);
            return n;
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public long readTimeNanos() {
            return time;
        }

        @Override
        public SocketChannel channel() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] frame(int b0, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        if (payload.length <= 125) {
            out.write(payload.length);
        } else if (payload.length <= 0xffff) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static String acceptFor(byte[] request) throws Exception {
        String head = new String(request, StandardCharsets.ISO_8859_1);
        int k = head.indexOf("Sec-WebSocket-Key: ") + 19;
        String key = head.substring(k, head.indexOf("\r\n", k));
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void anyCutOfTheServerBytesDecodesToTheSameFrames() throws Exception {
        Random random = new Random(20261206L);
        for (int round = 0; round < 300; round++) {
            // a random sequence of valid server frames, and what the client must deliver
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<String> expected = new ArrayList<>();
            int frames = 1 + random.nextInt(12);
            for (int f = 0; f < frames; f++) {
                int kind = random.nextInt(4);
                int size = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(126);
                    case 1 -> 126 + random.nextInt(500);
                    case 2 -> random.nextInt(3);
                    default -> 65_536 + random.nextInt(3000);
                };
                byte[] payload = new byte[size];
                for (int i = 0; i < size; i++) {
                    payload[i] = (byte) ('a' + random.nextInt(26));
                }
                switch (kind) {
                    case 0 -> {
                        wire.writeBytes(frame(0x81, payload));
                        expected.add("TEXT first final " + new String(payload, StandardCharsets.US_ASCII));
                    }
                    case 1 -> {
                        wire.writeBytes(frame(0x82, payload));
                        expected.add("BINARY first final " + new String(payload, StandardCharsets.US_ASCII));
                    }
                    case 2 -> {
                        byte[] ping = java.util.Arrays.copyOf(payload, Math.min(size, 125));
                        wire.writeBytes(frame(0x89, ping));
                        expected.add("PING first final " + new String(ping, StandardCharsets.US_ASCII));
                    }
                    default -> { // a text message in two fragments with a pong between them
                        int half = size / 2;
                        wire.writeBytes(frame(0x01, java.util.Arrays.copyOf(payload, half)));
                        wire.writeBytes(frame(0x8A, new byte[] {'p'}));
                        wire.writeBytes(frame(0x80, java.util.Arrays.copyOfRange(payload, half, size)));
                        expected.add("TEXT first " + new String(payload, 0, half, StandardCharsets.US_ASCII));
                        expected.add("PONG first final p");
                        expected.add("TEXT final " + new String(payload, half, size - half, StandardCharsets.US_ASCII));
                    }
                }
            }
            byte[] bytes = wire.toByteArray();

            ScriptedStream stream = new ScriptedStream();
            List<String> got = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            WebSocket ws = WebSocket.over(stream, URI.create("ws://feed.test/ws"), WebSocketOptions.defaults(), (s, frame) -> {
                got.add(frame.type() + (frame.isFirst() ? " first" : "") + (frame.isFinal() ? " final" : "") + " " + frame.asString());
                times.add(frame.receiveTimeNanos());
            });
            ws.poll(); // writes the request
            String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + acceptFor(stream.written.toByteArray()) + "\r\n\r\n";
            byte[] all = new byte[response.length() + bytes.length];
            System.arraycopy(response.getBytes(StandardCharsets.US_ASCII), 0, all, 0, response.length());
            System.arraycopy(bytes, 0, all, response.length(), bytes.length);
            // cut everything (the 101 too) at random points, sometimes a byte at a time
            int pos = 0;
            while (pos < all.length) {
                int n = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(Math.max(1, all.length / 3));
                n = Math.min(n, all.length - pos);
                stream.reads.add(java.util.Arrays.copyOfRange(all, pos, pos + n));
                pos += n;
            }
            int polls = 0;
            while (!stream.reads.isEmpty() || ws.poll() > 0) {
                ws.poll();
                if (++polls > 100_000) {
                    throw new AssertionError("the decoder does not progress");
                }
            }
            assertThat(ws.state()).as("round %d: %s", round, ws).isEqualTo(WebSocket.State.OPEN);
            assertThat(got).as("round %d", round).containsExactlyElementsOf(expected);
            assertThat(times).as("times never go back").isSorted();
        }
    }
}
