package dev.hardlight.hypercore.internal;

import dev.hardlight.hypercore.HypercoreException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * libsodium's {@code crypto_secretstream_xchacha20poly1305}, one direction (push or pull), with no
 * additional data: a 24-byte header, then messages of {@code 1 + n + 16} bytes (encrypted tag, ciphertext,
 * Poly1305 tag). Each message ratchets the nonce, so a replayed, reordered, dropped or altered message fails
 * to authenticate. Not thread safe.
 */
public final class SecretStreamCipher {
    public static final int HEADERBYTES = 24;
    public static final int ABYTES = 17;
    public static final int TAG_MESSAGE = 0;
    public static final int TAG_REKEY = 2;
    private static final byte[] PAD0 = new byte[16];

    private byte[] k;
    /** counter (4 bytes LE) ‖ inonce (8 bytes). */
    private final byte[] nonce = new byte[12];
    private boolean failed;

    private SecretStreamCipher(byte[] key, byte[] header) {
        if (key.length != 32) {
            throw new IllegalArgumentException("key length : " + key.length + " (expected: 32)");
        }
        k = Crypto.hchacha20(key, Arrays.copyOfRange(header, 0, 16));
        resetCounter();
        System.arraycopy(header, 16, nonce, 4, 8);
    }

    /** The push side with the given 24-byte header (init_push with a chosen header). */
    public static SecretStreamCipher push(byte[] key, byte[] header) {
        return new SecretStreamCipher(key, header);
    }

    /** The pull side for the peer's 24-byte header. */
    public static SecretStreamCipher pull(byte[] key, byte[] header) {
        if (header.length != HEADERBYTES) {
            throw new HypercoreException("invalid secret stream header: " + header.length + " bytes");
        }
        return new SecretStreamCipher(key, header);
    }

    private void resetCounter() {
        Arrays.fill(nonce, 0, 4, (byte) 0);
        nonce[0] = 1;
    }

    /** Encrypts {@code plain} with TAG_MESSAGE into {@code out} at {@code off} ({@code plain.length + 17} bytes). */
    public void push(byte[] plain, int pOff, int pLen, byte[] out, int off) {
        byte[] block = new byte[64];
        Crypto.chacha20Xor(k, nonce, 0, block, 0, 64, block, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(block, 0, 32));
        Arrays.fill(block, (byte) 0);
        block[0] = TAG_MESSAGE;
        Crypto.chacha20Xor(k, nonce, 1, block, 0, 64, block, 0);
        mac.update(block, 0, 64);
        out[off] = block[0];
        Crypto.chacha20Xor(k, nonce, 2, plain, pOff, pLen, out, off + 1);
        byte[] tag = finishMac(mac, out, off + 1, pLen);
        System.arraycopy(tag, 0, out, off + 1 + pLen, 16);
        advance(tag, TAG_MESSAGE);
    }

    /**
     * Decrypts one message of {@code len >= 17} bytes and returns the plaintext.
     *
     * @throws HypercoreException if it does not authenticate; the cipher is then unusable
     */
    public byte[] pull(byte[] in, int off, int len) {
        if (failed) {
            throw new HypercoreException("secret stream already failed");
        }
        if (len < ABYTES) {
            throw new HypercoreException("Invalid message received: " + len + " bytes (minimum " + ABYTES + ")");
        }
        int mlen = len - ABYTES;
        byte[] block = new byte[64];
        Crypto.chacha20Xor(k, nonce, 0, block, 0, 64, block, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(block, 0, 32));
        Arrays.fill(block, (byte) 0);
        block[0] = in[off];
        Crypto.chacha20Xor(k, nonce, 1, block, 0, 64, block, 0);
        int tagByte = block[0] & 0xff;
        block[0] = in[off];
        mac.update(block, 0, 64);
        byte[] tag = finishMac(mac, in, off + 1, mlen);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(tag, 0, 16), Arrays.copyOfRange(in, off + 1 + mlen, off + len))) {
            failed = true;
            throw new HypercoreException("secret stream message does not authenticate (bad MAC, or replayed, reordered or altered)");
        }
        byte[] plain = new byte[mlen];
        Crypto.chacha20Xor(k, nonce, 2, in, off + 1, mlen, plain, 0);
        advance(tag, tagByte);
        return plain;
    }

    private static byte[] finishMac(Poly1305 mac, byte[] c, int cOff, int mlen) {
        mac.update(c, cOff, mlen);
        mac.update(PAD0, 0, (0x10 - 64 + mlen) & 0xf);
        byte[] lens = new byte[16];
        long total = 64L + mlen;
        for (int i = 0; i < 8; i++) {
            lens[8 + i] = (byte) (total >>> (8 * i));
        }
        mac.update(lens, 0, 16);
        byte[] tag = new byte[16];
        mac.doFinal(tag, 0);
        return tag;
    }

    private void advance(byte[] mac, int tag) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] ^= mac[i];
        }
        boolean zero = true;
        for (int i = 0; i < 4; i++) {
            nonce[i]++;
            if (nonce[i] != 0) {
                zero = false;
                break;
            }
        }
        if ((tag & TAG_REKEY) != 0 || zero) {
            rekey();
        }
    }

    private void rekey() {
        byte[] buf = new byte[40];
        System.arraycopy(k, 0, buf, 0, 32);
        System.arraycopy(nonce, 4, buf, 32, 8);
        Crypto.chacha20Xor(k, nonce, 0, buf, 0, 40, buf, 0);
        k = Arrays.copyOf(buf, 32);
        System.arraycopy(buf, 32, nonce, 4, 8);
        resetCounter();
    }
}
