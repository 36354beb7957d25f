package dev.hardlight.bench;

import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.internal.Transports;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The scenarios with many connections, against a server in its own JVM ({@link ServerProcess}):
 * heap per idle connection, then one emit fanned out to growing numbers of subscribed connections.
 * HardLight: events on a topic every connection subscribes to; gRPC: a server-streaming call per
 * connection, the server sending each stream the tick. Latency is from the server's clock at emit to
 * the client's at receipt ({@link System#nanoTime()} is the same monotonic clock in both processes on
 * Linux); deliveries per second are a round's recipients over the time from emit to the last receipt.
 */
final class ServerScenarios {
    /** Connections being opened at once. */
    private static final int CONNECT_CONCURRENCY = 32;

    private final int[] fanoutSizes;
    private final int warmupRounds;
    private final int rounds;
    private final String childHeap;

    ServerScenarios(int[] fanoutSizes, int warmupRounds, int rounds, String childHeap) {
        this.fanoutSizes = fanoutSizes;
        this.warmupRounds = warmupRounds;
        this.rounds = rounds;
        this.childHeap = childHeap;
    }

    /** A client connection that can subscribe; its ticks go to {@link #deliver}. */
    private interface Subscriber {
        void subscribe() throws Exception;

        void close() throws Exception;
    }

    /** The round being measured; swapped by the driving thread between rounds. */
    private static final class Round {
        final CountDownLatch received;
        final Histogram histogram;

