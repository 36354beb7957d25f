package dev.hardlight.bench;

import dev.hardlight.ClientInterceptor;
import dev.hardlight.Metadata;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.micrometer.HardLightMetrics;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.RpcObserver;
import dev.hardlight.netty.ServerBuilder;
import dev.hardlight.opentelemetry.HardLightTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What interceptors, metadata and an {@link RpcObserver} cost per call: a sequential
 * {@code increment(int)} over loopback (plaintext, handlers inline on the I/O thread, so the per-call
 * work of the framework is as large a share of the round trip as it can be). Variants:
 * <ul>
 *   <li>{@code none}: no interceptor, no observer, no metadata (the baseline);</li>
 *   <li>{@code noop-interceptors}: one interceptor on each side that does nothing (the client's
 *       returns no completion, the server's proceeds);</li>
 *   <li>{@code metadata}: a client interceptor adds {@code request-id} to every call, a server
 *       interceptor reads it and adds it to the answer (CALL_META and RESULT_META on the wire);</li>
 *   <li>{@code attached-metadata}: no interceptor; the caller attaches one entry around each call;</li>
 *   <li>{@code noop-observer}: an {@link RpcObserver} overriding nothing, on both sides;</li>
 *   <li>{@code micrometer}: {@code hardlight-micrometer}'s observers on both sides, into a
 *       {@code SimpleMeterRegistry};</li>
 *   <li>{@code tracing}: {@code hardlight-opentelemetry}'s interceptors on both sides, every call
 *       sampled, spans ended into the SDK with no exporter (the W3C trace context crosses the wire
 *       in the call's metadata).</li>
 * </ul>
 * How to run it and its figures: docs/benchmarks.md, section "Interceptors, metadata and observers".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InterceptorBenchmark {
    @Param({"none", "noop-interceptors", "metadata", "attached-metadata", "noop-observer", "micrometer", "tracing"})
    public String variant;

    private HardLightServer server;
    private IncrementerClient client;
    private Metadata requestId;
    private int n;
    private SdkTracerProvider tracerProvider;

    @Setup(Level.Trial)
    public void setUp() {
        ServerBuilder<Incrementer> b = HardLight.server(Incrementer.class, IncrementerHandler::new)
                .insecurePlaintext().bind("127.0.0.1", 0).handlerExecutor(Runnable::run);
        ClientOptions.Builder o = ClientOptions.builder().insecurePlaintext();
        RpcObserver nothing = new RpcObserver() {};
        switch (variant) {
            case "none", "attached-metadata" -> {}
            case "noop-interceptors" -> {
                b.interceptor((call, next) -> next.proceed());
                o.interceptor(call -> null);
            }
            case "metadata" -> {
                ServerInterceptor echoId = (call, next) -> {
                    String id = call.requestMetadata().get("request-id");
                    next.proceed();
                    if (id != null) {
                        call.putResponseMetadata("request-id", id);
                    }
                };
                b.interceptor(echoId);
                ClientInterceptor addId = call -> {
                    call.putMetadata("request-id", "0123456789abcdef");
                    return null;
                };
                o.interceptor(addId);
            }
            case "noop-observer" -> {
                b.observer(nothing);
                o.observer(nothing);
            }
            case "micrometer" -> {
                HardLightMetrics metrics = new HardLightMetrics(new SimpleMeterRegistry());
                b.observer(metrics.server());
                o.observer(metrics.client());
            }
            case "tracing" -> {
                // Every call sampled and its spans ended into a processor that keeps nothing: the
                // cost of making the spans and carrying the trace context, not of exporting them.
                tracerProvider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build();
                HardLightTracing tracing = new HardLightTracing(
                        OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
                b.interceptor(tracing.serverInterceptor());
                o.interceptor(tracing.clientInterceptor());
            }
            default -> throw new IllegalArgumentException(variant);
        }
        requestId = Metadata.of("request-id", "0123456789abcdef");
        server = b.start();
        client = HardLight.connect(URI.create("ws://127.0.0.1:" + server.port() + "/hl"), o.build(), IncrementerClient.FACTORY);
    }

    @Benchmark
    public int call() {
        if (variant.equals("attached-metadata")) {
            try (Metadata.Scope s = requestId.attach()) {
                return client.increment(n++);
            }
        }
        return client.increment(n++);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        server.close();
        if (tracerProvider != null) {
            tracerProvider.close();
        }
    }
}
