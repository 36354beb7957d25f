package dev.hardlight.hypercore.internal;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.Scalar;
import dev.hardlight.hypercore.HypercoreException;
import java.util.Arrays;

/**
 * The Noise Diffie-Hellman of {@code noise-curve-ed}: the clamped Ed25519 secret scalar
 * ({@code SHA-512(seed)[0..32]}) times the peer's Ed25519 public key, returned as a compressed Edwards point,
 * like libsodium's {@code crypto_scalarmult_ed25519_noclamp}. Like libsodium it refuses a public key that is
 * not a canonical encoding, is not on the curve, or has small order, and a result that is the identity.
 */
public final class Ed25519Dh {
    private Ed25519Dh() {}

    /** The clamped scalar of a seed, as libsodium derives it for signing. */
    public static byte[] scalar(byte[] seed) {
        byte[] h = Crypto.sha512(seed);
        byte[] s = Arrays.copyOf(h, 32);
        s[0] &= (byte) 248;
        s[31] &= 127;
        s[31] |= 64;
        return s;
    }

    /** {@code scalar(seed) · remotePublicKey}, compressed. */
    public static byte[] dh(byte[] seed, byte[] remotePublicKey) {
        return dhScalar(scalar(seed), remotePublicKey);
    }

    static byte[] dhScalar(byte[] scalar, byte[] remotePublicKey) {
        if (remotePublicKey.length != 32) {
            throw new HypercoreException("invalid public key: " + remotePublicKey.length + " bytes (expected: 32)");
        }
        if (!canonical(remotePublicKey)) {
            throw new HypercoreException("invalid public key: not a canonical encoding");
        }
        EdwardsPoint p;
        try {
            p = new CompressedEdwardsY(remotePublicKey).decompress();
        } catch (InvalidEncodingException e) {
            throw new HypercoreException("invalid public key: not a point on the curve");
        }
        if (p.isSmallOrder()) {
            throw new HypercoreException("invalid public key: a point of small order");
        }
        byte[] t = scalar.clone();
        t[31] &= 127;
        EdwardsPoint q = p.multiply(Scalar.fromBits(t));
        if (q.isIdentity()) {
            throw new HypercoreException("invalid public key: the shared secret is the identity");
        }
        return q.compress().toByteArray();
    }

    /** Whether y (the low 255 bits, little endian) is below p = 2^255 - 19, as libsodium's ge25519_is_canonical. */
    static boolean canonical(byte[] s) {
        // y >= p only when bits 8..254 are all ones and the low byte is >= 0xed.
        int c = (s[31] & 0x7f) ^ 0x7f;
        for (int i = 30; i > 0; i--) {
            c |= (s[i] & 0xff) ^ 0xff;
        }
        c = (c - 1) >> 8;
        int d = (0xed - 1 - (s[0] & 0xff)) >> 8;
        return (c & d & 1) == 0;
    }
}
