package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.hypercore.internal.Keys;
import dev.hardlight.hypercore.internal.Messages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java against the real JS stack from npm (src/test/js, pinned by package-lock.json): the secure channel, the
 * hypercore/alpha channel with capabilities, and every message type through JS's own encoder, both directions.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES) // the first run installs the npm packages
class JsInteropTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] KEY = HEX.parseHex("97606caad2b08c1d5fe1642eeea562cb91d655e200c8d43a32091d064a331ee3");

    @Test
    void javaInitiatorWithJsResponder() throws Exception {
        try (JsPeer js = JsPeer.start("echo-peer.js", "server", HEX.formatHex(KEY))) {
            int port = ((Number) js.await("listening").get("port")).intValue();
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            TcpConnection conn = TcpConnection.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    ProtocolOptions.defaults(), (c, e) -> events.add(e));
            conversation(js, conn, events);
        }
    }

    @Test
    void jsInitiatorWithJavaResponder() throws Exception {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        TcpConnection[] conn = new TcpConnection[1];
        java.util.concurrent.CountDownLatch accepted = new java.util.concurrent.CountDownLatch(1);
        try (TcpServer server = TcpServer.listenLoopback(ProtocolOptions.defaults(), (c, e) -> {
            if (conn[0] == null) {
                conn[0] = c;
                accepted.countDown();
            }
            events.add(e);
        }); JsPeer js = JsPeer.start("echo-peer.js", "client", Integer.toString(server.port()), HEX.formatHex(KEY))) {
            assertThat(accepted.await(20, TimeUnit.SECONDS)).as("connection from JS").isTrue();
            assertThat(conn[0].isInitiator()).isFalse();
            conversation(js, conn[0], events);
        }
    }

    @Test
    void aJsPeerWithAWrongCapabilityGetsItsChannelClosedWithAClearError() throws Exception {
        try (JsPeer js = JsPeer.startWithEnv(Map.of("BAD_CAPABILITY", "1"), "echo-peer.js", "server", HEX.formatHex(KEY))) {
            int port = ((Number) js.await("listening").get("port")).intValue();
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            TcpConnection conn = TcpConnection.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    ProtocolOptions.defaults(), (c, e) -> events.add(e));
            conn.open(KEY);
            Event.ChannelClosed closed = SeedExampleTest.next(events, Event.ChannelClosed.class);
            assertThat(closed.error()).contains("invalid capability");
            assertThat(closed.discoveryKey()).isEqualTo(Keys.discoveryKey(KEY));
            assertThat(Pair.of(new java.util.ArrayList<>(events), Event.ChannelOpened.class)).isEmpty();
            // the JS side saw our valid capability, then our close
            assertThat(js.await("opened").get("capabilityValid")).isEqualTo(true);
            assertThat(js.await("channel-closed").get("isRemote")).isEqualTo(true);
        }
    }

    @Test
    void theCommittedMessageVectorsAreWhatTheInstalledJsEncoderProduces() throws Exception {
        JsPeer.install();
        Process p = new ProcessBuilder("node", "message-vectors.js").directory(JsPeer.DIR.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Json.parse(out)).isEqualTo(MessagesTest.vectors());
        } finally {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy);
        }
    }

    private void conversation(JsPeer js, TcpConnection conn, BlockingQueue<Event> events) throws Exception {
        Map<String, Object> hs = js.await("handshake");
        Event.Handshake h = SeedExampleTest.next(events, Event.Handshake.class);
        assertThat(HEX.formatHex(h.handshakeHash())).isEqualTo(hs.get("hash"));
        assertThat(HEX.formatHex(h.remotePublicKey())).isEqualTo(hs.get("publicKey"));
        assertThat(HEX.formatHex(conn.remotePublicKey())).isEqualTo(hs.get("publicKey"));

        conn.open(KEY);
        Event.ChannelOpened opened = SeedExampleTest.next(events, Event.ChannelOpened.class);
        byte[] dk = Keys.discoveryKey(KEY);
        assertThat(opened.discoveryKey()).isEqualTo(dk);
        Map<String, Object> jsOpened = js.await("opened");
        assertThat(jsOpened.get("capabilityValid")).isEqualTo(true);

        Thread.sleep(600); // the JS side sends keep-alives every 200 ms of silence; they must be dropped quietly
        for (Message m : MessagesTest.SAMPLES) {
            conn.send(dk, m);
            Map<String, Object> got = js.await("message");
            assertThat(((Number) got.get("type")).intValue()).isEqualTo(m.type());
            assertThat(got.get("hex")).as("JS decoded and re-encoded " + m).isEqualTo(HEX.formatHex(Messages.encode(m)));
            Event.Received echo = SeedExampleTest.next(events, Event.Received.class);
            assertThat(echo.discoveryKey()).isEqualTo(dk);
            assertThat(Messages.encode(echo.message())).as("echo of " + m).isEqualTo(Messages.encode(m));
        }
        // one batch of three, as JS sends when corked
        conn.sendBatch(dk, MessagesTest.SAMPLES.subList(0, 3));
        for (int i = 0; i < 3; i++) {
            assertThat(js.await("message").get("hex")).isEqualTo(HEX.formatHex(Messages.encode(MessagesTest.SAMPLES.get(i))));
            assertThat(Messages.encode(SeedExampleTest.next(events, Event.Received.class).message()))
                    .isEqualTo(Messages.encode(MessagesTest.SAMPLES.get(i)));
        }

        conn.closeChannel(dk);
        assertThat(js.await("channel-closed").get("isRemote")).isEqualTo(true);
        assertThat(SeedExampleTest.next(events, Event.ChannelClosed.class).byRemote()).isFalse();
        Event.Closed closed = SeedExampleTest.next(events, Event.Closed.class);
        assertThat(closed.error()).isNull();
        assertThat(conn.awaitClosed(10, TimeUnit.SECONDS)).isTrue();
        assertThat(js.seen()).noneMatch(l -> "error".equals(l.get("event")));
        assertThat(Arrays.asList(js.stderr().split("\n"))).noneMatch(l -> l.contains("Error"));
    }
}
