package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fragmented and hostile frames on a real socket: fragments are reassembled; every violation closes
 * only the offending connection, with the right code, and is logged once for it.
 */
@ExtendWith(LeakDetection.class)
@Timeout(30)
class HostileFramesTest {
    static HardLightServer server;
    static CounterClient bystander;
    static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = new LogCapture();
        server = HardLight.server(Counter.class, c -> new CounterHandler(null, null, null))
                .insecurePlaintext().bind("127.0.0.1", 0).maxMessageSize(1024).start();
        bystander = HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"),
                ClientOptions.builder().insecurePlaintext().build(), CounterClient.FACTORY);
    }

    @AfterAll
    static void stop() {
        bystander.close();
        server.close();
        logs.close();
    }

    /** CALL id 0, method 0 (increment) with argument 7. */
    private static byte[] incrementCall() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(FrameType.CALL).writeByte(0).writeByte(0);
        new ByteBufWireWriter(buf).writeInt(7);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    /**
     * Waits for the server's close frame and the end of the TCP connection, then checks that the
     * bystander still works and that the server logged exactly one protocol violation for this peer.
     */
    private static String closedOnce(RawPeer peer) throws Exception {
        String close = peer.awaitClose();
        assertThat(peer.awaitEndOfStream()).as("the server closes the TCP connection").isTrue();
        String who = "127.0.0.1:" + peer.socket.getLocalPort() + "]";
        Await.until("the violation is logged", Duration.ofSeconds(5), () -> warnings(who).size() >= 1);
        Await.until("the connection is gone", Duration.ofSeconds(5), () -> server.connectionCount() == 1);
        assertThat(warnings(who)).as("logged once for the connection").hasSize(1);
        assertThat(warnings(who).get(0)).contains("protocol violation");
        assertThat(logs.lines()).noneMatch(l -> l.contains("reached at the tail of the pipeline"));
        assertThat(bystander.increment(0)).as("the other connection keeps working").isNotNegative();
        return close;
    }

    /** The WARN and ERROR lines about one connection. */
    private static List<String> warnings(String who) {
        return logs.lines().stream().filter(l -> l.contains(who) && (l.contains(" WARN ") || l.contains(" ERROR "))).toList();
    }

    @Test
    void fragmentedMessageIsReassembledAndAnsweredWithAPingBetweenFragments() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            byte[] call = incrementCall();
            peer.send(false, RawPeer.BINARY, new byte[] {call[0]});
            peer.send(true, RawPeer.PING, "between".getBytes(StandardCharsets.UTF_8)); // allowed amid a message
            peer.send(false, RawPeer.CONTINUATION, new byte[] {call[1]});
            peer.send(false, RawPeer.CONTINUATION, new byte[0]);
            peer.send(true, RawPeer.CONTINUATION, java.util.Arrays.copyOfRange(call, 2, call.length));
            RawPeer.Frame pong = peer.read();
            assertThat(pong.opcode()).isEqualTo(RawPeer.PONG);
            assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("between");
            RawPeer.Frame result = peer.read();
            assertThat(result.opcode()).isEqualTo(RawPeer.BINARY);
            assertThat(result.payload()[0]).isEqualTo((byte) FrameType.RESULT);
        }
    }

    @Test
    void fragmentsAddingUpToMoreThanTheMessageSizeCloseWith1009() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.send(false, RawPeer.BINARY, new byte[] {FrameType.CALL});
            // each fragment small, the 11th takes the message past 1,024 bytes; nothing is sent after it, as
            // the server closes the connection then and a later write could meet its reset (broken pipe)
            for (int i = 0; i < 11; i++) {
                peer.send(false, RawPeer.CONTINUATION, new byte[100]);
            }
            assertThat(closedOnce(peer)).isEqualTo("1009 message larger than 1024 bytes");
        }
    }

    @Test
    void singleFrameOverTheMessageSizeClosesWith1009() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.send(true, RawPeer.BINARY, new byte[2000]);
            assertThat(closedOnce(peer)).startsWith("1009 ");
        }
    }

    @Test
    void textFrameClosesWith1003() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.send(true, RawPeer.TEXT, "hello?".getBytes(StandardCharsets.UTF_8));
            assertThat(closedOnce(peer)).isEqualTo("1003 text frames are not part of hardlight.v1");
        }
    }

    @Test
    void fragmentedControlFrameClosesWith1002() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.send(false, RawPeer.PING, new byte[] {1});
            assertThat(closedOnce(peer)).isEqualTo("1002 fragmented control frame");
        }
    }

    @Test
    void continuationWithoutAStartClosesWith1002() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.send(true, RawPeer.CONTINUATION, new byte[] {FrameType.CALL});
            assertThat(closedOnce(peer)).startsWith("1002 ").contains("continuation");
        }
    }

    @Test
    void newMessageInsideAFragmentedOneClosesWith1002() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.send(false, RawPeer.BINARY, new byte[] {FrameType.CALL});
            peer.send(true, RawPeer.BINARY, new byte[] {FrameType.CALL});
            assertThat(closedOnce(peer)).startsWith("1002 ");
        }
    }

    @Test
    void unmaskedClientFrameClosesWith1002() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.write(0x80 | RawPeer.BINARY, incrementCall(), false);
            assertThat(closedOnce(peer)).startsWith("1002 ");
        }
    }

    @Test
    void reservedOpcodeClosesWith1002() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.write(0x80 | 0x3, new byte[] {1}, true);
            assertThat(closedOnce(peer)).startsWith("1002 ");
        }
    }

    @Test
    void reservedBitWithoutAnExtensionClosesWith1002() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.write(0x80 | 0x40 | RawPeer.BINARY, incrementCall(), true); // RSV1: no extension was negotiated
            assertThat(closedOnce(peer)).startsWith("1002 ");
        }
    }

    @Test
    void controlFrameLongerThan125BytesClosesWith1002() throws Exception {
        try (RawPeer peer = RawPeer.open(server.port())) {
            peer.send(true, RawPeer.PING, new byte[126]);
            assertThat(closedOnce(peer)).startsWith("1002 ");
        }
    }
}
