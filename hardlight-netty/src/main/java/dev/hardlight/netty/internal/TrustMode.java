package dev.hardlight.netty.internal;

/** How a client checks the server's certificate. */
public enum TrustMode {
    /** The leaf's SHA-256 must equal a pinned fingerprint; no host name check. */
    PINNED,
    /** The JDK's default trust store, with host name verification. */
    SYSTEM,
    /** A PEM bundle of trusted certificates, with host name verification. */
    CUSTOM_CA,
    /** Anything (insecure, logged at WARN on every connect). */
    TRUST_ALL,
    /** No TLS at all: ws:// only (insecure). */
    PLAINTEXT
}