        Round(int recipients, boolean record) {
            received = new CountDownLatch(recipients);
            histogram = record ? new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3) : null;
        }
    }

    private volatile Round round = new Round(0, false);

    private void deliver(long sentNanos) {
        long now = System.nanoTime();
        Round r = round;
        if (r.histogram != null) {
            r.histogram.recordValue(Math.max(0, now - sentNanos));
        }
        r.received.countDown();
    }

    void run(String system, BenchTls tls, List<Figure> figures, List<Scalar> scalars) throws Exception {
        round = new Round(0, false);
        int max = fanoutSizes[fanoutSizes.length - 1];
        List<Subscriber> subscribers = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (ServerChild child = new ServerChild(system, tls, childHeap)) {
            long before = Long.parseLong(child.ask("HEAP", "HEAP"));
            List<Callable<Subscriber>> opens = new ArrayList<>();
            SslContext grpcSsl = system.equals("grpc") && tls != null ? GrpcSystem.clientSsl(tls) : null;
            io.netty.handler.ssl.SslContext wsSsl = system.equals("netty-ws") && tls != null
                    ? SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                            .protocols("TLSv1.3").trustManager(tls.cert.toFile()).build()
                    : null;
            for (int i = 0; i < max; i++) {
                opens.add(switch (system) {
                    case "hardlight" -> () -> hardlight(child.port, tls);
                    case "grpc" -> () -> grpc(child.port, grpcSsl);
                    default -> () -> ws(child.port, wsSsl);
                });
            }
            long t0 = System.nanoTime();
            subscribers.addAll(parallel(threads, opens));
            long connectNanos = System.nanoTime() - t0;
            long after = Long.parseLong(child.ask("HEAP", "HEAP"));
            scalars.add(new Scalar("idle-heap-per-connection", system, tls != null, (after - before) / (double) max, "bytes"));
            scalars.add(new Scalar("idle-connections", system, tls != null, max, "connections"));
            scalars.add(new Scalar("connect-rate", system, tls != null, max * 1e9 / connectNanos, "connections/s"));
            int subscribed = 0;
            if (system.equals("netty-ws")) {
                // No subscription step: a raw WebSocket connection receives every emit. So only the
                // largest fan-out is measured, against all connections.
                figures.add(fanout(child, system, tls != null, max, scalars));
                return;
            }
            for (int size : fanoutSizes) {
                List<Callable<Subscriber>> subs = new ArrayList<>();
                for (Subscriber s : subscribers.subList(subscribed, size)) {
                    subs.add(() -> {
                        s.subscribe();
                        return s;
                    });
                }
                parallel(threads, subs);
                subscribed = size;
                int count = Integer.parseInt(child.ask("COUNT", "COUNT"));
                if (count != size) {
                    throw new IllegalStateException(system + ": " + count + " subscribers (expected: " + size + ")");
                }
                figures.add(fanout(child, system, tls != null, size, scalars));
            }
        } finally {
            // The server process is gone: connections are reset, closing them is quick.
            List<Callable<Subscriber>> closes = new ArrayList<>();
            for (Subscriber s : subscribers) {
                closes.add(() -> {
                    s.close();
                    return s;
                });
            }
            parallel(threads, closes);
            threads.shutdown();
        }
    }

    private Figure fanout(ServerChild child, String system, boolean tls, int size, List<Scalar> scalars) throws Exception {
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long deliveries = 0;
        long busyNanos = 0;
        long serverCpu0 = 0;
        long emitNanos = 0;
        long clientCpu0 = 0;
        for (int i = 0; i < warmupRounds + rounds; i++) {
            boolean record = i >= warmupRounds;
            if (i == warmupRounds) {
                serverCpu0 = Long.parseLong(child.ask("CPU", "CPU"));
                clientCpu0 = LoadDriver.cpuNanos();
            }
            Round r = new Round(size, record);
            round = r;
            String[] answer = child.ask("EMIT", "EMITTED").split(" ");
            long emitted = Long.parseLong(answer[0]);
            if (record) {
                emitNanos += Long.parseLong(answer[1]);
            }
            if (emitted != size) {
                throw new IllegalStateException(system + ": emitted to " + emitted + " (expected: " + size + ")");
            }
            if (!r.received.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(system + ": " + r.received.getCount() + " of " + size
                        + " deliveries missing 60 s after the emit");
            }
            if (record) {
                // Every delivery of a round carries the same emit time: the largest latency is the
                // time from the emit to the last receipt.
                busyNanos += r.histogram.getMaxValue();
                deliveries += size;
                all.add(r.histogram);
            }
        }
        double clientCpu = (LoadDriver.cpuNanos() - clientCpu0) / 1e3 / deliveries;
        double serverCpu = (Long.parseLong(child.ask("CPU", "CPU")) - serverCpu0) / 1e3 / deliveries;
        scalars.add(new Scalar("fanout-" + size + "-server-cpu-per-delivery", system, tls, serverCpu, "us"));
        scalars.add(new Scalar("fanout-" + size + "-emit-call", system, tls, emitNanos / 1e3 / rounds, "us"));
        scalars.add(new Scalar("fanout-" + size + "-client-cpu-per-delivery", system, tls, clientCpu, "us"));
        return new Figure(system, "", tls, "fanout-" + size, deliveries * 1e9 / busyNanos,
                all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3,
                all.getValueAtPercentile(99.9) / 1e3, all.getTotalCount(), serverCpu + clientCpu);
    }

    private Subscriber hardlight(int port, BenchTls tls) {
        URI uri = URI.create((tls != null ? "wss" : "ws") + "://127.0.0.1:" + port + "/hl");
        ClientOptions options = tls != null
                ? ClientOptions.builder().pinned(tls.fingerprint).eventQueueCapacity(1).build()
                : ClientOptions.builder().insecurePlaintext().eventQueueCapacity(1).build();
        IncrementerClient client = HardLight.connect(uri, options, IncrementerClient.FACTORY);
        client.onEvent(e -> deliver(((Tick.At) e.value()).sentNanos()));
        return new Subscriber() {
            @Override
            public void subscribe() {
                client.subscribe();
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private Subscriber grpc(int port, SslContext ssl) {
        ManagedChannel channel = GrpcSystem.channelTo(port, Mode.DIRECT, ssl, null);
        CountDownLatch subscribed = new CountDownLatch(1);
        return new Subscriber() {
            @Override
            public void subscribe() throws InterruptedException {
                GrpcSystem.subscribe(channel, sent -> {
                    if (sent == 0) {
                        subscribed.countDown();
                    } else {
                        deliver(sent);
                    }
                });
                if (!subscribed.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gRPC stream not open after 30 s");
                }
            }

            @Override
            public void close() throws InterruptedException {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        };
    }

    private Subscriber ws(int port, io.netty.handler.ssl.SslContext ssl) throws Exception {
        RpcSystem.Conn conn = NettyWsSystem.connect(port, ssl, Transports.clientGroup(), this::deliver);
        return new Subscriber() {
            @Override
            public void subscribe() {}

            @Override
            public void close() throws Exception {
                conn.close();
            }
        };
    }

    /** Runs the tasks on virtual threads, {@link #CONNECT_CONCURRENCY} at a time; their results in order. */
    private static <T> List<T> parallel(ExecutorService threads, List<Callable<T>> tasks) throws Exception {
        Semaphore permits = new Semaphore(CONNECT_CONCURRENCY);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(threads.submit(() -> {
                permits.acquire();
                try {
                    return task.call();
                } finally {
                    permits.release();
                }
            }));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        return results;
    }
}
