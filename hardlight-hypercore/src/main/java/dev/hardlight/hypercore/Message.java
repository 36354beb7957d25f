package dev.hardlight.hypercore;

import java.util.List;

/**
 * The messages of the {@code hypercore/alpha} channel, as {@code hypercore} 10 encodes them
 * ({@code lib/messages.js}, {@code wire.*}); {@link #type()} is the protomux message type. Integers are
 * non-negative and at most 2^53 - 1 (a JavaScript number). Byte arrays are not copied: do not change them
 * after building a message. Records holding arrays compare them by reference.
 */
public sealed interface Message {
    /** The protomux message type: sync 0, request 1, cancel 2, data 3, noData 4, want 5, unwant 6, bitfield 7, range 8, extension 9. */
    int type();

    /** Type 0: the sender's view of the core (flags canUpgrade 1, uploading 2, downloading 4, hasManifest 8). */
    record Sync(long fork, long length, long remoteLength, boolean canUpgrade, boolean uploading, boolean downloading,
                boolean hasManifest) implements Message {
        public int type() {
            return 0;
        }
    }

    /** Which block (or tree node) and how many proof nodes the requester already has. */
    record RequestBlock(long index, long nodes) {}

    /** A seek to a byte offset. */
    record RequestSeek(long bytes, long padding) {}

    /** A request for a signed upgrade of the tree from {@code start} to {@code start + length}. */
    record RequestUpgrade(long start, long length) {}

    /** Type 1: a request; absent parts are null, {@code priority} 0 means none. */
    record Request(long id, long fork, RequestBlock block, RequestBlock hash, RequestSeek seek, RequestUpgrade upgrade,
                   boolean manifest, long priority) implements Message {
        public int type() {
            return 1;
        }
    }

    /** Type 2: cancels request {@code request}. */
    record Cancel(long request) implements Message {
        public int type() {
            return 2;
        }
    }

    /** A Merkle tree node: flat-tree index, byte size of the data below it, 32-byte BLAKE2b hash. */
    record Node(long index, long size, byte[] hash) {}

    /** A block value with the proof nodes the requester lacks. */
    record DataBlock(long index, byte[] value, List<Node> nodes) {}

    /** A tree node proof. */
    record DataHash(long index, List<Node> nodes) {}

    /** A seek proof. */
    record DataSeek(long bytes, List<Node> nodes) {}

    /** A signed upgrade: proof nodes, the additional roots and the signature of the new tree. */
    record DataUpgrade(long start, long length, List<Node> nodes, List<Node> additionalNodes, byte[] signature) {}

    /**
     * Type 3: the answer to request {@code request}; absent parts are null. {@code manifest} is kept as its
     * encoded bytes (hypercore's manifest encoding), since it ends the message.
     */
    record Data(long request, long fork, DataBlock block, DataHash hash, DataSeek seek, DataUpgrade upgrade,
                byte[] manifest) implements Message {
        public int type() {
            return 3;
        }
    }

    /** Type 4: request {@code request} cannot be served. */
    record NoData(long request) implements Message {
        public int type() {
            return 4;
        }
    }

    /** Type 5: the sender wants to hear about blocks in [start, start + length). */
    record Want(long start, long length) implements Message {
        public int type() {
            return 5;
        }
    }

    /** Type 6: the sender no longer wants that range. */
    record Unwant(long start, long length) implements Message {
        public int type() {
            return 6;
        }
    }

    /** Type 7: which blocks the sender has from {@code start}, one bit per block, 32 per word (little endian). */
    record Bitfield(long start, int[] bitfield) implements Message {
        public int type() {
            return 7;
        }
    }

    /** Type 8: the sender has (or dropped, if {@code drop}) blocks [start, start + length). */
    record Range(boolean drop, long start, long length) implements Message {
        public int type() {
            return 8;
        }
    }

    /** Type 9: an extension message: a name and opaque bytes. */
    record Extension(String name, byte[] message) implements Message {
        public int type() {
            return 9;
        }
    }
}
