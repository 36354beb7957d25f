package dev.hardlight.hypercore.internal;

import dev.hardlight.hypercore.HypercoreException;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code protomux} multiplexer, sans I/O, over the messages of a secure stream. A message is
 * {@code uint channelId, uint type, payload}, where the channel id is the sender's own (1-based) id and 0 is
 * the control channel (0 batch, 1 open, 2 reject, 3 close). A channel pairs when both sides open the same
 * (protocol, id). Connection-level violations (a control message that does not decode, an open that reuses
 * or skips an id, a message for an id never opened, a reject for an id not pending) throw
 * {@link HypercoreException}; messages for a channel that was closed are ignored, as protomux does, since
 * they may have been sent before the close arrived. Not thread safe.
 */
public final class Mux {
    /** What the multiplexer reports to the layer above. */
    public interface Handler {
        /** The remote opened (protocol, id) that we have not opened; we may {@link #open} it or {@link #reject} it. */
        void onRemoteOpen(String protocol, byte[] id);

        /** Both sides opened the channel; {@code remoteHandshake} is the rest of the remote's open message. */
        void onPaired(Channel channel, byte[] remoteHandshake);

        /** A message on a paired channel: its type and payload bytes. */
        void onMessage(Channel channel, int type, byte[] payload);

        /** The channel is closed: by the remote's close or reject ({@code remote}) or by us. */
        void onClosed(Channel channel, boolean remote);
    }

    /** One of our channels. */
    public static final class Channel {
        final String protocol;
        final byte[] id;
        final String key;
        int localId;
        int remoteId;
        boolean paired;
        boolean closed;
        /** Application data of the layer above. */
        public Object attachment;

        Channel(String protocol, byte[] id, String key) {
            this.protocol = protocol;
            this.id = id;
            this.key = key;
        }

        public String protocol() {
            return protocol;
        }

        public byte[] id() {
            return id == null ? null : id.clone();
        }

        public boolean isPaired() {
            return paired && !closed;
        }

        public boolean isClosed() {
            return closed;
        }

        public int localId() {
            return localId;
        }

        public int remoteId() {
            return remoteId;
        }
    }

    /** A remote id we know: paired with a channel, waiting for our decision, or closed (null slot). */
    private static final class Remote {
        final String key;
        Channel channel;
        byte[] handshake;
        final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        long pendingBytes;

        Remote(String key, byte[] handshake) {
            this.key = key;
            this.handshake = handshake;
        }
    }

    /** Bytes buffered for channels the remote opened before we did, over all of them. */
    public static final long MAX_BUFFERED = 4L << 20;
    /** Remote opens waiting for our decision at once. */
    public static final int MAX_BACKLOG = 256;

    private final Consumer<byte[]> out;
    private final Handler handler;
    private final List<Channel> local = new ArrayList<>();
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final List<Remote> remote = new ArrayList<>();
    /** Our channels opened and not yet paired, by (protocol, id). */
    private final Map<String, Channel> outgoing = new HashMap<>();
    /** Remote ids opened by the remote and not yet answered, by (protocol, id). */
    private final Map<String, Integer> incoming = new HashMap<>();
    private long buffered;
    /** Our channels closed before the remote answered their open, oldest first, by (protocol, id). */
    private final Map<String, ArrayDeque<Integer>> closedOutgoing = new HashMap<>();
    private final Map<String, String> aliases;

    /** @param aliases protocol names the remote may use for one of ours (protomux aliases), e.g. "hypercore" for "hypercore/alpha" */
    public Mux(Consumer<byte[]> out, Handler handler, Map<String, String> aliases) {
        this.out = out;
        this.handler = handler;
        this.aliases = aliases;
    }

    static String key(String protocol, byte[] id) {
        return protocol + "##" + (id == null ? "" : HexFormat.of().formatHex(id));
    }

    private String canonical(String protocol) {
        return aliases.getOrDefault(protocol, protocol);
    }

    /** Opens (protocol, id) with our handshake bytes; pairs at once if the remote opened it already. */
    public Channel open(String protocol, byte[] id, byte[] handshake) {
        String k = key(protocol, id);
        if (outgoing.containsKey(k) || isOpenLocally(k)) {
            throw new IllegalStateException("channel already open: " + protocol);
        }
        Channel ch = new Channel(protocol, id == null ? null : id.clone(), k);
        Integer slot = free.poll();
        if (slot == null) {
            local.add(ch);
            ch.localId = local.size();
        } else {
            local.set(slot, ch);
            ch.localId = slot + 1;
        }
        CompactWriter w = new CompactWriter(64 + handshake.length).uint(0).uint(1).uint(ch.localId).string(protocol).optionalBuffer(id).raw(handshake);
        out.accept(w.toByteArray());
        Integer rid = incoming.remove(k);
        if (rid == null) {
            outgoing.put(k, ch);
        } else {
            pair(ch, rid);
        }
        return ch;
    }

