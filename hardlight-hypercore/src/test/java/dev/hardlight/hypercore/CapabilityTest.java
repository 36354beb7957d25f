package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.hypercore.internal.CompactWriter;
import dev.hardlight.hypercore.internal.Keys;
import dev.hardlight.hypercore.internal.Mux;
import dev.hardlight.hypercore.internal.SecureStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer that opens the channel with a capability that does not prove the key: the channel closes with a clear error. */
@Timeout(30)
class CapabilityTest {
    @Test
    void aWrongCapabilityClosesTheChannel() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        byte[] dk = Keys.discoveryKey(key);
        Protocol java = Protocol.responder(ProtocolOptions.defaults());
        java.open(key);

        // the forger: a raw secure stream + mux that knows the discovery key only
        List<byte[]> received = new ArrayList<>();
        SecureStream[] s = new SecureStream[1];
        Mux[] mux = new Mux[1];
        s[0] = new SecureStream(true, Ed25519KeyPair.generate(), null, null, SecureStream.MAX_FRAME, new SecureStream.Listener() {
            @Override
            public void onHandshake(byte[] remotePublicKey, byte[] handshakeHash) {
                byte[] forged = Keys.capability(true, new byte[32], handshakeHash); // right role, wrong key
                mux[0].open(Protocol.CHANNEL_PROTOCOL, dk, new CompactWriter().uint(1).fixed32(forged).toByteArray());
            }

            @Override
            public void onMessage(byte[] plain) {
                received.add(plain);
                mux[0].receive(plain);
            }
        });
        List<String> muxEvents = new ArrayList<>();
        mux[0] = new Mux(b -> s[0].send(b), new Mux.Handler() {
            public void onRemoteOpen(String protocol, byte[] id) {}

            public void onPaired(Mux.Channel channel, byte[] remoteHandshake) {
                muxEvents.add("paired");
            }

            public void onMessage(Mux.Channel channel, int type, byte[] payload) {}

            public void onClosed(Mux.Channel channel, boolean remote) {
                muxEvents.add("closed remote=" + remote);
            }
        }, Map.of());
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] x = s[0].takeOutput();
            java.receive(x);
            byte[] y = java.takeOutput();
            s[0].receive(y, 0, y.length);
            for (Event e; (e = java.poll()) != null; ) {
                events.add(e);
            }
        }
        assertThat(Pair.of(events, Event.ChannelOpened.class)).isEmpty();
        assertThat(Pair.of(events, Event.ChannelClosed.class)).singleElement().satisfies(e -> {
            assertThat(e.discoveryKey()).isEqualTo(dk);
            assertThat(e.error()).contains("invalid capability");
        });
        assertThat(muxEvents).containsExactly("paired", "closed remote=true");
        assertThat(java.isClosed()).isFalse();
    }
}
