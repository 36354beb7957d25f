package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Java core served to a Java replica through two sans-I/O protocols: every proof shape, growing trees, forgeries. */
@Timeout(60)
class ReplicationTest {
    static byte[] v(int i) {
        return ("value " + i + " " + "y".repeat(i % 37)).getBytes(StandardCharsets.UTF_8);
    }

    final Ed25519KeyPair writer = Ed25519KeyPair.generate();
    final LocalCore core = new LocalCore(writer);
    final Pair p = new Pair();
    final Replica replica = new Replica(core.key());
    int seen;

    /** Pumps; the core's side (b) answers every request, the replica's side (a) verifies every data. */
    void pump() {
        for (int round = 0; round < 100; round++) {
            p.pump();
            boolean more = false;
            for (; seen < p.bEvents.size(); seen++) {
                Event e = p.bEvents.get(seen);
                if (e instanceof Event.ChannelOpened o) {
                    p.b.sendBatch(o.discoveryKey(), core.openingMessages());
                    more = true;
                } else if (e instanceof Event.Received r) {
                    for (Message m : core.onMessage(r.message())) {
                        p.b.send(r.discoveryKey(), m);
                        more = true;
                    }
                }
            }
            if (!more) {
                return;
            }
        }
    }

    Message.Data fetch(long index, boolean upgrade) {
        int before = Pair.of(p.aEvents, Event.Received.class).size();
        p.a.send(core.discoveryKey(), replica.request(100 + index, index, core.length(), upgrade));
        pump();
        List<Event.Received> got = Pair.of(p.aEvents, Event.Received.class);
        assertThat(got.size()).isGreaterThan(before);
        return (Message.Data) got.getLast().message();
    }

    void open() {
        p.a.open(core.key());
        p.b.open(core.key());
        pump();
        assertThat(p.a.isChannelOpen(core.discoveryKey())).isTrue();
    }

    @Test
    void everyBlockOfTreesOfEveryLengthUpTo40VerifiesFromScratch() {
        open();
        for (int n = 1; n <= 40; n++) {
            core.append(v(n - 1));
            for (int i = 0; i < n; i++) {
                Replica fresh = new Replica(core.key());
                Message.Data d = core.answer(fresh.request(1, i, n));
                fresh.onData(d);
                assertThat(fresh.block(i)).as("n=" + n + " i=" + i).isEqualTo(v(i));
                assertThat(fresh.length()).isEqualTo(n);
            }
        }
    }

    @Test
    void aReplicaFollowsAGrowingCoreOverTheProtocol() {
        open();
        int length = 0;
        for (int step = 1; step <= 6; step++) {
            for (int k = 0; k < step * 3; k++) {
                core.append(v(length++));
            }
            // upgrade with the newest block, then every other block without upgrade
            replica.onData(fetch(length - 1, true));
            assertThat(replica.length()).isEqualTo(length);
            for (int i = 0; i < length; i++) {
                if (replica.block(i) == null) {
                    replica.onData(fetch(i, false));
                }
                assertThat(replica.block(i)).isEqualTo(v(i));
            }
        }
        // an upgrade without a block, from our length
        core.append(v(length++), v(length++));
        p.a.send(core.discoveryKey(), new Message.Request(7, 0, null, null, null, new Message.RequestUpgrade(replica.length(), 2), false, 0));
        pump();
        replica.onData((Message.Data) Pair.of(p.aEvents, Event.Received.class).getLast().message());
        assertThat(replica.length()).isEqualTo(length);
    }

    @Test
    void forgedProofsAreRefusedAndNothingIsKept() {
        for (int i = 0; i < 9; i++) {
            core.append(v(i));
        }
        Message.Data good = core.answer(replica.request(1, 3, 9));
        // another writer's signature over the same tree
        LocalCore impostor = new LocalCore(Ed25519KeyPair.generate());
        for (int i = 0; i < 9; i++) {
            impostor.append(v(i));
        }
        Message.Data forged = impostor.answer(replica.request(1, 3, 9));
        assertThatThrownBy(() -> replica.onData(forged)).hasMessageContaining("signature does not verify");
        // a node dropped from the proof
        Message.DataBlock b = good.block();
        Message.Data missing = new Message.Data(1, 0, new Message.DataBlock(3, b.value(), b.nodes().subList(1, b.nodes().size())), null, null, good.upgrade(), null);
        assertThatThrownBy(() -> replica.onData(missing)).hasMessageContaining("invalid proof");
        assertThat(replica.length()).isZero();
        assertThat(replica.block(3)).isNull();
        replica.onData(good);
        assertThat(replica.block(3)).isEqualTo(v(3));
        // a block-only answer whose value changed, against the verified tree
        Message.Data later = core.answer(replica.request(2, 7, 9, false));
        Message.Data altered = new Message.Data(2, 0, new Message.DataBlock(7, "evil".getBytes(StandardCharsets.UTF_8), later.block().nodes()), null, null, null, null);
        assertThatThrownBy(() -> replica.onData(altered)).hasMessageContaining("does not hash to a verified node");
        assertThat(replica.block(7)).isNull();
        replica.onData(later);
        assertThat(replica.block(7)).isEqualTo(v(7));
    }

    @Test
    void unservableRequestsGetNoData() {
        core.append(v(0));
        assertThat(core.onMessage(new Message.Request(5, 0, new Message.RequestBlock(3, 0), null, null, null, false, 0)))
                .containsExactly(new Message.NoData(5));
        assertThat(core.onMessage(new Message.Request(6, 0, null, null, null, new Message.RequestUpgrade(0, 2), false, 0)))
                .containsExactly(new Message.NoData(6));
        assertThat(core.onMessage(new Message.Request(7, 1, new Message.RequestBlock(0, 0), null, null, null, false, 0)))
                .containsExactly(new Message.NoData(7));
    }
}
