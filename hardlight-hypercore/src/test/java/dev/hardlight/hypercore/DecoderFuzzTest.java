package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hardlight.hypercore.internal.Keys;
import dev.hardlight.hypercore.internal.MalformedException;
import dev.hardlight.hypercore.internal.Messages;
import java.util.Arrays;

/**
 * Fuzz targets over everything that decodes a peer's bytes. A plain build replays the committed inputs in
 * {@code DecoderFuzzTestInputs/} (regression mode); {@code JAZZER_FUZZ=1} fuzzes (docs/hypercore.md).
 * Invariants: the hypercore message decoder throws only {@link MalformedException} and what decodes re-encodes
 * stably; a {@link Protocol} never throws out of {@code receive} whatever the peer sends (raw bytes before the
 * handshake, or any plaintext inside an authentic secure stream), and {@link Event.Closed} is its last event.
 */
class DecoderFuzzTest {
    static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 1);
    }

    @FuzzTest(maxDuration = "30s")
    void messageDecode(FuzzedDataProvider data) {
        int type = data.consumeInt(0, 10);
        byte[] payload = data.consumeRemainingAsBytes();
        Message m;
        try {
            m = Messages.decode(type, payload);
        } catch (MalformedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        if (m == null) {
            assertThat(type).isEqualTo(10);
            return;
        }
        byte[] once = Messages.encode(m);
        assertThat(Messages.encode(Messages.decode(type, once))).isEqualTo(once);
    }

    @FuzzTest(maxDuration = "30s")
    void rawBytes(byte[] bytes) {
        Protocol r = Protocol.responder(ProtocolOptions.defaults());
        r.receive(bytes);
        checkEvents(r);
    }

    /** Plaintext protomux messages of the fuzzer's choosing, inside an authentic stream, to a peer with a channel open. */
    @FuzzTest(maxDuration = "30s")
    void channelMessages(FuzzedDataProvider data) {
        Pair p = new Pair();
        p.a.open(KEY);
        p.b.open(KEY);
        p.pump();
        while (data.remainingBytes() > 0 && !p.b.isClosed() && !p.a.isClosed()) {
            byte[] msg = data.consumeBytes(data.consumeInt(0, 200));
            p.a.sendRawForTest(msg);
            p.b.receive(p.a.takeOutput());
            if (data.consumeBoolean()) {
                // b also talks, so its state changes are exercised
                if (p.b.isChannelOpen(Keys.discoveryKey(KEY))) {
                    p.b.send(Keys.discoveryKey(KEY), new Message.Want(0, 1));
                }
                p.a.receive(p.b.takeOutput());
            }
        }
        checkEvents(p.b);
    }

    static void checkEvents(Protocol x) {
        boolean closed = false;
        for (Event e; (e = x.poll()) != null; ) {
            assertThat(closed).as("an event after Closed").isFalse();
            if (e instanceof Event.Closed c) {
                closed = true;
                assertThat(c.error()).isNotBlank();
            }
        }
        assertThat(closed).isEqualTo(x.isClosed());
    }
}
