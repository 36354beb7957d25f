package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Replication that verifies, against a real JS hypercore 10 (core-peer.js). */
@Timeout(value = 6, unit = TimeUnit.MINUTES) // the first run installs the npm packages
class JsReplicationTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] SEED = new byte[32];

    static {
        Arrays.fill(SEED, (byte) 0x42);
    }

    /** The same values as core-peer.js's blockValue. */
    static byte[] blockValue(int i) {
        byte[] head = ("block-" + i + " ").getBytes(StandardCharsets.UTF_8);
        byte[] v = Arrays.copyOf(head, head.length + (i * 997) % 5000);
        Arrays.fill(v, head.length, v.length, (byte) 'x');
        return v;
    }

    @Test
    void javaDownloadsAndVerifiesEveryBlockOfAJsCore() throws Exception {
        int n = 11;
        try (JsPeer js = JsPeer.start("core-peer.js", "serve", HEX.formatHex(SEED), Integer.toString(n))) {
            Map<String, Object> l = js.await("listening");
            byte[] key = HEX.parseHex((String) l.get("key"));
            assertThat(key).isEqualTo(Ed25519KeyPair.fromSeed(SEED).publicKey()); // a compat core: key = signing key
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            TcpConnection conn = TcpConnection.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ((Number) l.get("port")).intValue()),
                    ProtocolOptions.defaults(), (c, e) -> events.add(e));
            conn.open(key);
            byte[] dk = SeedExampleTest.next(events, Event.ChannelOpened.class).discoveryKey();
            Replica replica = new Replica(key);
            conn.send(dk, replica.syncMessage());
            Message.Sync remote = (Message.Sync) receive(events, Message.Sync.class);
            assertThat(remote.length()).isEqualTo(n);

            List<Message.Data> answers = new ArrayList<>();
            conn.send(dk, replica.request(1, 0, remote.length()));
            Message.Data first = (Message.Data) receive(events, Message.Data.class);
            answers.add(first);
            assertThat(first.upgrade()).isNotNull();
            assertThat(first.upgrade().signature()).hasSize(64);
            tampered(key, first);
            replica.onData(first);
            assertThat(replica.length()).isEqualTo(n);
            for (int i = 1; i < n; i++) {
                conn.send(dk, replica.request(i + 1, i, remote.length()));
                Message.Data d = (Message.Data) receive(events, Message.Data.class);
                assertThat(d.request()).isEqualTo(i + 1);
                assertThat(d.upgrade()).isNull();
                replica.onData(d);
                answers.add(d);
            }
            for (int i = 0; i < n; i++) {
                assertThat(replica.block(i)).as("block " + i).isEqualTo(blockValue(i));
            }
            // a proof for a block that was altered does not verify against the signed tree
            Message.Data later = answers.get(5);
            byte[] v = later.block().value().clone();
            v[0] ^= 1;
            Message.Data forged = new Message.Data(later.request(), later.fork(), new Message.DataBlock(5, v, later.block().nodes()), null, null, null, null);
            assertThatThrownBy(() -> new ReplicaCopy(key, first).onData(forged)).hasMessageContaining("invalid proof");
            conn.close();
        }
    }

    @Test
    void jsDownloadsAndVerifiesEveryBlockOfAJavaCore() throws Exception {
        int n = 13;
        LocalCore core = new LocalCore(Ed25519KeyPair.fromSeed(SEED));
        for (int i = 0; i < n; i++) {
            core.append(blockValue(i));
        }
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        try (TcpServer server = TcpServer.listenLoopback(ProtocolOptions.defaults(), (c, e) -> {
            switch (e) {
                case Event.DiscoveryKey d when Arrays.equals(d.discoveryKey(), core.discoveryKey()) -> c.open(core.key());
                case Event.ChannelOpened o -> c.sendBatch(o.discoveryKey(), core.openingMessages());
                case Event.Received r -> core.onMessage(r.message()).forEach(m -> c.send(r.discoveryKey(), m));
                case Event.ChannelClosed cc when cc.error() != null -> errors.add(cc.error());
                case Event.Closed cl when cl.error() != null -> errors.add(cl.error());
                default -> {}
            }
        }); JsPeer js = JsPeer.start("core-peer.js", "download", Integer.toString(server.port()), HEX.formatHex(core.key()), Integer.toString(n))) {
            for (int i = 0; i < n; i++) {
                Map<String, Object> b = js.await("block");
                assertThat(((Number) b.get("index")).intValue()).isEqualTo(i);
                assertThat(b.get("hex")).as("block " + i + " as JS verified it").isEqualTo(HEX.formatHex(blockValue(i)));
            }
            Map<String, Object> done = js.await("done");
            assertThat(((Number) done.get("length")).intValue()).isEqualTo(n);
            assertThat(errors).isEmpty();
        }
    }

    /** A fresh replica that has verified {@code first}. */
    static final class ReplicaCopy {
        final Replica r;

        ReplicaCopy(byte[] key, Message.Data first) {
            r = new Replica(key);
            r.onData(first);
        }

        void onData(Message.Data d) {
            r.onData(d);
        }
    }

    /** Every single-byte change of the first answer's signature, value or nodes is refused. */
    static void tampered(byte[] key, Message.Data d) {
        byte[] sig = d.upgrade().signature().clone();
        sig[10] ^= 4;
        Message.Data badSig = new Message.Data(d.request(), d.fork(), d.block(), null, null,
                new Message.DataUpgrade(d.upgrade().start(), d.upgrade().length(), d.upgrade().nodes(), d.upgrade().additionalNodes(), sig), null);
        assertThatThrownBy(() -> new Replica(key).onData(badSig)).hasMessageContaining("signature does not verify");
        byte[] v = d.block().value().clone();
        v[v.length - 1] ^= 1;
        Message.Data badValue = new Message.Data(d.request(), d.fork(), new Message.DataBlock(0, v, d.block().nodes()), null, null, d.upgrade(), null);
        assertThatThrownBy(() -> new Replica(key).onData(badValue)).hasMessageContaining("invalid proof");
        Message.Data badFork = new Message.Data(d.request(), d.fork() + 1, d.block(), null, null, d.upgrade(), null);
        assertThatThrownBy(() -> new Replica(key).onData(badFork)).hasMessageContaining("signature does not verify");
        Replica other = new Replica(Ed25519KeyPair.generate().publicKey());
        assertThatThrownBy(() -> other.onData(d)).hasMessageContaining("signature does not verify");
    }

    static Message receive(BlockingQueue<Event> events, Class<? extends Message> type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<Event> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            Event e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e == null) {
                continue;
            }
            seen.add(e);
            if (e instanceof Event.Received r && type.isInstance(r.message())) {
                return r.message();
            }
            if (e instanceof Event.Closed || e instanceof Event.ChannelClosed) {
                throw new AssertionError("ended before a " + type.getSimpleName() + ": " + seen);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 20 s; saw " + seen);
    }
}
