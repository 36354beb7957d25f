package dev.hardlight.netty;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain blocking socket that writes whatever frames a test tells it to,
 * well-formed or not (fragments, bad opcodes, unmasked frames), and reads the server's frames one
 * by one. It answers nothing by itself: a ping is answered only if the test sends the pong.
 */
final class RawPeer implements AutoCloseable {
    static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** One frame from the server. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        int closeCode() {
            return payload.length < 2 ? -1 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        }

        String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The status of the upgrade answer, and its body when it is a refusal. */
    int status;
    String body = "";
    /** The header lines of the upgrade answer. */
    final java.util.List<String> headers = new java.util.ArrayList<>();

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** TCP only: nothing sent yet. */
    static RawPeer tcp(InetAddress local, int port) throws IOException {
        Socket s = new Socket();
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return new RawPeer(s);
    }

    /** Connects and sends the hardlight.v1 upgrade; {@link #status} tells the answer. */
    static RawPeer upgrade(InetAddress local, int port) throws IOException {
        return upgrade(local, port, "");
    }

    /** Connects and sends the hardlight.v1 upgrade with extra header lines (each ending in CRLF). */
    static RawPeer upgrade(InetAddress local, int port, String extraHeaders) throws IOException {
        RawPeer p = tcp(local, port);
        p.sendUpgrade(port, extraHeaders);
        return p;
    }

    /** Connects, upgrades and reads the HELLO; fails unless the server switched protocols. */
    static RawPeer open(int port) throws IOException {
        RawPeer p = upgrade(null, port);
        if (p.status != 101) {
            throw new AssertionError("upgrade answered " + p.status + " " + p.body);
        }
        Frame hello = p.read();
        if (hello == null || hello.opcode() != BINARY) {
            throw new AssertionError("expected the HELLO, got " + hello);
        }
        return p;
    }

    private void sendUpgrade(int port, String extraHeaders) throws IOException {
        String request = "GET /hl HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: hardlight.v1\r\n" + extraHeaders + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        readAnswer();
    }

    /** A peer on a socket the caller connected (plain or TLS); nothing sent yet. */
    static RawPeer over(Socket socket) throws IOException {
        return new RawPeer(socket);
    }

    /** Reads the HTTP answer to an upgrade request: {@link #status}, {@link #headers} and, unless 101, {@link #body}. */
    void readAnswer() throws IOException {
        String statusLine = line();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        int length = 0;
        for (String h = line(); !h.isEmpty(); h = line()) {
            headers.add(h);
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        if (status != 101) {
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8).strip();
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed during the upgrade answer");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Writes a masked frame (as a client must). */
    void send(boolean fin, int opcode, byte[] payload) throws IOException {
        write(fin ? 0x80 | opcode : opcode, payload, true);
    }

    /** Writes a frame with a raw first byte (RSV bits, any opcode), masked or not. */
    void write(int firstByte, byte[] payload, boolean masked) throws IOException {
        out.write(frame(firstByte, payload, masked));
        out.flush();
    }

    /** The bytes of a frame with a raw first byte, masked or not. */
    static byte[] frame(int firstByte, byte[] payload, boolean masked) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(mask | payload.length);
        } else if (payload.length < 65_536) {
            f.write(mask | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            f.writeBytes(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        f.writeBytes(body);
        return f.toByteArray();
    }

    void sendBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** The next frame from the server, or {@code null} at end of stream (or a reset). */
    Frame read() throws IOException {
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = readByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = readByte() << 8 | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = length << 8 | readByte();
                }
            }
            byte[] key = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                return null;
            }
            if (key != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= key[i & 3];
                }
            }
            return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null; // reset by the server
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** Reads frames until a close frame; returns it ("code reason"), or "EOF" if the stream ended first. */
    String awaitClose() throws IOException {
        for (Frame f = read(); f != null; f = read()) {
            if (f.opcode() == CLOSE) {
                return f.closeCode() + " " + f.closeReason();
            }
        }
        return "EOF";
    }

    /** Whether the server closed the TCP connection (end of stream or reset) within the socket timeout. */
    boolean awaitEndOfStream() throws IOException {
        try {
            while (true) {
                int n = in.read(new byte[512]);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
