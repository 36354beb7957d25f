package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hardlight.Metadata;
import dev.hardlight.Status;
import dev.hardlight.Topic;
import dev.hardlight.codec.Codecs;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frame codec is the protocol's one parser: {@link Frame#decode} (tools, recordings, tests) and
 * the sessions refuse the same bytes with the same close code and reason, and every encoder writes
 * what its decoder reads back.
 */
class FramesTest {
    /** Calc with a connection state and events, so the client reads every server-to-client frame. */
    private static final ServiceDescriptor<Calc> FULL = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("full"),
            "full", Calc.DESCRIPTOR.methods(), Calc.DISPATCHER, CalcState.CODEC,
            new EventDescriptor<>(String.class, Codecs.STRING, 0xE7L));

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    /** A client of {@link #FULL} after a valid HELLO. */
    private static ClientSession client() {
        MemoryPipe toClient = new MemoryPipe();
        new ServerSession<>(FULL, new Calc.Simple(), toClient, Runnable::run, 8, 1 << 20, "").start();
        ClientSession c = new ClientSession(FULL, new MemoryPipe(), 8, "");
        c.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        return c;
    }

    private static ServerSession<Calc> server() {
        MemoryPipe toClient = new MemoryPipe();
        ServerSession<Calc> s = new ServerSession<>(Calc.DESCRIPTOR, new Calc.Simple(), toClient, Runnable::run, 8,
                1 << 20, "");
        s.start();
        return s;
    }

    private static ProtocolViolation violation(Runnable r) {
        ProtocolViolation v = catchThrowableOfType(ProtocolViolation.class, r::run);
        assertThat(v).as("a protocol violation").isNotNull();
        return v;
    }

    /** Frames the client must refuse at the frame level: Frame.decode refuses them with the same words. */
    @ParameterizedTest
    @ValueSource(strings = {
        "08 02 0162 0161", "08 02 0161 0161", "08 01 0120", "08 01", "08 00 00", // FEATURES
        "0a 00", "0a", "0a 01 00", "0a 80", // EVENTS_MISSED
        "06 00", "06", // STATE_DELTA header
        "09", "09 05 6869", "09 01 61 00", "09 02 c328", // GO_AWAY
        "07 8108", "07 05 61", // EVENT topic
        "0e 0161 00 0178", "0e 0161 01 0141 0162 0178", "0e 0161 21 0161 0162", // EVENT_META metadata
        "03", "04 00", "04 00 01 02 61", "04 00 01 00 00 00", // RESULT, ERROR header
        "0c", "0d", // *_META header
        "0f 01 02 0300", "0f 02 02 0300 02 0300 00", "0f 02 02 0300 01 01", // BATCH structure
        "", "7f", // no type, unknown type
    })
    void frameDecodeRefusesWhatTheClientRefusesWithTheSameReason(String frame) {
        ProtocolViolation bySession = violation(() -> client().onMessage(hex(frame)));
        ProtocolViolation byDecode = violation(() -> Frame.decode(hex(frame)));
        assertThat(byDecode.closeCode()).isEqualTo(bySession.closeCode()).isEqualTo(ProtocolViolation.PROTOCOL_ERROR);
        assertThat(byDecode).hasMessage(bySession.getMessage());
    }

    /** The same for frames the server refuses before it looks at any session state. */
    @ParameterizedTest
    @ValueSource(strings = {"05", "05 00 00", "05 80 00", "02", "02 00", "0b 00", "0f 00", "0f 02 02 0500 05 0f02010501"})
    void frameDecodeRefusesWhatTheServerRefusesWithTheSameReason(String frame) {
        ProtocolViolation bySession = violation(() -> server().onMessage(hex(frame)));
        ProtocolViolation byDecode = violation(() -> Frame.decode(hex(frame)));
        assertThat(byDecode.closeCode()).isEqualTo(bySession.closeCode()).isEqualTo(ProtocolViolation.PROTOCOL_ERROR);
        assertThat(byDecode).hasMessage(bySession.getMessage());
    }

    @Test
    void aCancelWithTrailingBytesIsRefusedAsTrailingBytes() {
        assertThatThrownBy(() -> Frame.decode(hex("05 00 00"))).isInstanceOf(ProtocolViolation.class)
                .hasMessage("CANCEL: trailing bytes");
    }

    @Test
    void callMetaWithBadMetadataIsAViolationForTheDecoderButAnErrorAnswerForTheServer() {
        // The server answers the call (the id is known); a decoder has no one to answer, so it refuses the frame.
        assertThatThrownBy(() -> Frame.decode(hex("0b 00 00 00 02"))).isInstanceOf(ProtocolViolation.class)
                .hasMessage("CALL_META: bad metadata: count 0 (send the frame without metadata)");
        MemoryPipe toClient = new MemoryPipe();
        ServerSession<Calc> server = new ServerSession<>(Calc.DESCRIPTOR, new Calc.Simple(), toClient, Runnable::run, 8,
                1 << 20, "");
        server.start();
        toClient.take();
        server.onMessage(hex("0b 00 00 00 02"));
        assertThat(Frame.decode(Unpooled.wrappedBuffer(toClient.take())))
                .isEqualTo(new Frame.Error(0, Status.INVALID_ARGUMENT, "bad metadata: count 0 (send the frame without metadata)", 0));
    }

    @Test
    void everyEncoderWritesWhatItsDecoderReads() {
        Metadata md = Metadata.of("request-id", "42");
        Topic topic = Topic.of("room-1");
        List<Frame> frames = List.of(
                new Frame.Call(5, 0, new byte[] {2}),
                new Frame.CallMeta(5, 0, md, new byte[] {2}),
                new Frame.Result(5, new byte[] {2}),
                new Frame.ResultMeta(5, md, new byte[0]),
                new Frame.Error(5, Status.APPLICATION_ERROR, "insufficient funds", 1),
                new Frame.ErrorMeta(5, md, Status.UNAVAILABLE, "later", 0),
                new Frame.Cancel(300),
                new Frame.StateDelta(1, new byte[] {0, 6}),
                new Frame.EventFrame(topic, new byte[] {2, 0x68, 0x69}),
                new Frame.EventMeta(topic, md, new byte[] {2, 0x68, 0x69}),
                new Frame.FeaturesFrame(List.of("admin", "authenticated")),
                new Frame.GoAway("restart"),
                new Frame.EventsMissed(300),
                new Frame.Batch(List.of(new Frame.Cancel(1), new Frame.Call(2, 1, new byte[0]))));
        for (Frame f : frames) {
            ByteBuf buf = Unpooled.buffer();
            f.encode(buf);
            assertThat(Frame.decode(buf)).as(f.toString()).isEqualTo(f);
        }
    }

    @Test
    void encodersRefuseWhatTheyMustNeverSend() {
        assertThatThrownBy(() -> Frames.writeEventsMissed(Unpooled.buffer(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.writeStateDeltaHeader(Unpooled.buffer(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void featuresAreWrittenSortedWhateverTheOrderGiven() {
        ByteBuf buf = Unpooled.buffer();
        Frames.writeFeatures(buf, List.of("b", "a"));
        assertThat(ByteBufUtil.hexDump(buf)).isEqualTo("08020161" + "0162");
    }

    @Test
    void callHeaderIdsSurviveThePackingUpToThirtyOneBits() {
        ByteBuf buf = Unpooled.buffer();
        Frames.writeCallHeader(buf, Integer.MAX_VALUE, 65_534);
        assertThat(Frames.readType(buf)).isEqualTo(FrameType.CALL);
        long header = Frames.readCallHeader(buf);
        assertThat(Frames.callId(header)).isEqualTo(Integer.MAX_VALUE);
        assertThat(Frames.methodId(header)).isEqualTo(65_534);
    }

    @Test
    void aClusterPeerFindsTheTopicOnlyInAWellFormedEventHeader() {
        assertThat(TopicRegistry.topicOf(ByteBufUtil.decodeHexDump("07 0161 02".replace(" ", "")), 0, 4))
                .isEqualTo(Topic.of("a"));
        assertThat(TopicRegistry.topicOf(ByteBufUtil.decodeHexDump("0e0161010162016302"), 0, 9)).isEqualTo(Topic.of("a"));
        // another frame, an overlong length, a topic past the end, a topic over 1024 bytes
        for (String bad : List.of("03 0161", "07 8100 61", "07 05 61", "07 8108")) {
            byte[] b = ByteBufUtil.decodeHexDump(bad.replace(" ", ""));
            assertThat(TopicRegistry.topicOf(b, 0, b.length)).as(bad).isNull();
        }
    }
}
