package dev.hardlight.netty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Helpers for tests that build variants of the generated contract by hand. */
final class TestContracts {
    private TestContracts() {}

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
