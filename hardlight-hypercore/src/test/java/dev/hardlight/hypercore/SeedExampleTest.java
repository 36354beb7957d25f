package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP adapter over real loopback sockets: the seed's example, and the connection's end. */
@Timeout(90)
class SeedExampleTest {
    @Test
    void serverAndClientOpenTheSameChannelAndExchangeAMessage() throws Exception {
        List<String> got = new SeedExample().run();
        assertThat(got).containsExactlyInAnyOrder(
                "listener received message: Want[start=0, length=1]",
                "dialer received message: Want[start=0, length=1]");
    }

    @Test
    void anOrderlyCloseReachesTheServerSideAsChannelAndConnectionEnds() throws Exception {
        BlockingQueue<Event> serverEvents = new LinkedBlockingQueue<>();
        byte[] key = new byte[32];
        try (TcpServer server = TcpServer.listenLoopback(ProtocolOptions.defaults(), (c, e) -> {
            serverEvents.add(e);
            if (e instanceof Event.DiscoveryKey) {
                c.open(key);
            }
        })) {
            BlockingQueue<Event> clientEvents = new LinkedBlockingQueue<>();
            TcpConnection client = TcpConnection.connect(server.address(), ProtocolOptions.defaults(), (c, e) -> clientEvents.add(e));
            client.open(key);
            assertThat(next(clientEvents, Event.ChannelOpened.class)).isNotNull();
            assertThat(client.remotePublicKey()).hasSize(32);
            client.close();
            assertThat(client.awaitClosed(10, TimeUnit.SECONDS)).isTrue();
            assertThat(client.closeError()).isNull();
            assertThat(next(serverEvents, Event.ChannelClosed.class).byRemote()).isTrue();
            assertThat(next(serverEvents, Event.Closed.class).error()).isNull();
        }
    }

    @Test
    void aPeerThatIsNotAllowedIsRefused() throws Exception {
        BlockingQueue<Event> serverEvents = new LinkedBlockingQueue<>();
        Ed25519KeyPair allowed = Ed25519KeyPair.generate();
        ProtocolOptions serverOptions = ProtocolOptions.builder()
                .allowPeer(k -> java.util.Arrays.equals(k, allowed.publicKey())).build();
        try (TcpServer server = TcpServer.listenLoopback(serverOptions, (c, e) -> serverEvents.add(e))) {
            TcpConnection stranger = TcpConnection.connect(server.address(), ProtocolOptions.defaults(), (c, e) -> {});
            assertThat(next(serverEvents, Event.Closed.class).error()).contains("peer refused");
            assertThat(stranger.awaitClosed(10, TimeUnit.SECONDS)).isTrue();
            TcpConnection friend = TcpConnection.connect(server.address(), ProtocolOptions.builder().keyPair(allowed).build(), (c, e) -> {});
            assertThat(next(serverEvents, Event.Handshake.class).remotePublicKey()).isEqualTo(allowed.publicKey());
            friend.close();
        }
    }

    @Test
    void twoPeersFloodingEachOtherDoNotDeadlock() throws Exception {
        byte[] key = new byte[32];
        byte[] dk = dev.hardlight.hypercore.internal.Keys.discoveryKey(key);
        int n = 300;
        byte[] big = new byte[64 * 1024];
        java.util.concurrent.atomic.AtomicInteger echoes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
        // the server echoes every extension message from its handler (the reading thread)
        try (TcpServer server = TcpServer.listenLoopback(ProtocolOptions.defaults(), (c, e) -> {
            if (e instanceof Event.DiscoveryKey) {
                c.open(key);
            } else if (e instanceof Event.Received r) {
                c.send(r.discoveryKey(), r.message());
            }
        })) {
            TcpConnection client = TcpConnection.connect(server.address(), ProtocolOptions.defaults(), (c, e) -> {
                if (e instanceof Event.Received && echoes.incrementAndGet() == n) {
                    all.countDown();
                }
            });
            client.open(key);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!client.isChannelOpen(dk) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            for (int i = 0; i < n; i++) {
                client.send(dk, new Message.Extension("flood", big)); // 19 MB each way, far above the socket buffers
            }
            assertThat(all.await(60, TimeUnit.SECONDS)).as("all echoes back").isTrue();
            client.close();
            assertThat(client.awaitClosed(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    static <T extends Event> T next(BlockingQueue<Event> q, Class<T> type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            Event e = q.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
    }
}
