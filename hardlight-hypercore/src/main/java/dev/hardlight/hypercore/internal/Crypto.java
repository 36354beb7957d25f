package dev.hardlight.hypercore.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The hash and stream-cipher primitives of the JS stack, on Bouncy Castle: BLAKE2b (libsodium's
 * {@code crypto_generichash}, keyed or not), the {@code hypercore-crypto} namespaces, HChaCha20 and
 * ChaCha20-IETF with an initial block counter. Stateless and thread safe.
 */
public final class Crypto {
    private Crypto() {}

    /** BLAKE2b with {@code outLen} bytes of output over the concatenated parts, keyed if key is not null. */
    public static byte[] blake2b(int outLen, byte[] key, byte[]... parts) {
        Blake2bDigest d = key == null ? new Blake2bDigest(outLen * 8) : new Blake2bDigest(key, outLen, null, null);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[outLen];
        d.doFinal(out, 0);
        return out;
    }

    /** {@code hypercore-crypto}'s namespace: {@code ns = BLAKE2b-256(name)}, item i = BLAKE2b-256(ns ‖ i). */
    public static byte[][] namespace(String name, int count) {
        byte[] ns = blake2b(32, null, name.getBytes(StandardCharsets.UTF_8));
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = blake2b(32, null, ns, new byte[] {(byte) i});
        }
        return out;
    }

    public static byte[] sha512(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JDK", e);
        }
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static void putLe32(int v, byte[] b, int off) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** HChaCha20 of a 32-byte key and a 16-byte input: the ChaCha20 core without its final addition, words 0-3 and 12-15. */
    public static byte[] hchacha20(byte[] key, byte[] in16) {
        int[] state = new int[16];
        state[0] = 0x61707865;
        state[1] = 0x3320646e;
        state[2] = 0x79622d32;
        state[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            state[4 + i] = le32(key, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            state[12 + i] = le32(in16, 4 * i);
        }
        int[] x = new int[16];
        ChaChaEngine.chachaCore(20, state, x);
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLe32(x[i] - state[i], out, 4 * i);
            putLe32(x[12 + i] - state[12 + i], out, 16 + 4 * i);
        }
        return out;
    }

    /** XORs {@code len} bytes of {@code in} with ChaCha20-IETF keystream starting at block {@code counter}. */
    public static void chacha20Xor(byte[] key, byte[] nonce12, long counter, byte[] in, int inOff, int len, byte[] out, int outOff) {
        ChaCha7539Engine e = new ChaCha7539Engine();
        e.init(true, new ParametersWithIV(new KeyParameter(key), nonce12));
        if (counter != 0) {
            e.seekTo(64 * counter);
        }
        e.processBytes(in, inOff, len, out, outOff);
    }
}
