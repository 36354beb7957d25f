package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.hypercore.internal.CompactWriter;
import dev.hardlight.hypercore.internal.Keys;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input from the peer, through the sans-I/O core: each case ends the connection (or the channel) with a
 * clear error, never an exception out of receive, and with bounded memory.
 */
@Timeout(30)
class BadInputTest {
    static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 9);
    }

    static final byte[] DK = Keys.discoveryKey(KEY);

    final Pair p = new Pair();

    /** The frames (uint24 length + body) in a chunk of output. */
    static List<byte[]> frames(byte[] out) {
        java.util.ArrayList<byte[]> list = new java.util.ArrayList<>();
        int i = 0;
        while (i < out.length) {
            int n = (out[i] & 0xff) | (out[i + 1] & 0xff) << 8 | (out[i + 2] & 0xff) << 16;
            list.add(Arrays.copyOfRange(out, i, i + 3 + n));
            i += 3 + n;
        }
        return list;
    }

    static byte[] concat(byte[]... parts) {
        CompactWriter w = new CompactWriter();
        for (byte[] x : parts) {
            w.raw(x);
        }
        return w.toByteArray();
    }

    String closedError(Protocol x, List<Event> events) {
        p.drain();
        assertThat(x.isClosed()).as("connection closed").isTrue();
        Event last = events.getLast();
        assertThat(last).isInstanceOf(Event.Closed.class);
        String error = ((Event.Closed) last).error();
        assertThat(error).isNotBlank();
        assertThat(x.takeOutput()).isEmpty();
        return error;
    }

    void established() {
        p.a.open(KEY);
        p.b.open(KEY);
        p.pump();
        assertThat(p.b.isChannelOpen(DK)).isTrue();
    }

    @Test
    void aWrongSizeHandshakeMessageEndsTheConnection() {
        p.b.receive(HexFormat.of().parseHex("210000" + "00".repeat(33)));
        assertThat(closedError(p.b, p.bEvents)).contains("Noise handshake failed");
    }

    @Test
    void anOversizeFrameIsRefusedFromItsLengthAlone() {
        Protocol small = Protocol.responder(ProtocolOptions.builder().maxFrameBytes(1024).build());
        Protocol a = Protocol.initiator(ProtocolOptions.defaults());
        small.receive(a.takeOutput());
        a.receive(small.takeOutput());
        small.receive(a.takeOutput());
        a.receive(small.takeOutput());
        assertThat(small.handshakeHash()).isNotNull();
        small.receive(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}); // announces 16 MiB; nothing else sent
        assertThat(small.isClosed()).isTrue();
        Event last = null;
        for (Event e; (e = small.poll()) != null; ) {
            last = e;
        }
        assertThat(((Event.Closed) last).error()).contains("frame too large: 16777215 bytes (maximum 1024)");
    }

    @Test
    void aTruncatedFrameWaitsAndTheTransportsEndCloses() {
        established();
        p.a.send(DK, new Message.Want(0, 10));
        byte[] out = p.a.takeOutput();
        p.b.receive(Arrays.copyOf(out, out.length - 1));
        p.drain();
        assertThat(Pair.of(p.bEvents, Event.Received.class)).isEmpty();
        assertThat(p.b.isClosed()).isFalse();
        p.b.transportClosed("EOF in the middle of a frame");
        assertThat(closedError(p.b, p.bEvents)).isEqualTo("EOF in the middle of a frame");
    }

    @Test
    void aBadMacEndsTheConnection() {
        established();
        p.a.send(DK, new Message.Want(0, 10));
        byte[] out = p.a.takeOutput();
        out[out.length - 3] ^= 1;
        p.b.receive(out);
        assertThat(closedError(p.b, p.bEvents)).contains("does not authenticate");
    }

    @Test
    void aReplayedFrameEndsTheConnection() {
        established();
        p.a.send(DK, new Message.Want(0, 10));
        byte[] out = p.a.takeOutput();
        p.b.receive(out);
        p.b.receive(out);
        p.drain();
        assertThat(Pair.of(p.bEvents, Event.Received.class)).hasSize(1);
        assertThat(closedError(p.b, p.bEvents)).contains("does not authenticate");
    }

    @Test
    void reorderedFramesEndTheConnection() {
        established();
        p.a.send(DK, new Message.Want(0, 1));
        p.a.send(DK, new Message.Want(0, 2));
        List<byte[]> f = frames(p.a.takeOutput());
        assertThat(f).hasSize(2);
        p.b.receive(concat(f.get(1), f.get(0)));
        assertThat(closedError(p.b, p.bEvents)).contains("does not authenticate");
    }

    @Test
    void aFrameShorterThanAMacEndsTheConnection() {
        established();
        p.b.receive(HexFormat.of().parseHex("100000" + "00".repeat(16)));
        assertThat(closedError(p.b, p.bEvents)).contains("Invalid message received");
    }

    /** Runs the handshake by hand and hands the responder's view of the initiator's msg3 + header to {@code edit}. */
    void withInitiatorHeader(java.util.function.UnaryOperator<byte[]> editHeaderFrame, String expected) {
        p.b.receive(p.a.takeOutput());
        p.a.receive(p.b.takeOutput());
        List<byte[]> f = frames(p.a.takeOutput()); // msg3, then id+header
        assertThat(f).hasSize(2);
        p.b.receive(concat(f.get(0), editHeaderFrame.apply(f.get(1))));
        assertThat(closedError(p.b, p.bEvents)).contains(expected);
    }

    @Test
    void aWrongStreamIdEndsTheConnection() {
        withInitiatorHeader(h -> {
            byte[] x = h.clone();
            x[3 + 5] ^= 1;
            return x;
        }, "Invalid header received");
    }

    @Test
    void aHeaderMessageOfTheWrongSizeEndsTheConnection() {
        withInitiatorHeader(h -> concat(new byte[] {57, 0, 0}, Arrays.copyOfRange(h, 3, h.length), new byte[] {0}), "Invalid header message received");
    }

    @Test
    void aMessageOnAChannelIdNeverOpenedEndsTheConnection() {
        established();
        p.a.sendRawForTest(new CompactWriter().uint(7).uint(0).raw(new byte[] {0, 0, 0, 0}).toByteArray());
        p.pump();
        assertThat(closedError(p.b, p.bEvents)).contains("channel id 7, which the remote never opened");
    }

    @Test
    void aMessageOnAClosedChannelIsIgnoredAsInFlight() {
        established();
        p.b.closeChannel(DK);
        // a's message crosses b's close
        p.a.send(DK, new Message.Want(1, 1));
        p.pump();
        assertThat(p.b.isClosed()).isFalse();
        assertThat(Pair.of(p.bEvents, Event.Received.class)).isEmpty();
    }

    @Test
    void messagesForAChannelWeHaveNotOpenedAreBufferedWithinABound() {
        p.pump();
        p.a.open(KEY);
        p.pump();
        assertThat(Pair.of(p.bEvents, Event.DiscoveryKey.class)).hasSize(1);
        // a's channel id is 1: a sends raw messages on it before b decides
        byte[] big = new byte[60_000];
        for (int i = 0; i < 80; i++) { // 4.8 MB > 4 MiB
            p.a.sendRawForTest(new CompactWriter().uint(1).uint(9).string("x").raw(big).toByteArray());
        }
        p.pump();
        assertThat(closedError(p.b, p.bEvents)).contains("too many bytes buffered");
    }

    @Test
    void bufferedMessagesAreDeliveredOnceOpened() {
        p.pump();
        p.a.open(KEY);
        p.pump();
        p.a.sendRawForTest(new CompactWriter().uint(1).uint(5).uint(3).uint(4).toByteArray()); // want{3,4}
        p.pump();
        p.b.open(KEY);
        p.pump();
        assertThat(Pair.of(p.bEvents, Event.Received.class)).singleElement()
                .satisfies(r -> assertThat(r.message()).isEqualTo(new Message.Want(3, 4)));
    }

    @Test
    void aMalformedHypercoreMessageClosesOnlyItsChannel() {
        established();
        p.a.sendRawForTest(new CompactWriter().uint(1).uint(3).raw(new byte[] {1, 1, 0, 0, (byte) 0xfe, 0, 0, 1, 0}).toByteArray());
        p.pump();
        assertThat(Pair.of(p.bEvents, Event.ChannelClosed.class)).singleElement().satisfies(c -> {
            assertThat(c.byRemote()).isFalse();
            assertThat(c.error()).contains("malformed message of type 3");
        });
        assertThat(Pair.of(p.aEvents, Event.ChannelClosed.class)).singleElement().satisfies(c -> assertThat(c.byRemote()).isTrue());
        assertThat(p.b.isClosed()).isFalse();
        // the connection still works: a new channel pairs
        byte[] other = new byte[32];
        p.a.open(other);
        p.b.open(other);
        p.pump();
        assertThat(p.b.isChannelOpen(Keys.discoveryKey(other))).isTrue();
    }

    @Test
    void malformedControlMessagesEndTheConnection() {
        established();
        p.a.sendRawForTest(new CompactWriter().uint(0).uint(1).uint(2).uint(200).toByteArray()); // open: protocol string cut
        p.pump();
        assertThat(closedError(p.b, p.bEvents)).contains("truncated protocol");
    }

    @Test
    void anOpenThatReusesAnIdEndsTheConnection() {
        established();
        p.a.sendRawForTest(new CompactWriter().uint(0).uint(1).uint(1).string("other").byte1(0).toByteArray());
        p.pump();
        assertThat(closedError(p.b, p.bEvents)).contains("Invalid open message");
    }

    @Test
    void anOpenThatSkipsIdsEndsTheConnection() {
        established();
        p.a.sendRawForTest(new CompactWriter().uint(0).uint(1).uint(5).string("other").byte1(0).toByteArray());
        p.pump();
        assertThat(closedError(p.b, p.bEvents)).contains("Invalid open message");
    }

    @Test
    void aRejectForNothingPendingEndsTheConnection() {
        established();
        p.a.sendRawForTest(new CompactWriter().uint(0).uint(2).uint(4).toByteArray());
        p.pump();
        assertThat(closedError(p.b, p.bEvents)).contains("Invalid reject message");
    }

    @Test
    void aBatchInsideABatchEndsTheConnection() {
        established();
        byte[] inner = new CompactWriter().uint(0).uint(0).toByteArray(); // control type 0 inside a batch
        p.a.sendRawForTest(new CompactWriter().uint(0).uint(0).uint(0).buffer(new byte[] {0, 1}).buffer(inner).toByteArray());
        p.pump();
        assertThat(closedError(p.b, p.bEvents)).contains("batch");
    }

    @Test
    void anOpenForAnotherProtocolIsRejected() {
        p.pump();
        p.a.sendRawForTest(new CompactWriter().uint(0).uint(1).uint(1).string("chat/v1").byte1(0).toByteArray());
        p.pump();
        assertThat(p.b.isClosed()).isFalse();
        assertThat(Pair.of(p.bEvents, Event.DiscoveryKey.class)).isEmpty();
    }

    @Test
    void garbageBeforeTheHandshakeEndsTheConnectionQuietly() {
        Protocol r = Protocol.responder(ProtocolOptions.defaults());
        r.receive("GET / HTTP/1.1\r\n\r\n".getBytes());
        assertThat(r.isClosed()).isTrue();
        assertThat(((Event.Closed) r.poll()).error()).contains("Noise handshake failed");
        assertThat(r.takeOutput()).isEmpty();
    }
}
