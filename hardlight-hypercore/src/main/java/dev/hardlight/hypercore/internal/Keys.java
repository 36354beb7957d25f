package dev.hardlight.hypercore.internal;

import java.nio.charset.StandardCharsets;

/**
 * The derived keys and ids of the JS stack: secret-stream and hypercore namespaces, stream ids, the
 * discovery key and the replication capability. Thread safe.
 */
public final class Keys {
    private Keys() {}

    private static final byte[][] NS_SECRET_STREAM = Crypto.namespace("hyperswarm/secret-stream", 3);
    private static final byte[][] NS_HYPERCORE = Crypto.namespace("hypercore", 6);

    public static byte[] nsInitiator() {
        return NS_SECRET_STREAM[0].clone();
    }

    public static byte[] nsResponder() {
        return NS_SECRET_STREAM[1].clone();
    }

    public static byte[] nsSend() {
        return NS_SECRET_STREAM[2].clone();
    }

    /** {@code namespace('hypercore', 6)[i]}: 0 TREE, 1 REPLICATE_INITIATOR, 2 REPLICATE_RESPONDER, 3 MANIFEST, 4 DEFAULT_NAMESPACE, 5 BLOCK_ENCRYPTION. */
    public static byte[] hypercoreNs(int i) {
        return NS_HYPERCORE[i].clone();
    }

    /** The id a secret-stream peer sends with its header: BLAKE2b-256(NS of the sender's role), keyed by the handshake hash. */
    public static byte[] streamId(byte[] handshakeHash, boolean senderIsInitiator) {
        return Crypto.blake2b(32, handshakeHash, senderIsInitiator ? NS_SECRET_STREAM[0] : NS_SECRET_STREAM[1]);
    }

    /** {@code BLAKE2b-256("hypercore")} keyed by the core's key: what peers announce instead of the key. */
    public static byte[] discoveryKey(byte[] key) {
        return Crypto.blake2b(32, key, "hypercore".getBytes(StandardCharsets.US_ASCII));
    }

    /** The capability a peer of the given role sends for a core key on a connection with this handshake hash. */
    public static byte[] capability(boolean initiator, byte[] key, byte[] handshakeHash) {
        return Crypto.blake2b(32, handshakeHash, initiator ? NS_HYPERCORE[1] : NS_HYPERCORE[2], key);
    }
}
