package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.hardlight.internal.protocol.SessionPair.start;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codecs;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzz targets for everything that reads bytes from the peer. The invariant: whatever the bytes, the
 * only failures are {@link ProtocolViolation} (close the connection) or {@link RpcException} with
 * {@link Status#PROTOCOL_ERROR}, the message buffer is not leaked, and the server answers every call it
 * accepted. A plain build replays the corpus in {@code ProtocolFuzzTestInputs/}; see FUZZING.md to fuzz.
 */
class ProtocolFuzzTest {
    /** Never blocks and never fails on its own, so a run ends with every accepted call answered. */
    private static final Calc HANDLER = new Calc() {
        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public void check(String s) throws CalcException {
            if (s.equals("app")) {
                throw new CalcException("not valid");
            }
        }

        @Override
        public String echo(String s) {
            return s;
        }

        @Override
        public int await() {
            return 42;
        }
    };

    /** Calc with a connection state and events, so every server-to-client frame has a reader. */
    private static final ServiceDescriptor<Calc> SERVICE = new ServiceDescriptor<>(Calc.class, "Calc",
            Calc.sha256("fuzz"), "fuzz", Calc.DESCRIPTOR.methods(), Calc.DISPATCHER, CalcState.CODEC,
            new EventDescriptor<>(String.class, Codecs.STRING, 0xE7L));

    private static final byte[] HELLO = helloOf(SERVICE);

    private static byte[] helloOf(ServiceDescriptor<Calc> service) {
        MemoryPipe pipe = new MemoryPipe();
        new ServerSession<>(service, HANDLER, pipe, Runnable::run, 8, 1 << 20, "").start();
        return pipe.take();
    }

    /** Runs {@code action}, letting through only the failures a peer's bytes may cause. */
    private static void expectOnlyProtocolErrors(Runnable action) {
        try {
            action.run();
        } catch (ProtocolViolation expected) {
            assertThat(expected.closeCode()).isIn(ProtocolViolation.NORMAL, ProtocolViolation.PROTOCOL_ERROR,
                    ProtocolViolation.POLICY_VIOLATION);
        } catch (RpcException e) {
            if (e.status() != Status.PROTOCOL_ERROR) {
                throw e;
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void frameDecode(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuf msg = Unpooled.wrappedBuffer(bytes);
        expectOnlyProtocolErrors(() -> {
            Frame frame = Frame.decode(msg);
            // What decodes re-encodes to the same bytes (one spelling per frame), except where the
            // value keeps less than the bytes: unknown status numbers, long messages, unsorted names.
            if (!(frame instanceof Frame.Error || frame instanceof Frame.FeaturesFrame || frame instanceof Frame.GoAway)) {
                ByteBuf again = Unpooled.buffer();
                frame.encode(again);
                assertThat(io.netty.buffer.ByteBufUtil.getBytes(again)).isEqualTo(bytes);
            }
        });
        assertThat(msg.refCnt()).isEqualTo(1);
    }

    @FuzzTest(maxDuration = "30s")
    void serverOnMessage(FuzzedDataProvider data) {
        MemoryPipe toClient = new MemoryPipe();
        ServerSession<Calc> server = new ServerSession<>(SERVICE, HANDLER, toClient, Runnable::run, 8, 1 << 20, "");
        server.start();
        ByteBuf msg = Unpooled.wrappedBuffer(data.consumeRemainingAsBytes());
        expectOnlyProtocolErrors(() -> server.onMessage(msg));
        assertThat(msg.refCnt()).as("the message (and every slice of it) is released").isEqualTo(1);
        assertThat(server.inFlight()).as("every accepted call was answered").isZero();
        server.onClosed();
    }

    @FuzzTest(maxDuration = "30s")
    void clientOnMessage(FuzzedDataProvider data) {
        ClientSession client = new ClientSession(SERVICE, new MemoryPipe(), 8, 4, "");
        client.onMessage(Unpooled.wrappedBuffer(HELLO));
        start(client, Calc.ECHO, out -> out.writeString("a")); // call 0 in flight, so answers have a taker
        start(client, Calc.AWAIT, ArgumentWriter.NONE); // call 1
        ByteBuf msg = Unpooled.wrappedBuffer(data.consumeRemainingAsBytes());
        expectOnlyProtocolErrors(() -> client.onMessage(msg));
        assertThat(msg.refCnt()).isEqualTo(1);
        client.onClosed(new RpcException(Status.CONNECTION_LOST, "end of input"));
    }
}
