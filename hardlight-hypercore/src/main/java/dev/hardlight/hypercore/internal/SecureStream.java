package dev.hardlight.hypercore.internal;

import dev.hardlight.hypercore.Ed25519KeyPair;
import dev.hardlight.hypercore.HypercoreException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The {@code @hyperswarm/secret-stream} connection, sans I/O: uint24-LE framing of every message, the Noise XX
 * handshake, the stream-id + header exchange, then libsodium secretstream frames. Bytes come in through
 * {@link #receive}, plaintext messages go to the {@link Listener}, bytes to send accumulate for
 * {@link #takeOutput}. Any failure throws {@link HypercoreException} and leaves the stream failed (every later
 * call throws). Memory for a frame being read is bounded by what has arrived and by {@code maxFrame}.
 * Not thread safe.
 */
public final class SecureStream {
    /** What the stream reports. */
    public interface Listener {
        void onHandshake(byte[] remotePublicKey, byte[] handshakeHash);

        void onMessage(byte[] plain);
    }

    public static final int MAX_FRAME = 0xffffff;
    private static final int IDHEADERBYTES = 32 + SecretStreamCipher.HEADERBYTES;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean initiator;
    private final NoiseXX noise;
    private final Predicate<byte[]> allowPeer;
    private final Listener listener;
    private final int maxFrame;

    private byte[] in = new byte[4096];
    private int inStart;
    private int inEnd;

    private final ArrayDeque<byte[]> out = new ArrayDeque<>();
    private long outBytes;
    private final ArrayDeque<byte[]> pendingPlain = new ArrayDeque<>();

    private SecretStreamCipher push;
    private SecretStreamCipher pull;
    private byte[] handshakeHash;
    private byte[] remotePublicKey;
    private boolean headerSent;
    private String failure;

    public SecureStream(boolean initiator, Ed25519KeyPair keyPair, Ed25519KeyPair ephemeral, Predicate<byte[]> allowPeer,
                        int maxFrame, Listener listener) {
        if (maxFrame < 128 || maxFrame > MAX_FRAME) {
            throw new IllegalArgumentException("maxFrame : " + maxFrame + " (expected: 128..16777215)");
        }
        this.initiator = initiator;
        this.noise = new NoiseXX(initiator, keyPair, ephemeral);
        this.allowPeer = allowPeer;
        this.listener = listener;
        this.maxFrame = maxFrame;
        if (initiator) {
            frame(noise.send());
        }
    }

    public boolean isInitiator() {
        return initiator;
    }

    /** Whether the handshake is done and our header is sent (messages are encrypted right away). */
    public boolean isEstablished() {
        return push != null;
    }

    public byte[] handshakeHash() {
        return handshakeHash == null ? null : handshakeHash.clone();
    }

    public byte[] remotePublicKey() {
        return remotePublicKey == null ? null : remotePublicKey.clone();
    }

    public String failure() {
        return failure;
    }

    private void checkUsable() {
        if (failure != null) {
            throw new HypercoreException("secure stream failed: " + failure);
        }
    }

    private HypercoreException fail(String why) {
        failure = why;
        out.clear();
        outBytes = 0;
        pendingPlain.clear();
        in = new byte[0];
        inStart = inEnd = 0;
        return new HypercoreException(why);
    }

    /** Encrypts one message (queued in order until the handshake is done). Empty messages are keep-alives. */
    public void send(byte[] plain) {
        checkUsable();
        if (plain.length + SecretStreamCipher.ABYTES > MAX_FRAME) {
            throw new HypercoreException("message too large: " + plain.length + " bytes (maximum " + (MAX_FRAME - SecretStreamCipher.ABYTES) + ")");
        }
        if (push == null) {
            pendingPlain.add(plain.clone());
            outBytes += plain.length;
            return;
        }
        sealed(plain);
    }

    private void sealed(byte[] plain) {
        int n = plain.length + SecretStreamCipher.ABYTES;
        byte[] f = new byte[3 + n];
        f[0] = (byte) n;
        f[1] = (byte) (n >>> 8);
        f[2] = (byte) (n >>> 16);
        push.push(plain, 0, plain.length, f, 3);
        out.add(f);
        outBytes += f.length;
    }

    private void frame(byte[] body) {
        byte[] f = new CompactWriter(body.length + 3).uint24(body.length).raw(body).toByteArray();
        out.add(f);
        outBytes += f.length;
    }

    /** Bytes queued for the peer (including messages waiting for the handshake). */
    public long pendingOutputBytes() {
        return outBytes;
    }

    /** All bytes to write to the transport now, in order; empty when there are none. */
    public byte[] takeOutput() {
        if (out.isEmpty()) {
            return new byte[0];
        }
        int total = 0;
        for (byte[] b : out) {
            total += b.length;
        }
        byte[] all = new byte[total];
        int p = 0;
        for (byte[] b; (b = out.poll()) != null; ) {
            System.arraycopy(b, 0, all, p, b.length);
            p += b.length;
        }
        outBytes -= total;
        return all;
    }

    /**
     * Feeds bytes read from the transport: whole frames are processed at once, a partial frame is kept.
     *
     * @throws HypercoreException on any failure (bad frame, handshake, header or MAC); the stream is then failed
     */
    public void receive(byte[] data, int off, int len) {
        checkUsable();
        append(data, off, len);
        while (failure == null) {
            int avail = inEnd - inStart;
            if (avail < 3) {
                break;
            }
            int n = (in[inStart] & 0xff) | (in[inStart + 1] & 0xff) << 8 | (in[inStart + 2] & 0xff) << 16;
            checkLength(n);
            if (avail < 3 + n) {
                break;
            }
            int start = inStart + 3;
            inStart += 3 + n;
            try {
                onFrame(in, start, n);
            } catch (HypercoreException e) {
                if (failure == null) {
                    throw fail(e.getMessage());
                }
                throw e;
            }
        }
        if (inStart == inEnd) {
            inStart = inEnd = 0;
            if (in.length > (1 << 20)) {
                in = new byte[4096]; // give back what one large frame needed
            }
        }
    }

    private void checkLength(int n) {
        if (!noise.isDone()) {
            int expected = initiator ? 96 : (remoteStepOne() ? 32 : 64);
            if (n != expected) {
                throw fail("Noise handshake failed: a handshake frame of " + n + " bytes (expected: " + expected + ")");
            }
        } else if (pull == null) {
            if (n != IDHEADERBYTES) {
                throw fail("Invalid header message received: " + n + " bytes (expected: " + IDHEADERBYTES + ")");
            }
        } else if (n < SecretStreamCipher.ABYTES) {
            throw fail("Invalid message received: a frame of " + n + " bytes (minimum " + SecretStreamCipher.ABYTES + ")");
        } else if (n > maxFrame) {
            throw fail("frame too large: " + n + " bytes (maximum " + maxFrame + ")");
        }
    }

    private boolean remoteStepOne() {
        return noise.handshakeStep() == 0;
    }

    private void append(byte[] data, int off, int len) {
        if (len == 0) {
            return;
        }
        if (inEnd + len > in.length) {
            int live = inEnd - inStart;
            if (live + len <= in.length && inStart > 0) {
                System.arraycopy(in, inStart, in, 0, live);
            } else {
                // Grow only to what has arrived; the length check above bounds one frame.
                byte[] bigger = new byte[Math.max(live + len, Math.min(in.length * 2, 3 + maxFrame + 65536))];
                System.arraycopy(in, inStart, bigger, 0, live);
                in = bigger;
            }
            inStart = 0;
            inEnd = live;
        }
        System.arraycopy(data, off, in, inEnd, len);
        inEnd += len;
    }

    private void onFrame(byte[] buf, int off, int n) {
        if (!noise.isDone()) {
            noise.receive(Arrays.copyOfRange(buf, off, off + n));
            if (noise.mustSend()) {
                frame(noise.send());
            }
            if (noise.isDone()) {
                onNoiseDone();
            }
            return;
        }
        if (pull == null) {
            byte[] id = Arrays.copyOfRange(buf, off, off + 32);
            if (!MessageDigest.isEqual(id, Keys.streamId(handshakeHash, !initiator))) {
                throw fail("Invalid header received: the stream id does not match the handshake");
            }
            pull = SecretStreamCipher.pull(noise.rx(), Arrays.copyOfRange(buf, off + 32, off + n));
            return;
        }
        byte[] plain = pull.pull(buf, off, n);
        if (plain.length == 0) {
            return; // keep-alive
        }
        listener.onMessage(plain);
    }

    private void onNoiseDone() {
        handshakeHash = noise.handshakeHash();
        remotePublicKey = noise.remoteStaticKey();
        if (allowPeer != null && !allowPeer.test(remotePublicKey.clone())) {
            throw fail("peer refused: its public key is not allowed");
        }
        byte[] header = new byte[SecretStreamCipher.HEADERBYTES];
        RANDOM.nextBytes(header);
        byte[] idHeader = new byte[IDHEADERBYTES];
        System.arraycopy(Keys.streamId(handshakeHash, initiator), 0, idHeader, 0, 32);
        System.arraycopy(header, 0, idHeader, 32, SecretStreamCipher.HEADERBYTES);
        frame(idHeader);
        push = SecretStreamCipher.push(noise.tx(), header);
        headerSent = true;
        for (byte[] p; (p = pendingPlain.poll()) != null; ) {
            outBytes -= p.length;
            sealed(p);
        }
        listener.onHandshake(remotePublicKey.clone(), handshakeHash.clone());
    }

    boolean headerSent() {
        return headerSent;
    }
}
