package dev.hardlight.hypercore.internal;

import dev.hardlight.hypercore.Message.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Flat-tree indexing ({@code flat-tree}) and hypercore's Merkle hashing ({@code hypercore-crypto}): block i is
 * leaf 2i; a node of depth d covers 2^d blocks. Leaf hash = BLAKE2b-256(0 ‖ u64 size ‖ data), parent =
 * BLAKE2b-256(1 ‖ u64 size ‖ left ‖ right), tree = BLAKE2b-256(2 ‖ (hash ‖ u64 index ‖ u64 size) per root),
 * integers little endian. Stateless.
 */
public final class FlatTree {
    private FlatTree() {}

    private static final byte[][] TYPES = {{0}, {1}, {2}};

    public static int depth(long i) {
        return Long.numberOfTrailingZeros(~i);
    }

    public static long offset(long i) {
        return i >>> (depth(i) + 1);
    }

    public static long index(int depth, long offset) {
        return (offset << (depth + 1)) | ((1L << depth) - 1);
    }

    public static long parent(long i) {
        int d = depth(i);
        return index(d + 1, offset(i) >>> 1);
    }

    public static long sibling(long i) {
        int d = depth(i);
        return index(d, offset(i) ^ 1);
    }

    public static long leftSpan(long i) {
        return i - ((1L << depth(i)) - 1);
    }

    public static long rightSpan(long i) {
        return i + ((1L << depth(i)) - 1);
    }

    /** The roots of a tree of {@code length} blocks, left to right. */
    public static List<Long> fullRoots(long length) {
        List<Long> out = new ArrayList<>();
        long index = length;
        long offset = 0;
        while (index > 0) {
            long factor = 1;
            while (factor * 2 <= index) {
                factor *= 2;
            }
            out.add(offset + factor - 1);
            offset += 2 * factor;
            index -= factor;
        }
        return out;
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    /** The leaf node of block {@code block}. */
    public static Node leaf(long block, byte[] data) {
        return new Node(2 * block, data.length, Crypto.blake2b(32, null, TYPES[0], u64(data.length), data));
    }

    /** The parent of two sibling nodes. */
    public static Node parentNode(Node a, Node b) {
        Node left = a.index() < b.index() ? a : b;
        Node right = left == a ? b : a;
        long size = a.size() + b.size();
        return new Node(parent(left.index()), size, Crypto.blake2b(32, null, TYPES[1], u64(size), left.hash(), right.hash()));
    }

    /** The hash of a tree given its roots. */
    public static byte[] treeHash(List<Node> roots) {
        byte[][] parts = new byte[1 + 3 * roots.size()][];
        parts[0] = TYPES[2];
        int j = 1;
        for (Node r : roots) {
            parts[j++] = r.hash();
            parts[j++] = u64(r.index());
            parts[j++] = u64(r.size());
        }
        return Crypto.blake2b(32, null, parts);
    }

    /** What the writer of a compat core (key = signing key) signs: TREE ‖ tree hash ‖ u64 length ‖ u64 fork. */
    public static byte[] signableCompat(byte[] treeHash, long length, long fork) {
        return new CompactWriter(80).raw(Keys.hypercoreNs(0)).raw(treeHash).le(length, 8).le(fork, 8).toByteArray();
    }
}