    private boolean isOpenLocally(String k) {
        for (Channel c : local) {
            if (c != null && !c.closed && c.key.equals(k)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses a channel the remote opened; does nothing if it is not waiting. */
    public void reject(String protocol, byte[] id) {
        Integer rid = incoming.remove(key(protocol, id));
        if (rid == null) {
            return;
        }
        Remote r = remote.get(rid - 1);
        buffered -= r.pendingBytes;
        remote.set(rid - 1, null);
        out.accept(new CompactWriter(8).uint(0).uint(2).uint(rid).toByteArray());
    }

    /** Sends a message on a paired channel. */
    public void send(Channel ch, int type, byte[] payload) {
        if (!ch.isPaired()) {
            throw new IllegalStateException("channel is not open: " + ch.protocol);
        }
        out.accept(new CompactWriter(payload.length + 12).uint(ch.localId).uint(type).raw(payload).toByteArray());
    }

    /** Sends several messages of one channel in one protomux batch (one frame). */
    public void sendBatch(Channel ch, List<Integer> types, List<byte[]> payloads) {
        if (!ch.isPaired()) {
            throw new IllegalStateException("channel is not open: " + ch.protocol);
        }
        CompactWriter w = new CompactWriter(256).uint(0).uint(0).uint(ch.localId);
        for (int i = 0; i < payloads.size(); i++) {
            byte[] m = new CompactWriter(payloads.get(i).length + 4).uint(types.get(i)).raw(payloads.get(i)).toByteArray();
            w.buffer(m);
        }
        out.accept(w.toByteArray());
    }

    /** Closes a channel of ours (sends close) unless it is closed already. */
    public void close(Channel ch) {
        if (ch.closed) {
            return;
        }
        out.accept(new CompactWriter(8).uint(0).uint(3).uint(ch.localId).toByteArray());
        closeLocally(ch, false);
    }

    private void closeLocally(Channel ch, boolean byRemote) {
        if (ch.closed) {
            return;
        }
        ch.closed = true;
        outgoing.remove(ch.key, ch);
        if (ch.remoteId > 0) {
            remote.set(ch.remoteId - 1, null);
            ch.remoteId = 0;
            local.set(ch.localId - 1, null);
            free.add(ch.localId - 1);
        } else if (byRemote) {
            local.set(ch.localId - 1, null);
            free.add(ch.localId - 1);
        } else {
            // not acknowledged yet: the id is reused only after the remote's open or reject arrives
            local.set(ch.localId - 1, null);
            closedOutgoing.computeIfAbsent(ch.key, x -> new ArrayDeque<>()).add(ch.localId);
        }
        handler.onClosed(ch, byRemote);
    }

    /** Closes every channel (the connection ended). */
    public void closeAll() {
        for (Channel c : new ArrayList<>(local)) {
            if (c != null) {
                closeLocally(c, true);
            }
        }
    }

    private void pair(Channel ch, int rid) {
        Remote r = remote.get(rid - 1);
        r.channel = ch;
        ch.remoteId = rid;
        ch.paired = true;
        byte[] hs = r.handshake;
        r.handshake = null;
        handler.onPaired(ch, hs);
        buffered -= r.pendingBytes;
        r.pendingBytes = 0;
        for (byte[] m; !ch.closed && (m = r.pending.poll()) != null; ) {
            deliver(ch, new CompactReader(m));
        }
        r.pending.clear();
    }

    /**
     * Processes one message from the secure stream.
     *
     * @throws HypercoreException if it violates the multiplexing rules (the connection must close)
     */
    public void receive(byte[] msg) {
        CompactReader rd = new CompactReader(msg);
        int channelId = rd.uintAsInt("channel id");
        decode(channelId, rd, msg);
    }

    private void decode(int remoteId, CompactReader rd, byte[] whole) {
        if (remoteId == 0) {
            control(rd);
            return;
        }
        if (remoteId > remote.size()) {
            throw new HypercoreException("message on channel id " + remoteId + ", which the remote never opened");
        }
        Remote r = remote.get(remoteId - 1);
        if (r == null) {
            return; // closed or rejected: may have been in flight
        }
        if (r.channel == null) {
            int len = rd.remaining();
            if (buffered + len + 64 > MAX_BUFFERED) {
                throw new HypercoreException("too many bytes buffered for channels not yet opened here (maximum " + MAX_BUFFERED + ")");
            }
            byte[] copy = new byte[len];
            System.arraycopy(whole, rd.position(), copy, 0, len);
            rd.raw(len, "message");
            r.pending.add(copy);
            r.pendingBytes += len + 64;
            buffered += len + 64;
            return;
        }
        deliver(r.channel, rd);
    }

    private void deliver(Channel ch, CompactReader rd) {
        int type = rd.uintAsInt("message type");
        handler.onMessage(ch, type, rd.rest());
    }

    private void control(CompactReader rd) {
        int type = rd.uintAsInt("control message type");
        switch (type) {
            case 0 -> batch(rd);
            case 1 -> onOpen(rd);
            case 2 -> onReject(rd);
            case 3 -> onClose(rd);
            default -> {
                // protomux ignores unknown control types
                rd.rest();
            }
        }
    }

    private void batch(CompactReader rd) {
        int channelId = rd.uintAsInt("batch channel id");
        while (rd.remaining() > 0) {
            int len = rd.uintAsInt("batch item length");
            if (len == 0) {
                channelId = rd.uintAsInt("batch channel id");
                continue;
            }
            byte[] item = rd.raw(len, "batch item");
            if (channelId == 0) {
                CompactReader ir = new CompactReader(item);
                int t = ir.uintAsInt("control message type");
                if (t == 0) {
                    throw new HypercoreException("Invalid batch: a batch inside a batch");
                }
                control(new CompactReader(item));
            } else {
                decode(channelId, new CompactReader(item), item);
            }
        }
    }

    private void onOpen(CompactReader rd) {
        int rid = rd.uintAsInt("open channel id");
        String protocol = rd.string("protocol");
        byte[] id = rd.optionalBuffer("channel id");
        byte[] handshake = rd.rest();
        if (rid == 0) {
            out.accept(new CompactWriter(8).uint(0).uint(2).uint(0).toByteArray());
            return;
        }
        if (remote.size() == rid - 1) {
            remote.add(null);
        }
        if (rid - 1 >= remote.size() || remote.get(rid - 1) != null) {
            throw new HypercoreException("Invalid open message: channel id " + rid + " skips ahead or is in use");
        }
        String k = key(canonical(protocol), id);
        ArrayDeque<Integer> gone = closedOutgoing.get(k);
        if (gone != null) {
            // answers an open of ours that we closed since: the id is free again, the remote's slot stays closed
            free.add(gone.poll() - 1);
            if (gone.isEmpty()) {
                closedOutgoing.remove(k);
            }
            return;
        }
        Remote r = new Remote(k, handshake);
        remote.set(rid - 1, r);
        Channel ch = outgoing.remove(k);
        if (ch != null) {
            pair(ch, rid);
            return;
        }
        if (incoming.containsKey(k) || isOpenLocally(k)) {
            throw new HypercoreException("Invalid open message: " + protocol + " opened twice by the remote");
        }
        if (incoming.size() >= MAX_BACKLOG) {
            throw new HypercoreException("Remote exceeded backlog: " + MAX_BACKLOG + " channels opened and not answered");
        }
        incoming.put(k, rid);
        handler.onRemoteOpen(canonical(protocol), id);
    }

    private void onReject(CompactReader rd) {
        int lid = rd.uintAsInt("reject channel id");
        for (Map.Entry<String, Channel> e : outgoing.entrySet()) {
            Channel ch = e.getValue();
            if (ch.localId == lid) {
                outgoing.remove(e.getKey());
                ch.closed = true;
                local.set(lid - 1, null);
                free.add(lid - 1);
                handler.onClosed(ch, true);
                return;
            }
        }
        for (var it = closedOutgoing.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Integer> q = it.next();
            if (q.remove(lid)) {
                free.add(lid - 1); // we closed it before the reject arrived
                if (q.isEmpty()) {
                    it.remove();
                }
                return;
            }
        }
        throw new HypercoreException("Invalid reject message: channel id " + lid + " is not waiting to pair");
    }

    private void onClose(CompactReader rd) {
        int rid = rd.uintAsInt("close channel id");
        if (rid == 0 || rid > remote.size()) {
            return;
        }
        Remote r = remote.get(rid - 1);
        if (r == null) {
            return;
        }
        if (r.channel != null) {
            closeLocally(r.channel, true);
        } else {
            buffered -= r.pendingBytes;
            incoming.remove(r.key);
            remote.set(rid - 1, null);
        }
    }
}
