package dev.hardlight.hypercore;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair as the JavaScript stack uses it for Noise static keys and hypercore signing keys: a
 * 32-byte seed (libsodium's {@code crypto_sign_seed_keypair}) and the 32-byte compressed public key.
 * Immutable; the accessors return copies.
 */
public final class Ed25519KeyPair {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] seed;
    private final byte[] publicKey;

    private Ed25519KeyPair(byte[] seed) {
        this.seed = seed.clone();
        this.publicKey = new byte[32];
        Ed25519.generatePublicKey(this.seed, 0, publicKey, 0);
    }

    /** A fresh key pair from a random seed. */
    public static Ed25519KeyPair generate() {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        return new Ed25519KeyPair(seed);
    }

    /**
     * The key pair of a 32-byte seed, the same as libsodium's {@code crypto_sign_seed_keypair(seed)}.
     *
     * @throws IllegalArgumentException if the seed is not 32 bytes
     */
    public static Ed25519KeyPair fromSeed(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("seed length : " + seed.length + " (expected: 32)");
        }
        return new Ed25519KeyPair(seed);
    }

    /** The 32-byte seed (the secret). */
    public byte[] seed() {
        return seed.clone();
    }

    /** The 32-byte compressed Edwards public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A detached Ed25519 signature of {@code message} (64 bytes). */
    public byte[] sign(byte[] message) {
        byte[] sig = new byte[64];
        Ed25519.sign(seed, 0, message, 0, message.length, sig, 0);
        return sig;
    }

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != 32 || signature.length != 64) {
            return false;
        }
        return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ed25519KeyPair k && Arrays.equals(seed, k.seed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    /** Shows the public key only. */
    @Override
    public String toString() {
        return "Ed25519KeyPair[publicKey=" + HexFormat.of().formatHex(publicKey) + "]";
    }
}
