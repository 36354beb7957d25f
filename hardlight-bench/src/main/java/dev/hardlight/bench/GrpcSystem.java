package dev.hardlight.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.SelectStrategy;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLException;

/**
 * gRPC-java (grpc-netty-shaded, HTTP/2) with the same unary method, defined by hand: a
 * {@link MethodDescriptor} with a 4-byte int marshaller instead of protobuf messages, so gRPC's figure
 * is its transport and call machinery, not protobuf's (which would only cost gRPC more). Events: a
 * server-streaming method whose server keeps every open stream and sends each an 8-byte tick.
 * TLS through the BoringSSL bundled in grpc-netty-shaded, TLS 1.3 only, same certificate.
 */
final class GrpcSystem implements RpcSystem {
    static final MethodDescriptor<Integer, Integer> INCREMENT = MethodDescriptor.<Integer, Integer>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Incrementer/Increment")
            .setRequestMarshaller(IntMarshaller.INSTANCE)
            .setResponseMarshaller(IntMarshaller.INSTANCE)
            .build();

    static final MethodDescriptor<Integer, Long> TICKS = MethodDescriptor.<Integer, Long>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName("bench.Incrementer/Ticks")
            .setRequestMarshaller(IntMarshaller.INSTANCE)
            .setResponseMarshaller(LongMarshaller.INSTANCE)
            .build();

    private final Mode mode;
    private final Server server;
    private final EventLoopGroup serverBoss;
    private final EventLoopGroup serverWorkers;
    private final EventLoopGroup clientGroup;
    private final SslContext clientSsl;
    /** Open tick streams (the server's side), for {@link #emit}. */
    private final List<ServerCallStreamObserver<Long>> streams = new CopyOnWriteArrayList<>();

