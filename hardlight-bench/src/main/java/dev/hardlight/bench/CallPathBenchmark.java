package dev.hardlight.bench;

import dev.hardlight.ClientInterceptor;
import dev.hardlight.Metadata;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.internal.protocol.ClientSession;
import dev.hardlight.internal.protocol.Outbound;
import dev.hardlight.internal.protocol.ServerSession;
import dev.hardlight.internal.protocol.SlotQueue;
import dev.hardlight.netty.RpcObserver;
import dev.hardlight.netty.internal.ObserverTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The framework's own work for one call, without sockets: a client session and a server session wired
 * to each other in memory on one thread (handler inline), so a call is {@code SlotQueue.start} (a slot is always free),
 * the server's decode, dispatch and answer, and the client's completion, and nothing else. This is
 * where an interceptor, metadata or an observer adds its cost, and where it can be seen (over sockets,
 * on a shared machine, the scheduler's noise is a hundred times larger; see {@link InterceptorBenchmark}).
 * Variants as in {@link InterceptorBenchmark}; the observer variant feeds every frame to the transport's
 * {@link ObserverTap} on both sides, as the transport does when an observer is set.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CallPathBenchmark {
    @Param({"none", "noop-interceptors", "metadata", "attached-metadata", "noop-observer"})
    public String variant;

    private ClientSession client;
    private SlotQueue slots;
    private ServerSession<Incrementer> server;
    private ObserverTap clientTap;
    private ObserverTap serverTap;
    private Metadata requestId;
    private int n;

    /** One side's outbound: hands each frame to the other side at once, then releases it. */
    private final class Wire implements Outbound {
        private final boolean fromServer;

        Wire(boolean fromServer) {
            this.fromServer = fromServer;
        }

        @Override
        public ByteBufAllocator alloc() {
            return PooledByteBufAllocator.DEFAULT;
        }

        @Override
        public void send(ByteBuf frame) {
            try {
                if (fromServer) {
                    if (serverTap != null) {
                        serverTap.outbound(frame);
                        clientTap.inbound(frame);
                    }
                    client.onMessage(frame);
                } else {
                    if (clientTap != null) {
                        clientTap.outbound(frame);
                        serverTap.inbound(frame);
                    }
                    server.onMessage(frame);
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void close(int code, String reason) {}
    }

    @Setup(Level.Trial)
    public void setUp() {
        client = new ClientSession(IncrementerSchema.DESCRIPTOR, new Wire(false), 256, "");
        slots = new SlotQueue(client);
        // A session around a handler made beforehand (no Connection: increment does not use it).
        server = new ServerSession<>(IncrementerSchema.DESCRIPTOR, new IncrementerHandler(null), new Wire(true), Runnable::run,
                256, 1 << 20, "");
        switch (variant) {
            case "none", "attached-metadata" -> {}
            case "noop-interceptors" -> {
                server.interceptors(List.of((call, next) -> next.proceed()));
                client.interceptors(List.of(call -> null));
            }
            case "metadata" -> {
                ServerInterceptor echoId = (call, next) -> {
                    String id = call.requestMetadata().get("request-id");
                    next.proceed();
                    if (id != null) {
                        call.putResponseMetadata("request-id", id);
                    }
                };
                ClientInterceptor addId = call -> {
                    call.putMetadata("request-id", "0123456789abcdef");
                    return null;
                };
                server.interceptors(List.of(echoId));
                client.interceptors(List.of(addId));
            }
            case "noop-observer" -> {
                RpcObserver nothing = new RpcObserver() {};
                clientTap = new ObserverTap(nothing, IncrementerSchema.DESCRIPTOR, false, 256);
                serverTap = new ObserverTap(nothing, IncrementerSchema.DESCRIPTOR, true, 256);
            }
            default -> throw new IllegalArgumentException(variant);
        }
        requestId = Metadata.of("request-id", "0123456789abcdef");
        server.start();
    }

    @Benchmark
    public Object call() {
        int a = n++;
        if (variant.equals("attached-metadata")) {
            try (Metadata.Scope s = requestId.attach()) {
                return slots.start(IncrementerSchema.INCREMENT, w -> w.writeInt(a), null).join();
            }
        }
        return slots.start(IncrementerSchema.INCREMENT, w -> w.writeInt(a), null).join();
    }
}
