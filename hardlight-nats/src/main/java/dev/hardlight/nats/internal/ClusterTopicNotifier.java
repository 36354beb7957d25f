package dev.hardlight.nats.internal;

import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cluster-wide topic notifier of one node, sans I/O: a state machine fed with the node's local
 * topics, the other nodes' messages and the clock, that says what to publish and what to tell the
 * application. Not thread-safe: one thread (the cluster's notifier thread) owns it and every field.
 *
 * <p><b>The idea.</b> Every node publishes its <i>state</i>: the topics it has local subscribers to,
 * and the topics it has told {@code Created} of (its <i>told</i> set). It heartbeats every
 * {@code lease / 3}; a node not heard for a lease is gone. Each topic has one <i>owner</i> among the
 * member nodes, chosen by rendezvous hashing (the member with the highest hash of its id and the
 * topic), which every node computes alike once their views agree. Only the owner tells: it tells
 * {@code Created} when the topic is held somewhere (in the union of all states) and not told yet,
 * and {@code Removed} when it is told and held nowhere. This compares states, not transitions, so a
 * node that starts, leaves or dies makes the cluster neither miss nor (outside the windows
 * docs/cluster.md names) repeat a change: when the owner of
 * a topic changes, the new owner <i>adopts</i> the topic if the old owner's last published told set
 * or handed-over list held it (without telling), and the old owner moves it to its handed-over list,
 * published for a lease.
 *
 * <p><b>Members.</b> A node that connects (or reconnects) to NATS asks every node for its state and
 * waits half a lease, so that it knows what is held and told, before it becomes a member. Each state
 * lists the members in its node's view; a new member decides nothing until every node it knows lists
 * it (at most a lease), so the old owners have stopped deciding and their last states are known. A
 * node cut off from NATS stops being a member at once (it tells nothing while it cannot know the
 * cluster's state) and the others take its topics over when its lease runs out; on reconnect it keeps
 * its view, giving every node it knew a new lease to be heard again.
 *
 * <p><b>Messages</b> on the subject {@code <prefix>.nodes} (all big-endian; {@code id} is a random
 * 16-byte node id, {@code version} counts the node's state publications):
 * <pre>
 *   BEAT   01 'B' id:16 version:8 flags:1
 *   STATE  01 'S' id:16 version:8 flags:1 part:4 parts:4 chunk...
 *   WANT   01 'W' id:16 target:16             (target all zeros: every node)
 *   flags: bit 0 member, bit 1 leaving (the node is closing: forget it now)
 *   state (the chunks of one version joined, at most 64 MiB):
 *          count:4 (length:2 topic)*   the local topics
 *          count:4 (length:2 topic)*   the told topics
 *          count:4 (length:2 topic)*   the topics handed over to another owner (kept a lease)
 *          count:4 id:16*              the members in this node's view
 * </pre>
 */
public final class ClusterTopicNotifier {
    static final byte FORMAT = 1;
    static final byte BEAT = 'B';
    static final byte STATE = 'S';
    static final byte WANT = 'W';
    static final int FLAG_MEMBER = 1;
    static final int FLAG_LEAVING = 2;
    static final int MAX_STATE_BYTES = 64 << 20;
    static final int MAX_PARTS = 4096;
    private static final int STATE_HEADER = 2 + 16 + 8 + 1 + 4 + 4;

    /** Where the notifier's messages go. */
    public interface Transport {
        /** Publishes one message on the notifier's subject; may drop it (the protocol recovers). */
        void publish(byte[] message);

        /** The largest message NATS takes. */
        int maxPayload();
    }

    private final long idHi;
    private final long idLo;
    private final long leaseNanos;
    private final long beatNanos;
    private final Transport transport;
    private final Consumer<TopicChange> tell;

    private final Map<Id, Peer> peers = new HashMap<>();
    private Set<Topic> local = Set.of();
    private final Set<Topic> told = new HashSet<>();
    /** Topics told by nodes that left or expired, adopted at the next evaluation if this node owns them. */
    private final Set<Topic> departedTold = new HashSet<>();
    /**
     * Topics this node told and handed over to another owner, with when to forget them: published for
     * a lease so that the new owner adopts them even if it decides after this node's hand-over.
     */
    private final Map<Topic, Long> handed = new HashMap<>();
    /** The members in this node's view at its last evaluation (published in its state: an acknowledgement). */
    private Set<Id> memberView = Set.of();
    private long lastNow;
    /** Since when this node is a member, while it waits for every known node to count it as one. */
    private long joinedAt;
    private boolean joining;
    /** The owner of each topic at the last evaluation, to see ownership move here. */
    private final Map<Topic, Id> lastOwner = new HashMap<>();
    private boolean connected;
    private boolean member;
    private long connectedAt;
    private long lastBeat;
    private long version;
    private boolean stateDirty;
    private boolean evalDirty;
    private long malformed;
    private long told0;

    public ClusterTopicNotifier(long idHi, long idLo, long leaseNanos, Transport transport, Consumer<TopicChange> tell) {
        this.idHi = idHi;
        this.idLo = idLo;
        this.leaseNanos = leaseNanos;
        this.beatNanos = leaseNanos / 3;
        this.transport = transport;
        this.tell = tell;
    }

    // ---- inputs

    /**
     * The node's NATS connection is up (first connect or reconnect): re-sync. The nodes known before get
     * a new lease from now to be heard again (they may be reconnecting too); their last states stand
     * until their new ones come.
     */
    public void connected(long now) {
        connected = true;
        member = false;
        for (Peer p : peers.values()) {
            p.lastHeard = now;
            p.members = Set.of(); // their acknowledgements are from before: wait for new ones
        }
        lastOwner.clear();
        memberView = Set.of(); // counts no one as a member until it is one again
        joining = false;
        connectedAt = now;
        transport.publish(want(new Id(0, 0)));
        stateDirty = true;
        beat(now);
    }

    /** The node's NATS connection is lost: stop owning topics until re-synced. */
    public void disconnected() {
        connected = false;
        member = false;
        joining = false;
        memberView = Set.of();
        lastOwner.clear();
    }

    /** This node's local topics changed; {@code topics} is the new set (not modified afterwards). */
    public void localTopics(Set<Topic> topics) {
        if (!topics.equals(local)) {
            local = topics;
            stateDirty = true;
            evalDirty = true;
        }
    }

    /** A message another node published on the notifier's subject. */
    public void received(byte[] m, long now) {
        try {
            decode(m, now);
        } catch (RuntimeException e) { // BufferUnderflow, bad counts: a message that is not ours
            malformed++;
        }
    }

    /** Does the periodic duties: expiry, joining, evaluation, heartbeat, state publication. */
    public void tick(long now) {
        if (!connected) {
            return;
        }
        lastNow = now;
        if (handed.values().removeIf(until -> now - until > 0)) {
            stateDirty = true;
        }
        for (Iterator<Peer> it = peers.values().iterator(); it.hasNext(); ) {
            Peer p = it.next();
            if (now - p.lastHeard > leaseNanos) {
                it.remove();
                departedTold.addAll(p.told);
                departedTold.addAll(p.handed);
                evalDirty = true;
            }
        }
        if (!member && now - connectedAt >= beatNanos + beatNanos / 2 && allStatesKnown()) {
            member = true;
            joining = true;
            joinedAt = now;
            evalDirty = true;
            evaluate();
            lastBeat = Long.MIN_VALUE / 2; // tell the others at once
        }
        if (member && evalDirty) {
            evaluate();
        }
        if (stateDirty) {
            publishState(0);
        }
        if (now - lastBeat >= beatNanos) {
            beat(now);
        }
    }

    /** The node is closing: tells the others to forget it now (they take its told topics over). */
    public void leave() {
        if (connected) {
            publishState(FLAG_LEAVING);
        }
        connected = false;
        member = false;
    }

    // ---- what tests and counters read

    public boolean isMember() {
        return member;
    }

    /** The member nodes this node knows of, itself included if it is one; 0 while disconnected. */
    public int members() {
        if (!connected) {
            return 0;
        }
        int n = member ? 1 : 0;
        for (Peer p : peers.values()) {
            if (p.member && p.stateVersion >= 0) {
                n++;
            }
        }
        return n;
    }

    public long malformed() {
        return malformed;
    }

    /** The topics this node has told {@code Created} of and not {@code Removed} yet (a copy). */
    public Set<Topic> told() {
        return Set.copyOf(told);
    }

    /** How many changes this node has told. */
    public long toldCount() {
        return told0;
    }

    // ---- evaluation

    private boolean allStatesKnown() {
        for (Peer p : peers.values()) {
            if (p.stateVersion < 0) {
                return false;
            }
        }
        return true;
    }

    private void evaluate() {
        evalDirty = false;
        List<Id> members = new ArrayList<>();
        members.add(new Id(idHi, idLo));
        Set<Topic> union = new HashSet<>(local);
        Set<Topic> peersTold = new HashSet<>(departedTold);
        peersTold.addAll(handed.keySet());
        for (Map.Entry<Id, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            if (p.stateVersion < 0) {
                continue;
            }
            union.addAll(p.local);
            peersTold.addAll(p.told);
            peersTold.addAll(p.handed);
            if (p.member) {
                members.add(e.getKey());
            }
        }
        Id self = members.getFirst();
        Set<Id> view = Set.copyOf(members);
        if (!view.equals(memberView)) {
            memberView = view;
            stateDirty = true; // the others wait for it (below)
        }
        // Until every member has published a state that counts this node as a member, one of them may
        // still own (and tell) topics that now go to this node: decide none of them before then, so
        // the last state of the previous owner, with what it told and handed over, is known here.
        // A node that has just become a member waits for every node it knows (members or not: two
        // nodes may join in the same instant, each seeing the other not a member yet), at most a lease.
        if (joining && lastNow - joinedAt > leaseNanos) {
            joining = false;
        }
        boolean acknowledged = true;
        for (Peer p : peers.values()) {
            if ((p.member || joining) && p.stateVersion >= 0 && !p.members.contains(self)) {
                acknowledged = false;
            }
        }
        if (acknowledged) {
            joining = false;
        }
        Set<Topic> candidates = new HashSet<>(union);
        candidates.addAll(told);
        candidates.addAll(peersTold);
        Id me = members.getFirst();
        for (Topic t : candidates) {
            Id owner = owner(t, members);
            Id before = lastOwner.get(t);
            if (!owner.equals(me)) {
                lastOwner.put(t, owner);
                if (told.remove(t)) {
                    handed.put(t, lastNow + leaseNanos); // the owner adopts it from our state
                    stateDirty = true;
                }
                continue;
            }
            if (!acknowledged) {
                evalDirty = true; // again when the acknowledgements come
                continue;
            }
            lastOwner.put(t, owner);
            handed.remove(t);
            if (!me.equals(before) && !told.contains(t) && peersTold.contains(t)) {
                told.add(t); // adopted: the previous owner told it
                stateDirty = true;
            }
            boolean held = union.contains(t);
            if (held && !told.contains(t)) {
                told.add(t);
                stateDirty = true;
                told0++;
                tell.accept(new TopicChange.Created(t));
            } else if (!held && told.remove(t)) {
                stateDirty = true;
                told0++;
                tell.accept(new TopicChange.Removed(t));
            }
        }
        if (acknowledged) {
            departedTold.clear();
        }
        lastOwner.keySet().retainAll(candidates);
    }

    /** Rendezvous hashing: the member with the highest score for the topic (ties by id). */
    static Id owner(Topic t, Collection<Id> members) {
        long th = topicHash(t);
        Id best = null;
        long bestScore = 0;
        for (Id m : members) {
            long s = mix(th ^ mix(m.hi ^ Long.rotateLeft(m.lo, 29)));
            if (best == null || Long.compareUnsigned(s, bestScore) > 0
                    || (s == bestScore && m.compareTo(best) > 0)) {
                best = m;
                bestScore = s;
            }
        }
        return best;
    }

    static long topicHash(Topic t) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : t.toBytes()) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A 64-bit finalizer (xor-shift-multiply) spreading every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // ---- encoding

    private int flags() {
        return member ? FLAG_MEMBER : 0;
    }

    private void beat(long now) {
        lastBeat = now;
        ByteBuffer b = ByteBuffer.allocate(2 + 16 + 8 + 1);
        b.put(FORMAT).put(BEAT).putLong(idHi).putLong(idLo).putLong(version).put((byte) flags());
        transport.publish(b.array());
    }

    private byte[] want(Id target) {
        ByteBuffer b = ByteBuffer.allocate(2 + 16 + 16);
        b.put(FORMAT).put(WANT).putLong(idHi).putLong(idLo).putLong(target.hi).putLong(target.lo);
        return b.array();
    }

    private void publishState(int extraFlags) {
        stateDirty = false;
        version++;
        byte[] body = encodeState(local, told, handed.keySet(), memberView);
        int chunk = Math.max(1024, transport.maxPayload() - STATE_HEADER);
        int parts = Math.max(1, (body.length + chunk - 1) / chunk);
        for (int i = 0; i < parts; i++) {
            int from = i * chunk;
            int len = Math.min(chunk, body.length - from);
            ByteBuffer b = ByteBuffer.allocate(STATE_HEADER + len);
            b.put(FORMAT).put(STATE).putLong(idHi).putLong(idLo).putLong(version).put((byte) (flags() | extraFlags))
                    .putInt(i).putInt(parts).put(body, from, len);
            transport.publish(b.array());
        }
    }

    static byte[] encodeState(Set<Topic> local, Set<Topic> told, Set<Topic> handed, Set<Id> members) {
        int size = 16 + 16 * members.size();
        for (Set<Topic> set : List.of(local, told, handed)) {
            for (Topic t : set) {
                size += 2 + t.length();
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        putTopics(b, local);
        putTopics(b, told);
        putTopics(b, handed);
        b.putInt(members.size());
        for (Id m : members) {
            b.putLong(m.hi).putLong(m.lo);
        }
        return b.array();
    }

    private static void putTopics(ByteBuffer b, Set<Topic> topics) {
        b.putInt(topics.size());
        for (Topic t : topics) {
            b.putShort((short) t.length());
            b.put(t.toBytes());
        }
    }

    private static Set<Topic> getTopics(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / 2) {
            throw new IllegalArgumentException("topic count " + n);
        }
        Set<Topic> topics = new HashSet<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            int len = b.getShort() & 0xffff;
            if (len > Topic.MAX_LENGTH) {
                throw new IllegalArgumentException("topic length " + len);
            }
            byte[] bytes = new byte[len];
            b.get(bytes);
            topics.add(Topic.of(bytes));
        }
        return topics;
    }

    private void decode(byte[] m, long now) {
        ByteBuffer b = ByteBuffer.wrap(m);
        if (b.get() != FORMAT) {
            malformed++;
            return;
        }
        byte kind = b.get();
        Id from = new Id(b.getLong(), b.getLong());
        if (from.hi == idHi && from.lo == idLo) {
            return; // our own (NATS no-echo makes this rare)
        }
        switch (kind) {
            case BEAT -> {
                long v = b.getLong();
                int flags = b.get();
                Peer p = heard(from, now, flags);
                if (v > p.stateVersion && now - p.lastWant > beatNanos) {
                    p.lastWant = now;
                    transport.publish(want(from));
                }
            }
            case WANT -> {
                Id target = new Id(b.getLong(), b.getLong());
                if ((target.hi == 0 && target.lo == 0) || (target.hi == idHi && target.lo == idLo)) {
                    stateDirty = true;
                }
                heard(from, now, -1);
            }
            case STATE -> {
                long v = b.getLong();
                int flags = b.get();
                int part = b.getInt();
                int parts = b.getInt();
                if (parts < 1 || parts > MAX_PARTS || part < 0 || part >= parts) {
                    malformed++;
                    return;
                }
                Peer p = heard(from, now, flags);
                if (v <= p.stateVersion) {
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                byte[] body = p.assemble(v, part, parts, chunk);
                if (body == null) {
                    return;
                }
                ByteBuffer s = ByteBuffer.wrap(body);
                Set<Topic> l = getTopics(s);
                Set<Topic> t = getTopics(s);
                Set<Topic> h = getTopics(s);
                int n = s.getInt();
                if (n < 0 || n > s.remaining() / 16) {
                    throw new IllegalArgumentException("member count " + n);
                }
                Set<Id> ms = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    ms.add(new Id(s.getLong(), s.getLong()));
                }
                p.stateVersion = v;
                p.local = l;
                p.told = t;
                p.handed = h;
                p.members = ms;
                evalDirty = true;
                if ((flags & FLAG_LEAVING) != 0) {
                    peers.remove(from);
                    departedTold.addAll(t);
                    departedTold.addAll(h);
                }
            }
            default -> malformed++;
        }
    }

    private Peer heard(Id id, long now, int flags) {
        Peer p = peers.computeIfAbsent(id, k -> new Peer());
        p.lastHeard = now;
        if (flags >= 0) {
            boolean m = (flags & FLAG_MEMBER) != 0;
            if (m != p.member) {
                p.member = m;
                evalDirty = true;
            }
        }
        return p;
    }

    /** A node id: 128 random bits. */
    record Id(long hi, long lo) implements Comparable<Id> {
        @Override
        public int compareTo(Id o) {
            int c = Long.compareUnsigned(hi, o.hi);
            return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
        }
    }

    /** What this node knows of another. */
    private static final class Peer {
        long lastHeard;
        boolean member;
        long stateVersion = -1;
        Set<Topic> local = Set.of();
        Set<Topic> told = Set.of();
        Set<Topic> handed = Set.of();
        Set<Id> members = Set.of();
        long lastWant = Long.MIN_VALUE / 2;
        /** The state being assembled from its parts: one version at a time. */
        long asmVersion = -1;
        byte[][] asmParts;
        int asmGot;
        int asmBytes;

        byte[] assemble(long v, int part, int parts, byte[] chunk) {
            if (parts == 1) {
                asmParts = null;
                return chunk;
            }
            if (v != asmVersion || asmParts == null || asmParts.length != parts) {
                if (v < asmVersion) {
                    return null;
                }
                asmVersion = v;
                asmParts = new byte[parts][];
                asmGot = 0;
                asmBytes = 0;
            }
            if (asmParts[part] == null) {
                if (asmBytes + chunk.length > MAX_STATE_BYTES) {
                    asmParts = null;
                    throw new IllegalArgumentException("state over " + MAX_STATE_BYTES + " bytes");
                }
                asmParts[part] = chunk;
                asmGot++;
                asmBytes += chunk.length;
            }
            if (asmGot < parts) {
                return null;
            }
            byte[] body = new byte[asmBytes];
            int at = 0;
            for (byte[] c : asmParts) {
                System.arraycopy(c, 0, body, at, c.length);
                at += c.length;
            }
            asmParts = null;
            return body;
        }
    }
}