    GrpcSystem(Mode mode, BenchTls tls) throws IOException {
        this.mode = mode;
        ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Incrementer")
                .addMethod(INCREMENT, ServerCalls.asyncUnaryCall((Integer x, StreamObserver<Integer> answer) -> {
                    answer.onNext(x + 1);
                    answer.onCompleted();
                }))
                .addMethod(TICKS, ServerCalls.asyncServerStreamingCall((Integer x, StreamObserver<Long> out) -> {
                    ServerCallStreamObserver<Long> stream = (ServerCallStreamObserver<Long>) out;
                    streams.add(stream);
                    stream.setOnCancelHandler(() -> streams.remove(stream));
                    stream.onNext(0L); // "subscribed": the client counts these before the first emit
                }))
                .build();
        NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service);
        if (tls != null) {
            sb.sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(tls.cert.toFile(), tls.key.toFile()),
                    SslProvider.OPENSSL).protocols("TLSv1.3").build());
            clientSsl = clientSsl(tls);
        } else {
            clientSsl = null;
        }
        if (mode != Mode.DEFAULT) {
            sb.directExecutor();
        }
        if (mode == Mode.BUSY_POLL) {
            serverBoss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("grpc-boss", true), EpollIoHandler.newFactory());
            serverWorkers = busyPollGroup("grpc-server");
            clientGroup = busyPollGroup("grpc-client");
            sb.bossEventLoopGroup(serverBoss).workerEventLoopGroup(serverWorkers).channelType(EpollServerSocketChannel.class);
        } else {
            serverBoss = null;
            serverWorkers = null;
            clientGroup = null;
        }
        this.server = sb.build().start();
    }

    /** One event loop that spins on epoll instead of waiting in it (BoomNet's way). */
    static EventLoopGroup busyPollGroup(String name) {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                EpollIoHandler.newFactory(0, () -> (selectSupplier, hasTasks) -> SelectStrategy.BUSY_WAIT));
    }

    /** A new channel (its own TCP connection) to this server, connected. */
    ManagedChannel channel() {
        return channelTo(server.getPort(), mode, clientSsl, clientGroup);
    }

    /** The client TLS context for {@code tls}: BoringSSL, TLS 1.3, trusting its certificate. */
    static SslContext clientSsl(BenchTls tls) throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.OPENSSL)
                .trustManager(tls.cert.toFile()).protocols("TLSv1.3").build();
    }

    /**
     * A new channel to {@code port} on loopback, connected (one call made).
     *
     * @param ssl the client TLS context, or {@code null} for plaintext
     * @param group the event loops, or {@code null} for gRPC's shared default
     */
    static ManagedChannel channelTo(int port, Mode mode, SslContext ssl, EventLoopGroup group) {
        NettyChannelBuilder cb = NettyChannelBuilder.forAddress("127.0.0.1", port);
        if (ssl != null) {
            cb.sslContext(ssl).overrideAuthority("localhost");
        } else {
            cb.usePlaintext();
        }
        if (mode != Mode.DEFAULT) {
            cb.directExecutor();
        }
        if (group != null) {
            cb.eventLoopGroup(group).channelType(EpollSocketChannel.class);
        }
        ManagedChannel channel = cb.build();
        ClientCalls.blockingUnaryCall(channel, INCREMENT, CallOptions.DEFAULT, 0); // connects
        return channel;
    }

    @Override
    public Conn connect() {
        ManagedChannel channel = channel();
        return new Conn() {
            @Override
            public int callBlocking(int x) {
                return ClientCalls.blockingUnaryCall(channel, INCREMENT, CallOptions.DEFAULT, x);
            }

            @Override
            public void callAsync(int x, IntConsumer done) {
                ClientCalls.asyncUnaryCall(channel.newCall(INCREMENT, CallOptions.DEFAULT), x, new StreamObserver<>() {
                    private int value = -1;

                    @Override
                    public void onNext(Integer v) {
                        value = v;
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.accept(-1);
                    }

                    @Override
                    public void onCompleted() {
                        done.accept(value);
                    }
                });
            }

            @Override
            public void close() throws InterruptedException {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        };
    }

    /** Opens the tick stream on {@code channel}; {@code onTick} gets every tick (the first is 0). */
    static void subscribe(ManagedChannel channel, LongConsumer onTick) {
        ClientCalls.asyncServerStreamingCall(channel.newCall(TICKS, CallOptions.DEFAULT), 0, new StreamObserver<>() {
            @Override
            public void onNext(Long v) {
                onTick.accept(v);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
    }

    /** Sends one tick to every open stream: gRPC serializes the message once per stream. */
    int emit(long sentNanos) {
        int n = 0;
        for (ServerCallStreamObserver<Long> s : streams) {
            s.onNext(sentNanos);
            n++;
        }
        return n;
    }

    int port() {
        return server.getPort();
    }

    int streamCount() {
        return streams.size();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        for (EventLoopGroup g : new EventLoopGroup[] {serverBoss, serverWorkers, clientGroup}) {
            if (g != null) {
                g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    /** Big-endian 4-byte int. */
    enum IntMarshaller implements MethodDescriptor.Marshaller<Integer> {
        INSTANCE;

        @Override
        public InputStream stream(Integer value) {
            int v = value;
            return new ByteArrayInputStream(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        }

        @Override
        public Integer parse(InputStream in) {
            try {
                byte[] b = in.readNBytes(4);
                return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Big-endian 8-byte long. */
    enum LongMarshaller implements MethodDescriptor.Marshaller<Long> {
        INSTANCE;

        @Override
        public InputStream stream(Long value) {
            long v = value;
            byte[] b = new byte[8];
            for (int i = 7; i >= 0; i--) {
                b[i] = (byte) v;
                v >>>= 8;
            }
            return new ByteArrayInputStream(b);
        }

        @Override
        public Long parse(InputStream in) {
            try {
                byte[] b = in.readNBytes(8);
                long v = 0;
                for (byte x : b) {
                    v = v << 8 | (x & 0xFF);
                }
                return v;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

}
