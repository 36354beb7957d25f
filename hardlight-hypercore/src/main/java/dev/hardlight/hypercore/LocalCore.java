package dev.hardlight.hypercore;

import dev.hardlight.hypercore.Message.Node;
import dev.hardlight.hypercore.internal.FlatTree;
import dev.hardlight.hypercore.internal.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory hypercore written here and served to peers: blocks are appended, the Merkle tree is kept, and
 * every append is signed with the writer's key the way hypercore 10 signs a default ("compat") core, so JS
 * peers verify what they download. {@link #onMessage} answers requests with proofs shaped as hypercore's
 * {@code generateProof} shapes them. Block and upgrade requests are served; hash and seek requests get
 * {@link Message.NoData}. Thread safe (methods are synchronized).
 */
public final class LocalCore {
    private final Ed25519KeyPair keyPair;
    private final byte[] key;
    private final Map<Long, Node> nodes = new HashMap<>();
    private final List<byte[]> blocks = new ArrayList<>();
    private final List<Node> roots = new ArrayList<>();
    private byte[] signature;

    /** A new empty core signed by {@code keyPair}; its key is the public key. */
    public LocalCore(Ed25519KeyPair keyPair) {
        this.keyPair = keyPair;
        this.key = keyPair.publicKey();
    }

    public byte[] key() {
        return key.clone();
    }

    public byte[] discoveryKey() {
        return Keys.discoveryKey(key);
    }

    public synchronized long length() {
        return blocks.size();
    }

    public synchronized byte[] get(long index) {
        return index < blocks.size() ? blocks.get((int) index).clone() : null;
    }

    /** Appends blocks and signs the new tree. */
    public synchronized void append(byte[]... values) {
        for (byte[] v : values) {
            Node n = FlatTree.leaf(blocks.size(), v);
            blocks.add(v.clone());
            nodes.put(n.index(), n);
            roots.add(n);
            while (roots.size() > 1 && FlatTree.sibling(roots.getLast().index()) == roots.get(roots.size() - 2).index()) {
                Node right = roots.removeLast();
                Node left = roots.removeLast();
                Node parent = FlatTree.parentNode(left, right);
                nodes.put(parent.index(), parent);
                roots.add(parent);
            }
        }
        signature = keyPair.sign(FlatTree.signableCompat(FlatTree.treeHash(roots), blocks.size(), 0));
    }

    /** What to send when the channel opens: our sync (uploading, can upgrade) and the range of blocks we have. */
    public synchronized List<Message> openingMessages() {
        List<Message> out = new ArrayList<>();
        out.add(new Message.Sync(0, blocks.size(), 0, true, true, false, false));
        if (!blocks.isEmpty()) {
            out.add(new Message.Range(false, 0, blocks.size()));
        }
        return out;
    }

    /** The answers to a message from a peer on this core's channel (empty for messages needing none). */
    public synchronized List<Message> onMessage(Message m) {
        if (m instanceof Message.Request r) {
            Message.Data d = answer(r);
            return List.of(d == null ? new Message.NoData(r.id()) : d);
        }
        return List.of();
    }

    /** The data answering a request, or null when it cannot be served. */
    public synchronized Message.Data answer(Message.Request r) {
        long length = blocks.size();
        long head = 2 * length;
        if (r.fork() != 0 || head == 0 || r.hash() != null || r.seek() != null) {
            return null;
        }
        Message.RequestUpgrade up = r.upgrade();
        long from = up == null ? 0 : 2 * up.start();
        long to = up == null ? head : from + 2 * up.length();
        if (up != null && (from >= to || to > head)) {
            return null;
        }
        Message.RequestBlock b = r.block();
        if (b != null && b.index() >= length) {
            return null;
        }
        List<Node> blockNodes = null;
        long subTree = head;
        long leaf = b == null ? -1 : 2 * b.index();
        if (b != null && (up == null || b.index() < up.start())) {
            long i = leaf;
            for (long k = 0; k < b.nodes(); k++) {
                i = FlatTree.parent(i);
                if (contains(i, to)) {
                    return null; // nodes out of bounds
                }
            }
            subTree = i;
            blockNodes = path(leaf, subTree);
        } else if (b != null) {
            subTree = leaf;
        }
        List<Node> upgradeNodes = null;
        List<Node> additional = List.of();
        if (up != null) {
            BlockPath holder = new BlockPath(blockNodes);
            upgradeNodes = upgradeProof(from, to, b == null ? -1 : subTree, leaf, holder);
            blockNodes = holder.nodes;
            if (head > to) {
                additional = upgradeProof(to, head, -1, -1, new BlockPath(null));
            }
        }
        Message.DataBlock block = b == null ? null : new Message.DataBlock(b.index(), blocks.get((int) b.index()).clone(), blockNodes);
        Message.DataUpgrade upgrade = up == null ? null
                : new Message.DataUpgrade(up.start(), up.length(), upgradeNodes, additional, signature.clone());
        return new Message.Data(r.id(), 0, block, null, null, upgrade, null);
    }

    /** The block's proof nodes, once placed. */
    private static final class BlockPath {
        List<Node> nodes;

        BlockPath(List<Node> nodes) {
            this.nodes = nodes;
        }
    }

    private static boolean contains(long node, long index) {
        return FlatTree.leftSpan(node) <= index && index <= FlatTree.rightSpan(node);
    }

    /** The sibling nodes from {@code leaf} up to (not including) {@code root}. */
    private List<Node> path(long leaf, long root) {
        List<Node> out = new ArrayList<>();
        for (long i = leaf; i != root; i = FlatTree.parent(i)) {
            out.add(nodes.get(FlatTree.sibling(i)));
        }
        return out;
    }

    /** hypercore's upgradeProof (and additionalUpgradeProof when subTree is -1): the nodes from {@code from} to {@code to}. */
    private List<Node> upgradeProof(long from, long to, long subTree, long leaf, BlockPath blockNodes) {
        List<Node> out = new ArrayList<>();
        boolean first = true;
        for (long r : FlatTree.fullRoots(to / 2)) {
            if (FlatTree.rightSpan(r) + 1 < from) {
                continue; // they have it
            }
            if (first && from > 0 && contains(r, from - 2)) {
                first = false;
                long target = from - 2;
                for (long i = target; i != r; i = FlatTree.parent(i)) {
                    long s = FlatTree.sibling(i);
                    if (s > target) {
                        if (subTree >= 0 && blockNodes.nodes == null && contains(s, subTree)) {
                            blockNodes.nodes = path(leaf, s);
                        } else {
                            out.add(nodes.get(s));
                        }
                    }
                }
                continue;
            }
            first = false;
            if (subTree >= 0 && blockNodes.nodes == null && contains(r, subTree)) {
                blockNodes.nodes = path(leaf, r);
                continue;
            }
            out.add(nodes.get(r));
        }
        return out;
    }
}
