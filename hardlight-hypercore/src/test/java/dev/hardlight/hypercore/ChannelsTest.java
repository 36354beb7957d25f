package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.hypercore.internal.Keys;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Channels (protomux) and hypercore/alpha between two Java peers through the sans-I/O core. */
@Timeout(30)
class ChannelsTest {
    static byte[] key(int b) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) b);
        return k;
    }

    final Pair p = new Pair();

    @Test
    void handshakeEventsCarryTheRemoteKeyAndEqualHashes() {
        p.pump();
        Event.Handshake ha = Pair.of(p.aEvents, Event.Handshake.class).getFirst();
        Event.Handshake hb = Pair.of(p.bEvents, Event.Handshake.class).getFirst();
        assertThat(ha.remotePublicKey()).isEqualTo(p.b.publicKey());
        assertThat(hb.remotePublicKey()).isEqualTo(p.a.publicKey());
        assertThat(ha.handshakeHash()).isEqualTo(hb.handshakeHash()).isEqualTo(p.a.handshakeHash());
    }

    @Test
    void bothOpenTheSameKeyBeforeTheHandshakeAndExchangeAMessage() {
        p.a.open(key(3));
        p.b.open(key(3));
        p.pump();
        byte[] dk = Keys.discoveryKey(key(3));
        assertThat(Pair.of(p.aEvents, Event.ChannelOpened.class)).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo(key(3));
            assertThat(e.discoveryKey()).isEqualTo(dk);
        });
        assertThat(Pair.of(p.bEvents, Event.ChannelOpened.class)).hasSize(1);
        p.a.send(dk, new Message.Want(0, 1));
        p.pump();
        assertThat(Pair.of(p.bEvents, Event.Received.class)).singleElement().satisfies(e -> {
            assertThat(e.discoveryKey()).isEqualTo(dk);
            assertThat(e.message()).isEqualTo(new Message.Want(0, 1));
        });
    }

    @Test
    void aRemoteOpenForAnUnknownCoreIsAnnouncedAndPairsWhenOpenedWithBufferedMessagesDelivered() {
        p.pump();
        p.a.open(key(5));
        p.pump();
        byte[] dk = Keys.discoveryKey(key(5));
        assertThat(Pair.of(p.bEvents, Event.DiscoveryKey.class)).singleElement()
                .satisfies(e -> assertThat(e.discoveryKey()).isEqualTo(dk));
        assertThat(p.a.isChannelOpen(dk)).isFalse();
        p.b.open(key(5));
        p.pump();
        assertThat(p.a.isChannelOpen(dk)).isTrue();
        assertThat(p.b.isChannelOpen(dk)).isTrue();
        assertThat(Pair.of(p.aEvents, Event.ChannelOpened.class)).hasSize(1);
        assertThat(Pair.of(p.bEvents, Event.ChannelOpened.class)).hasSize(1);
    }

    @Test
    void rejectClosesTheOpenersChannel() {
        p.pump();
        p.a.open(key(6));
        p.pump();
        byte[] dk = Keys.discoveryKey(key(6));
        p.b.reject(dk);
        p.pump();
        assertThat(Pair.of(p.aEvents, Event.ChannelClosed.class)).singleElement().satisfies(e -> {
            assertThat(e.discoveryKey()).isEqualTo(dk);
            assertThat(e.byRemote()).isTrue();
            assertThat(e.error()).isNull();
        });
        // the id is free again: opening once more works and pairs
        p.a.open(key(6));
        p.b.open(key(6));
        p.pump();
        assertThat(p.a.isChannelOpen(dk)).isTrue();
        assertThat(p.b.isChannelOpen(dk)).isTrue();
    }

    @Test
    void closeReachesTheRemoteAndLaterMessagesAreRefusedLocally() {
        p.a.open(key(7));
        p.b.open(key(7));
        p.pump();
        byte[] dk = Keys.discoveryKey(key(7));
        p.a.closeChannel(dk);
        p.pump();
        assertThat(Pair.of(p.aEvents, Event.ChannelClosed.class)).singleElement().satisfies(e -> assertThat(e.byRemote()).isFalse());
        assertThat(Pair.of(p.bEvents, Event.ChannelClosed.class)).singleElement().satisfies(e -> assertThat(e.byRemote()).isTrue());
        assertThatThrownBy(() -> p.b.send(dk, new Message.Cancel(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void severalChannelsOpenedInOppositeOrdersMapRemoteIds() {
        p.pump();
        for (int i = 1; i <= 5; i++) {
            p.a.open(key(i));
        }
        for (int i = 5; i >= 1; i--) {
            p.b.open(key(i));
        }
        p.pump();
        for (int i = 1; i <= 5; i++) {
            p.a.send(Keys.discoveryKey(key(i)), new Message.Cancel(i));
            p.b.send(Keys.discoveryKey(key(i)), new Message.NoData(10 + i));
        }
        p.pump();
        List<Event.Received> atB = Pair.of(p.bEvents, Event.Received.class);
        List<Event.Received> atA = Pair.of(p.aEvents, Event.Received.class);
        assertThat(atB).hasSize(5);
        assertThat(atA).hasSize(5);
        for (int i = 1; i <= 5; i++) {
            assertThat(atB.get(i - 1).discoveryKey()).isEqualTo(Keys.discoveryKey(key(i)));
            assertThat(atB.get(i - 1).message()).isEqualTo(new Message.Cancel(i));
            assertThat(atA.get(i - 1).discoveryKey()).isEqualTo(Keys.discoveryKey(key(i)));
            assertThat(atA.get(i - 1).message()).isEqualTo(new Message.NoData(10 + i));
        }
    }

    @Test
    void aBatchDeliversEveryMessageInOrder() {
        p.a.open(key(8));
        p.b.open(key(8));
        p.pump();
        byte[] dk = Keys.discoveryKey(key(8));
        p.b.sendBatch(dk, List.of(new Message.Sync(0, 3, 0, true, true, true, false), new Message.Range(false, 0, 3),
                new Message.Extension("ext", new byte[] {1, 2})));
        p.pump();
        List<Event.Received> got = Pair.of(p.aEvents, Event.Received.class);
        assertThat(got).hasSize(3);
        assertThat(got.get(0).message()).isEqualTo(new Message.Sync(0, 3, 0, true, true, true, false));
        assertThat(got.get(1).message()).isEqualTo(new Message.Range(false, 0, 3));
        assertThat(((Message.Extension) got.get(2).message()).message()).containsExactly(1, 2);
    }

    @Test
    void closingTheConnectionClosesEveryChannelOnBothSides() {
        p.a.open(key(9));
        p.b.open(key(9));
        p.pump();
        p.a.close();
        p.pump();
        assertThat(p.aEvents.getLast()).isEqualTo(new Event.Closed(null));
        assertThat(Pair.of(p.bEvents, Event.ChannelClosed.class)).hasSize(1);
        assertThat(p.b.isClosed()).isFalse();
        p.b.transportClosed(null);
        p.drain();
        assertThat(p.bEvents.getLast()).isEqualTo(new Event.Closed(null));
    }

    @Test
    void keepAlivesAreSentAfterSilenceAndDroppedOnReceipt() {
        Pair q = new Pair(ProtocolOptions.builder().keepAliveMillis(100).build(), ProtocolOptions.defaults());
        q.a.open(key(4));
        q.b.open(key(4));
        q.pump();
        q.a.tick(1000);
        assertThat(q.a.takeOutput()).isEmpty();
        q.a.tick(1050);
        assertThat(q.a.takeOutput()).isEmpty();
        q.a.tick(1100);
        byte[] keepAlive = q.a.takeOutput();
        assertThat(keepAlive).hasSize(3 + 17);
        assertThat(HexFormat.of().formatHex(keepAlive, 0, 3)).isEqualTo("110000");
        int before = q.bEvents.size();
        q.b.receive(keepAlive);
        q.drain();
        assertThat(q.bEvents).hasSize(before);
        assertThat(q.b.isClosed()).isFalse();
        // sending resets the silence
        q.a.send(Keys.discoveryKey(key(4)), new Message.Want(0, 1));
        q.a.takeOutput();
        q.a.tick(1150);
        q.a.tick(1200);
        assertThat(q.a.takeOutput()).isEmpty();
    }

    @Test
    void openTwiceIsRefused() {
        p.a.open(key(1));
        assertThatThrownBy(() -> p.a.open(key(1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
        assertThatThrownBy(() -> p.a.open(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theOpenMessageIsTheJsOne() {
        // 00 01 01 0f "hypercore/alpha" 20 <dk> 01 <cap>: 85 bytes, as captured between JS peers
        p.pump();
        byte[] key = HexFormat.of().parseHex("97606caad2b08c1d5fe1642eeea562cb91d655e200c8d43a32091d064a331ee3");
        p.a.open(key);
        p.pump();
        // the responder saw it as a remote open of that discovery key
        assertThat(Pair.of(p.bEvents, Event.DiscoveryKey.class)).singleElement()
                .satisfies(e -> assertThat(HexFormat.of().formatHex(e.discoveryKey()))
                        .isEqualTo("17e48ada51127b6fa0c3689a377412842ce54d76d93629a261765f04d58e4f7c"));
    }
}
