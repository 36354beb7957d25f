package dev.hardlight.hypercore;

import dev.hardlight.hypercore.internal.CompactReader;
import dev.hardlight.hypercore.internal.CompactWriter;
import dev.hardlight.hypercore.internal.Keys;
import dev.hardlight.hypercore.internal.MalformedException;
import dev.hardlight.hypercore.internal.Messages;
import dev.hardlight.hypercore.internal.Mux;
import dev.hardlight.hypercore.internal.SecureStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One hypercore protocol connection, sans I/O: give it the bytes read from the transport with
 * {@link #receive}, write what {@link #takeOutput} returns, and handle what {@link #poll} returns. No thread,
 * socket or timer inside; call {@link #tick} now and then for keep-alives.
 *
 * <p>Layers, as the JavaScript stack: a Noise XX handshake with Ed25519 keys and a libsodium secretstream
 * ({@code @hyperswarm/secret-stream}), protomux channels, and {@code hypercore/alpha} channels (one per core,
 * named by its discovery key, with the capability check) carrying {@link Message}s.
 *
 * <p>Errors from the peer never throw out of {@link #receive}: a connection-level fault (framing, handshake,
 * MAC, stream id, multiplexing) ends the connection with {@link Event.Closed} carrying the reason; a
 * channel-level fault (a wrong capability, a message that does not decode) closes that channel with
 * {@link Event.ChannelClosed} carrying the reason. After {@code Closed} the protocol ignores input and its
 * commands throw {@link IllegalStateException}.
 *
 * <p>Memory is bounded: one frame by {@link ProtocolOptions#maxFrameBytes()}, messages for channels the remote
 * opened before us by 4 MiB in all, pending remote opens by 256. The events of one {@link #receive} call are at
 * most the messages in the bytes given. Not thread safe: one thread at a time (the TCP adapter serializes).
 */
public final class Protocol {
    /** The protomux protocol name of hypercore 10 channels. */
    public static final String CHANNEL_PROTOCOL = "hypercore/alpha";

    private final boolean initiator;
    private final ProtocolOptions options;
    private final SecureStream stream;
    private final Mux mux;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final Map<String, Mux.Channel> channels = new HashMap<>();
    private final Map<String, byte[]> keys = new HashMap<>();
    private final List<byte[]> pendingOpens = new ArrayList<>();
    private boolean handshakeDone;
    private boolean closed;
    private long lastSent = -1;

    private Protocol(boolean initiator, ProtocolOptions options, Ed25519KeyPair ephemeral) {
        this.initiator = initiator;
        this.options = Objects.requireNonNull(options, "options");
        this.mux = new Mux(this::sendPlain, new MuxHandler(), Map.of("hypercore", CHANNEL_PROTOCOL));
        this.stream = new SecureStream(initiator, options.keyPair(), ephemeral, options.allowPeer(), options.maxFrameBytes(),
                new SecureStream.Listener() {
                    @Override
                    public void onHandshake(byte[] remotePublicKey, byte[] handshakeHash) {
                        handshakeDone = true;
                        events.add(new Event.Handshake(remotePublicKey, handshakeHash));
                        List<byte[]> opens = new ArrayList<>(pendingOpens);
                        pendingOpens.clear();
                        for (byte[] key : opens) {
                            openNow(key);
                        }
                    }

                    @Override
                    public void onMessage(byte[] plain) {
                        mux.receive(plain);
                    }
                });
    }

    /** The side that connects: it sends the first handshake message (already in {@link #takeOutput}). */
    public static Protocol initiator(ProtocolOptions options) {
        return new Protocol(true, options, null);
    }

    /** The side that accepts. */
    public static Protocol responder(ProtocolOptions options) {
        return new Protocol(false, options, null);
    }

    /** For test vectors: a fixed ephemeral key. */
    static Protocol withEphemeral(boolean initiator, ProtocolOptions options, Ed25519KeyPair ephemeral) {
        return new Protocol(initiator, options, ephemeral);
    }

    public boolean isInitiator() {
        return initiator;
    }

    /** Our static public key. */
    public byte[] publicKey() {
        return options.keyPair().publicKey();
    }

    /** The remote's static public key once the handshake is done, else null. */
    public byte[] remotePublicKey() {
        return stream.remotePublicKey();
    }

    /** The 64-byte handshake hash once the handshake is done (equal on both sides), else null. */
    public byte[] handshakeHash() {
        return stream.handshakeHash();
    }

    /** Whether the connection has ended ({@link Event.Closed} was queued). */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Feeds bytes read from the transport; partial frames are kept for the next call. Peer errors end the
     * connection with {@link Event.Closed} instead of throwing. Ignored once closed.
     */
    public void receive(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        if (closed) {
            return;
        }
        try {
            stream.receive(bytes, off, len);
        } catch (HypercoreException e) {
            fail(e.getMessage());
        }
    }

    /** Feeds all of {@code bytes}. */
    public void receive(byte[] bytes) {
        receive(bytes, 0, bytes.length);
    }

    /** The transport ended (EOF or error): closes every channel and the connection. */
    public void transportClosed(String error) {
        if (closed) {
            return;
        }
        closed = true;
        mux.closeAll();
        events.add(new Event.Closed(error));
    }

    private void fail(String why) {
        if (closed) {
            return;
        }
        closed = true;
        stream.takeOutput();
        mux.closeAll();
        events.add(new Event.Closed(why));
    }

    /** The bytes to write to the transport now (possibly empty), in order. */
    public byte[] takeOutput() {
        return stream.failure() == null ? stream.takeOutput() : new byte[0];
    }

    /** Bytes waiting in {@link #takeOutput}. */
    public long pendingOutputBytes() {
        return stream.failure() == null ? stream.pendingOutputBytes() : 0;
    }

    /** The next event, or null if there is none now. */
    public Event poll() {
        return events.poll();
    }

    /**
     * Sends a keep-alive if nothing was sent for {@link ProtocolOptions#keepAliveMillis()}. Call it every second
     * or so with a monotonic clock in milliseconds.
     */
    public void tick(long nowMillis) {
        if (closed || options.keepAliveMillis() == 0 || !stream.isEstablished()) {
            return;
        }
        if (lastSent < 0) {
            lastSent = nowMillis;
        } else if (nowMillis - lastSent >= options.keepAliveMillis() && stream.pendingOutputBytes() == 0) {
            stream.send(new byte[0]);
            lastSent = nowMillis;
        }
    }

    private void sendPlain(byte[] plain) {
        stream.send(plain);
        lastSent = -1;
    }

    /** Tests only: sends raw protomux bytes (any content) through the secure stream. */
    void sendRawForTest(byte[] plain) {
        stream.send(plain);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("connection closed");
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static void check32(byte[] b, String name) {
        if (b == null || b.length != 32) {
            throw new IllegalArgumentException(name + " length : " + (b == null ? "null" : b.length) + " (expected: 32)");
        }
    }

    /**
     * Opens the channel of the core with this 32-byte key (its public key). It pairs when the remote opens it
     * too ({@link Event.ChannelOpened}); before the handshake completes the open waits for it.
     *
     * @throws IllegalStateException if the channel is already open or the connection is closed
     */
    public void open(byte[] key) {
        checkOpen();
        check32(key, "key");
        String dk = hex(Keys.discoveryKey(key));
        if (channels.containsKey(dk) || keys.containsKey(dk)) {
            throw new IllegalStateException("channel already open for discovery key " + dk);
        }
        keys.put(dk, key.clone());
        if (!handshakeDone) {
            pendingOpens.add(key.clone());
            return;
        }
        openNow(key);
    }

    private void openNow(byte[] key) {
        byte[] dk = Keys.discoveryKey(key);
        byte[] hs = new CompactWriter(40).uint(1).fixed32(Keys.capability(initiator, key, stream.handshakeHash())).toByteArray();
        Mux.Channel ch = mux.open(CHANNEL_PROTOCOL, dk, hs);
        if (!ch.isClosed()) {
            channels.put(hex(dk), ch);
        }
    }

    /** Refuses a channel the remote opened ({@link Event.DiscoveryKey}); does nothing if none is waiting. */
    public void reject(byte[] discoveryKey) {
        checkOpen();
        check32(discoveryKey, "discoveryKey");
        mux.reject(CHANNEL_PROTOCOL, discoveryKey);
    }

    /** Whether the channel of this discovery key is open (paired and not closed). */
    public boolean isChannelOpen(byte[] discoveryKey) {
        Mux.Channel ch = channels.get(hex(discoveryKey));
        return ch != null && ch.isPaired();
    }

    private Mux.Channel paired(byte[] discoveryKey) {
        checkOpen();
        Mux.Channel ch = channels.get(hex(discoveryKey));
        if (ch == null || !ch.isPaired()) {
            throw new IllegalStateException("channel not open for discovery key " + hex(discoveryKey));
        }
        return ch;
    }

    /**
     * Sends a message on an open channel.
     *
     * @throws IllegalStateException if the channel is not open
     * @throws HypercoreException if the message is larger than a frame
     */
    public void send(byte[] discoveryKey, Message message) {
        mux.send(paired(discoveryKey), message.type(), Messages.encode(message));
    }

    /** Sends several messages of one channel in one protomux batch (one encrypted frame), as JS does when corked. */
    public void sendBatch(byte[] discoveryKey, List<? extends Message> messages) {
        Mux.Channel ch = paired(discoveryKey);
        List<Integer> types = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (Message m : messages) {
            types.add(m.type());
            payloads.add(Messages.encode(m));
        }
        mux.sendBatch(ch, types, payloads);
    }

    /** Closes the channel of this discovery key (no-op if it is not open). */
    public void closeChannel(byte[] discoveryKey) {
        checkOpen();
        Mux.Channel ch = channels.get(hex(discoveryKey));
        if (ch != null) {
            mux.close(ch);
        }
    }

    /**
     * Closes every channel (their close messages are in {@link #takeOutput}) and ends the connection with an
     * orderly {@link Event.Closed}; the caller then flushes the output and closes the transport.
     */
    public void close() {
        if (closed) {
            return;
        }
        for (Mux.Channel ch : new ArrayList<>(channels.values())) {
            if (stream.isEstablished()) {
                mux.close(ch);
            }
        }
        closed = true;
        mux.closeAll();
        events.add(new Event.Closed(null));
    }

    private final class MuxHandler implements Mux.Handler {
        @Override
        public void onRemoteOpen(String protocol, byte[] id) {
            if (!CHANNEL_PROTOCOL.equals(protocol) || id == null || id.length != 32) {
                mux.reject(protocol, id); // not a hypercore channel: refuse as protomux does without a handler
                return;
            }
            events.add(new Event.DiscoveryKey(id.clone()));
        }

        @Override
        public void onPaired(Mux.Channel ch, byte[] remoteHandshake) {
            byte[] dk = ch.id();
            byte[] key = keys.get(hex(dk));
            try {
                CompactReader r = new CompactReader(remoteHandshake);
                r.uint("open flags");
                byte[] cap = r.fixed32("capability");
                byte[] expected = Keys.capability(!initiator, key, stream.handshakeHash());
                if (!MessageDigest.isEqual(cap, expected)) {
                    ch.attachment = "invalid capability: the remote does not prove it knows the core key";
                    mux.close(ch);
                    return;
                }
            } catch (MalformedException e) {
                ch.attachment = "invalid channel handshake: " + e.getMessage();
                mux.close(ch);
                return;
            }
            events.add(new Event.ChannelOpened(key.clone(), dk));
        }

        @Override
        public void onMessage(Mux.Channel ch, int type, byte[] payload) {
            Message m;
            try {
                m = Messages.decode(type, payload);
            } catch (MalformedException e) {
                ch.attachment = "malformed message of type " + type + ": " + e.getMessage();
                mux.close(ch);
                return;
            }
            if (m != null) {
                events.add(new Event.Received(ch.id(), m));
            }
        }

        @Override
        public void onClosed(Mux.Channel ch, boolean remote) {
            byte[] dk = ch.id();
            String h = hex(dk);
            channels.remove(h, ch);
            keys.remove(h);
            events.add(new Event.ChannelClosed(dk, remote, (String) ch.attachment));
        }
    }
}
