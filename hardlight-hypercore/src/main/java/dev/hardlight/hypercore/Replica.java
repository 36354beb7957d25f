package dev.hardlight.hypercore;

import dev.hardlight.hypercore.Message.Data;
import dev.hardlight.hypercore.Message.DataBlock;
import dev.hardlight.hypercore.Message.DataUpgrade;
import dev.hardlight.hypercore.Message.Node;
import dev.hardlight.hypercore.internal.FlatTree;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A verifying, in-memory replica of a remote hypercore whose key is its writer's Ed25519 public key (the
 * default "compat" cores of hypercore 10). It accepts {@link Data} answers only when they prove themselves: a
 * block's hash must climb through the proof nodes to a node of a tree whose root hash the writer signed (the
 * signature arrives with an upgrade), or to a node verified before. Nothing unverified is stored.
 *
 * <p>Use it with a {@link Protocol} channel: send {@link #syncMessage()} and the request of
 * {@link #request(long, long, boolean)}, pass each {@link Data} to {@link #onData(Data)}. Not thread safe.
 * Manifest-based (non-compat) cores and multi-signer cores are not supported.
 */
public final class Replica {
    private final byte[] key;
    private final Map<Long, Node> trusted = new HashMap<>();
    private final Map<Long, byte[]> blocks = new HashMap<>();
    private List<Node> roots = List.of();
    private long length;
    private long fork;
    private byte[] signature;

    /** A replica of the core with this 32-byte key (the writer's public key). */
    public Replica(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("key length : " + key.length + " (expected: 32)");
        }
        this.key = key.clone();
    }

    public byte[] key() {
        return key.clone();
    }

    /** The length of the tree verified so far (by a signature). */
    public long length() {
        return length;
    }

    public long fork() {
        return fork;
    }

    /** The writer's signature of the verified tree, or null. */
    public byte[] signature() {
        return signature == null ? null : signature.clone();
    }

    /** A verified block, or null if not downloaded. */
    public byte[] block(long index) {
        byte[] b = blocks.get(index);
        return b == null ? null : b.clone();
    }

    /** The sync message a downloading peer sends (canUpgrade and downloading). */
    public Message.Sync syncMessage() {
        return new Message.Sync(fork, length, 0, true, false, true, false);
    }

    /**
     * A request for block {@code index} with all its proof nodes, and an upgrade to the remote's length when
     * {@code remoteLength} is beyond ours and {@code upgrade} is set.
     */
    public Message.Request request(long id, long index, long remoteLength, boolean upgrade) {
        Message.RequestUpgrade up = upgrade && remoteLength > length ? new Message.RequestUpgrade(length, remoteLength - length) : null;
        return new Message.Request(id, fork, new Message.RequestBlock(index, missingNodes(2 * index)), null, null, up, false, 0);
    }

    /** How many levels of proof a block needs to reach a node we trust (hypercore's missingNodes). */
    private long missingNodes(long index) {
        long head = 2 * length;
        if (FlatTree.rightSpan(index) >= head) {
            return 0;
        }
        long count = 0;
        long i = index;
        while (!(FlatTree.leftSpan(i) <= head && head <= FlatTree.rightSpan(i)) && !trusted.containsKey(i)) {
            count++;
            i = FlatTree.parent(i);
        }
        return count;
    }

    /** Convenience: {@link #request(long, long, long, boolean)} with an upgrade. */
    public Message.Request request(long id, long index, long remoteLength) {
        return request(id, index, remoteLength, true);
    }

    /**
     * Verifies an answer and keeps what it proves: the upgraded tree and the block.
     *
     * @throws HypercoreException if any part does not verify ("invalid proof: ..."); nothing is kept then
     */
    public void onData(Data data) {
        List<Node> newNodes = new ArrayList<>();
        Node blockRoot = null;
        DataBlock b = data.block();
        if (b != null) {
            Node n = FlatTree.leaf(b.index(), b.value());
            newNodes.add(n);
            long at = n.index();
            for (Node p : b.nodes()) {
                if (p.index() != FlatTree.sibling(at)) {
                    throw new HypercoreException("invalid proof: expected node " + FlatTree.sibling(at) + ", got node " + p.index());
                }
                check(p);
                newNodes.add(p);
                n = FlatTree.parentNode(n, p);
                newNodes.add(n);
                at = n.index();
            }
            blockRoot = n;
        }
        if (data.hash() != null || data.seek() != null) {
            throw new HypercoreException("invalid proof: hash and seek proofs are not supported by this replica");
        }
        List<Node> newRoots = roots;
        long newLength = length;
        if (data.upgrade() != null) {
            DataUpgrade u = data.upgrade();
            if (u.start() != length) {
                throw new HypercoreException("invalid proof: upgrade starts at " + u.start() + ", our length is " + length);
            }
            boolean blockInOldTree = blockRoot != null && FlatTree.rightSpan(blockRoot.index()) < 2 * length;
            List<Node> pushes = new ArrayList<>(u.nodes());
            if (blockRoot != null && !blockInOldTree) {
                pushes.add(blockRoot);
            }
            pushes.addAll(u.additionalNodes());
            pushes.sort((x, y) -> Long.compare(FlatTree.leftSpan(x.index()), FlatTree.leftSpan(y.index())));
            List<Node> stack = new ArrayList<>(roots);
            for (Node p : pushes) {
                check(p);
                long expectedLeft = stack.isEmpty() ? 0 : FlatTree.rightSpan(stack.getLast().index()) + 2;
                if (FlatTree.leftSpan(p.index()) != expectedLeft) {
                    throw new HypercoreException("invalid proof: node " + p.index() + " does not continue the tree");
                }
                stack.add(p);
                newNodes.add(p);
                while (stack.size() > 1 && FlatTree.sibling(stack.getLast().index()) == stack.get(stack.size() - 2).index()) {
                    Node right = stack.removeLast();
                    Node left = stack.removeLast();
                    Node parent = FlatTree.parentNode(left, right);
                    stack.add(parent);
                    newNodes.add(parent);
                }
            }
            if (stack.isEmpty()) {
                throw new HypercoreException("invalid proof: an upgrade without nodes");
            }
            newLength = (FlatTree.rightSpan(stack.getLast().index()) + 2) / 2;
            List<Long> expected = FlatTree.fullRoots(newLength);
            List<Long> got = stack.stream().map(Node::index).toList();
            if (!expected.equals(got) || newLength < u.start() + u.length()) {
                throw new HypercoreException("invalid proof: the upgrade's roots " + got + " are not those of a tree of " + newLength + " blocks");
            }
            byte[] signable = FlatTree.signableCompat(FlatTree.treeHash(stack), newLength, data.fork());
            if (!Ed25519KeyPair.verify(key, signable, u.signature())) {
                throw new HypercoreException("invalid proof: the tree signature does not verify with the core's key");
            }
            newRoots = List.copyOf(stack);
            if (blockRoot != null && !blockInOldTree) {
                blockRoot = null; // covered by the signature
            }
        }
        if (b != null && b.index() >= newLength) {
            throw new HypercoreException("invalid proof: block " + b.index() + " is beyond the verified length " + newLength);
        }
        if (blockRoot != null) {
            Node known = trusted.get(blockRoot.index());
            if (known == null || !MessageDigest.isEqual(known.hash(), blockRoot.hash()) || known.size() != blockRoot.size()) {
                throw new HypercoreException("invalid proof: block " + b.index() + " does not hash to a verified node (node " + blockRoot.index() + ")");
            }
        }
        // everything verified: keep it
        if (data.upgrade() != null) {
            roots = newRoots;
            length = newLength;
            fork = data.fork();
            signature = data.upgrade().signature().clone();
            for (Node r : newRoots) {
                trusted.put(r.index(), r);
            }
        }
        for (Node n : newNodes) {
            trusted.putIfAbsent(n.index(), n);
        }
        if (b != null) {
            blocks.put(b.index(), b.value().clone());
        }
    }

    private static void check(Node n) {
        if (n.hash() == null || n.hash().length != 32) {
            throw new HypercoreException("invalid proof: a node without a 32-byte hash");
        }
    }
}
