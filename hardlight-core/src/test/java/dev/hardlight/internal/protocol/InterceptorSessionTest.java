package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hardlight.internal.protocol.SessionPair.start;

import dev.hardlight.ClientInterceptor;
import dev.hardlight.Metadata;
import dev.hardlight.RpcException;
import dev.hardlight.ServerCall;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.Status;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interceptors and metadata through the sans-I/O sessions, on a {@link SessionPair} (direct executor:
 * answers are sent before onMessage returns).
 */
@Timeout(10)
class InterceptorSessionTest {
    private SessionPair<Calc> pair;
    private MemoryPipe toServer;
    private MemoryPipe toClient;
    private final AtomicInteger echoRuns = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private final Calc calc = new Calc.Simple() {
        @Override
        public String echo(String s) {
            echoRuns.incrementAndGet();
            ServerCall call = ServerCall.current();
            seen.add("handler sees " + call.requestMetadata().get("who"));
            call.putResponseMetadata("handled-by", "echo");
            return s;
        }
    };

    /** Connects a pair whose server has {@code interceptors}; returns its server (the hello is delivered). */
    private ServerSession<Calc> server(List<ServerInterceptor> interceptors) {
        pair = SessionPair.withServer(Calc.DESCRIPTOR, p -> {
            ServerSession<Calc> s = new ServerSession<>(Calc.DESCRIPTOR, calc, p.toClient, Runnable::run, 8, 1 << 20, "");
            s.interceptors(interceptors);
            return s;
        });
        toServer = pair.toServer;
        toClient = pair.toClient;
        return pair.server;
    }

    private ClientSession client(List<ClientInterceptor> interceptors) {
        pair.client.interceptors(interceptors);
        return pair.client;
    }

    @Test
    void metadataGoesBothWaysThroughInterceptorsInOrder() {
        ServerSession<Calc> server = server(List.of(
                (call, next) -> {
                    seen.add("outer before " + call.method());
                    next.proceed();
                    call.putResponseMetadata("outer", "done");
                    seen.add("outer after");
                },
                (call, next) -> {
                    seen.add("inner before");
                    next.proceed();
                    seen.add("inner after");
                }));
        List<Metadata> responses = new CopyOnWriteArrayList<>();
        ClientSession client = client(List.of(call -> {
            call.putMetadata("who", "ann");
            return (status, failure) -> {
                seen.add("client completed " + status);
                responses.add(call.responseMetadata());
            };
        }));
        ClientSession.PendingCall call;
        try (Metadata.Scope s = Metadata.of("request-id", "7").attach()) {
            call = start(client, Calc.ECHO, out -> out.writeString("hi"));
        }
        byte[] sent = toServer.take();
        assertThat(Frame.decode(Unpooled.wrappedBuffer(sent))).isEqualTo(new Frame.CallMeta(0, 2,
                Metadata.builder().put("request-id", "7").put("who", "ann").build(), new byte[] {0x02, 0x68, 0x69}));
        server.onMessage(Unpooled.wrappedBuffer(sent));
        client.onMessage(Unpooled.wrappedBuffer(toClient.take()));
        assertThat(call.join()).isEqualTo("hi");
        assertThat(seen).containsExactly("outer before echo", "inner before", "handler sees ann", "inner after",
                "outer after", "client completed OK");
        assertThat(responses).containsExactly(Metadata.builder().put("handled-by", "echo").put("outer", "done").build());
    }

    @Test
    void anInterceptorRefusesBeforeTheArgumentsAreDecoded() {
        ServerSession<Calc> server = server(List.of((call, next) -> {
            if (call.requestMetadata().get("token") == null) {
                call.putResponseMetadata("www-authenticate", "token");
                throw new RpcException(Status.UNAUTHENTICATED, "no token");
            }
            next.proceed();
        }));
        // Arguments that could not be decoded (a truncated string): never looked at.
        server.onMessage(Unpooled.wrappedBuffer(new byte[] {0x02, 0x00, 0x02, 0x05, 0x68}));
        assertThat(Frame.decode(Unpooled.wrappedBuffer(toClient.take()))).isEqualTo(new Frame.ErrorMeta(0,
                Metadata.of("www-authenticate", "token"), Status.UNAUTHENTICATED, "no token", 0));
        assertThat(echoRuns).hasValue(0);
        assertThat(server.inFlight()).isZero();
    }

    @Test
    void anInterceptorThatNeitherProceedsNorThrowsIsAnInternalError() {
        ServerSession<Calc> server = server(List.of((call, next) -> {}));
        server.onMessage(Unpooled.wrappedBuffer(new byte[] {0x02, 0x00, 0x02, 0x01, 0x68}));
        Frame.Error e = (Frame.Error) Frame.decode(Unpooled.wrappedBuffer(toClient.take()));
        assertThat(e.status()).isEqualTo(Status.INTERNAL);
        assertThat(echoRuns).hasValue(0);
    }

    @Test
    void withoutMetadataTheFramesAreTheOldOnes() {
        ServerSession<Calc> server = server(List.of((call, next) -> next.proceed()));
        ClientSession client = client(List.of(call -> null));
        ClientSession.PendingCall call = start(client, Calc.ADD, out -> {
            out.writeInt(1);
            out.writeInt(2);
        });
        byte[] sent = toServer.take();
        assertThat(sent).containsExactly(0x02, 0x00, 0x00, 0x02, 0x04);
        server.onMessage(Unpooled.wrappedBuffer(sent));
        byte[] answer = toClient.take();
        assertThat(answer).containsExactly(0x03, 0x00, 0x06);
        client.onMessage(Unpooled.wrappedBuffer(answer));
        assertThat(call.join()).isEqualTo(3);
    }

    @Test
    void aClientInterceptorThatThrowsFailsTheCallAndSendsNothing() {
        server(List.of());
        List<Status> completed = new CopyOnWriteArrayList<>();
        ClientSession client = client(List.of(
                call -> (status, failure) -> completed.add(status),
                call -> {
                    throw new RpcException(Status.UNAUTHENTICATED, "no credentials");
                }));
        assertThatThrownBy(() -> start(client, Calc.ECHO, out -> out.writeString("x"))).isInstanceOf(RpcException.class)
                .hasMessage("no credentials");
        assertThat(completed).containsExactly(Status.UNAUTHENTICATED);
        assertThat(client.inFlight()).isZero();
    }
}
