package dev.hardlight.hypercore.internal;

import dev.hardlight.hypercore.Ed25519KeyPair;
import dev.hardlight.hypercore.HypercoreException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The Noise handshake {@code Noise_XX_Ed25519_ChaChaPoly_BLAKE2b} exactly as {@code noise-handshake} and
 * {@code @hyperswarm/secret-stream} run it: empty prologue and payloads, Ed25519 keys with the
 * {@code noise-curve-ed} DH, HMAC-BLAKE2b HKDF, nonces of 4 zero bytes and a 64-bit little-endian counter.
 * Messages are 32, 96 and 64 bytes. Not thread safe; one instance per handshake.
 */
public final class NoiseXX {
    public static final String PROTOCOL_NAME = "Noise_XX_Ed25519_ChaChaPoly_BLAKE2b";
    private static final int HASHLEN = 64;
    private static final int BLOCKLEN = 128;

    private final boolean initiator;
    private final Ed25519KeyPair s;
    private final Ed25519KeyPair e;
    private byte[] h;
    private byte[] ck;
    private byte[] k;
    private long n;
    private byte[] re;
    private byte[] rs;
    private int step;
    private byte[] tx;
    private byte[] rx;

    /** A handshake with a static key pair and an ephemeral key pair (random unless given, for test vectors). */
    public NoiseXX(boolean initiator, Ed25519KeyPair staticKeys, Ed25519KeyPair ephemeral) {
        this.initiator = initiator;
        this.s = staticKeys;
        this.e = ephemeral == null ? Ed25519KeyPair.generate() : ephemeral;
        byte[] name = PROTOCOL_NAME.getBytes(StandardCharsets.US_ASCII);
        h = Arrays.copyOf(name, HASHLEN);
        ck = h.clone();
        mixHash(new byte[0]);
    }

    public boolean isInitiator() {
        return initiator;
    }

    /** Whether the split keys are ready. */
    public boolean isDone() {
        return tx != null;
    }

    /** Whether the next step is ours to send. */
    public boolean mustSend() {
        return !isDone() && (initiator ? step != 1 : step == 1);
    }

    /** How many handshake messages have been sent or received (0..3). */
    public int handshakeStep() {
        return step;
    }

    public byte[] handshakeHash() {
        return h.clone();
    }

    public byte[] remoteStaticKey() {
        return rs == null ? null : rs.clone();
    }

    public byte[] tx() {
        return tx.clone();
    }

    public byte[] rx() {
        return rx.clone();
    }

    /** Writes our next message. */
    public byte[] send() {
        if (!mustSend()) {
            throw new IllegalStateException("not our turn to send in the handshake");
        }
        CompactWriter out = new CompactWriter(96);
        if (step == 0) { // -> e
            byte[] epub = e.publicKey();
            out.raw(epub);
            mixHash(epub);
        } else if (step == 1) { // <- e, ee, s, es
            byte[] epub = e.publicKey();
            out.raw(epub);
            mixHash(epub);
            mixKey(Ed25519Dh.dh(e.seed(), re));
            out.raw(encryptAndHash(s.publicKey()));
            mixKey(Ed25519Dh.dh(s.seed(), re));
        } else { // -> s, se
            out.raw(encryptAndHash(s.publicKey()));
            mixKey(Ed25519Dh.dh(s.seed(), re));
        }
        out.raw(encryptAndHash(new byte[0]));
        step++;
        if (step == 3) {
            split();
        }
        return out.toByteArray();
    }

    /**
     * Reads the peer's next message.
     *
     * @throws HypercoreException if it has the wrong size, fails to decrypt, or carries an invalid key
     */
    public void receive(byte[] msg) {
        if (isDone() || mustSend()) {
            throw new HypercoreException("unexpected handshake message");
        }
        int expected = step == 0 ? 32 : step == 1 ? 96 : 64;
        if (msg.length != expected) {
            throw new HypercoreException("Noise handshake failed: message " + (step + 1) + " has " + msg.length + " bytes (expected: " + expected + ")");
        }
        if (step == 0) { // responder reads e
            re = Arrays.copyOfRange(msg, 0, 32);
            mixHash(re);
            decryptAndHash(Arrays.copyOfRange(msg, 32, msg.length));
        } else if (step == 1) { // initiator reads e, ee, s, es
            re = Arrays.copyOfRange(msg, 0, 32);
            mixHash(re);
            mixKey(Ed25519Dh.dh(e.seed(), re));
            rs = decryptAndHash(Arrays.copyOfRange(msg, 32, 80));
            mixKey(Ed25519Dh.dh(e.seed(), rs));
            decryptAndHash(Arrays.copyOfRange(msg, 80, 96));
        } else { // responder reads s, se
            rs = decryptAndHash(Arrays.copyOfRange(msg, 0, 48));
            mixKey(Ed25519Dh.dh(e.seed(), rs));
            decryptAndHash(Arrays.copyOfRange(msg, 48, 64));
        }
        step++;
        if (step == 3) {
            split();
        }
    }

    private void split() {
        byte[][] o = hkdf(ck, new byte[0]);
        byte[] k1 = Arrays.copyOf(o[0], 32);
        byte[] k2 = Arrays.copyOf(o[1], 32);
        tx = initiator ? k1 : k2;
        rx = initiator ? k2 : k1;
    }

    private void mixHash(byte[] data) {
        h = Crypto.blake2b(HASHLEN, null, h, data);
    }

    private void mixKey(byte[] ikm) {
        byte[][] o = hkdf(ck, ikm);
        ck = o[0];
        k = Arrays.copyOf(o[1], 32);
        n = 0;
    }

    private byte[] encryptAndHash(byte[] plain) {
        byte[] c = k == null ? plain : aead(true, plain);
        mixHash(c);
        return c;
    }

    private byte[] decryptAndHash(byte[] c) {
        byte[] p = k == null ? c : aead(false, c);
        mixHash(c);
        return p;
    }

    private byte[] aead(boolean encrypt, byte[] in) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (8 * i));
        }
        ChaCha20Poly1305 c = new ChaCha20Poly1305();
        c.init(encrypt, new AEADParameters(new KeyParameter(k), 128, nonce, h));
        byte[] out = new byte[c.getOutputSize(in.length)];
        int len = c.processBytes(in, 0, in.length, out, 0);
        try {
            c.doFinal(out, len);
        } catch (InvalidCipherTextException ex) {
            throw new HypercoreException("Noise handshake failed: a handshake message does not authenticate");
        }
        n++;
        return out;
    }

    static byte[] hmac(byte[] key, byte[]... data) {
        byte[] k0 = key.length > BLOCKLEN ? Crypto.blake2b(HASHLEN, null, key) : key;
        byte[] ipad = new byte[BLOCKLEN];
        byte[] opad = new byte[BLOCKLEN];
        for (int i = 0; i < BLOCKLEN; i++) {
            byte b = i < k0.length ? k0[i] : 0;
            ipad[i] = (byte) (b ^ 0x36);
            opad[i] = (byte) (b ^ 0x5c);
        }
        byte[][] inner = new byte[data.length + 1][];
        inner[0] = ipad;
        System.arraycopy(data, 0, inner, 1, data.length);
        return Crypto.blake2b(HASHLEN, null, opad, Crypto.blake2b(HASHLEN, null, inner));
    }

    static byte[][] hkdf(byte[] salt, byte[] ikm) {
        byte[] t = hmac(salt, ikm);
        byte[] o1 = hmac(t, new byte[] {1});
        byte[] o2 = hmac(t, o1, new byte[] {2});
        return new byte[][] {o1, o2};
    }
}
