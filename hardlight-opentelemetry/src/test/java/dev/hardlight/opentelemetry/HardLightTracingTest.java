package dev.hardlight.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.service.Services;
import dev.hardlight.testing.Await;
import dev.hardlight.testing.HardLightExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spans checked through the SDK's in-memory exporter. */
@Timeout(30)
class HardLightTracingTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    final HardLightTracing tracing = new HardLightTracing(otel);
    final String service = Services.descriptor(Echo.class).name();
    /** The tracer {@link EchoHandler#echo} makes its span with: this test's provider's. */
    static final java.util.concurrent.atomic.AtomicReference<io.opentelemetry.api.trace.Tracer> HANDLER_TRACER =
            new java.util.concurrent.atomic.AtomicReference<>();

    {
        HANDLER_TRACER.set(otel.getTracer("handler"));
    }

    @RegisterExtension
    final HardLightExtension<Echo> traced = HardLightExtension.serve(Echo.class, c -> new EchoHandler())
            .configure(b -> b.interceptor(tracing.serverInterceptor()));

    @RegisterExtension
    final HardLightExtension<Echo> untraced = HardLightExtension.serve(Echo.class, c -> new EchoHandler());

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aCallMakesAClientSpanUnderTheCallersSpanAndAServerSpanUnderTheClientSpan() {
        EchoClient client = traced.connect(EchoClient::new, b -> b.interceptor(tracing.clientInterceptor()));
        Span parent = otel.getTracer("test").spanBuilder("parent").startSpan();
        try (Scope ignored = parent.makeCurrent()) {
            assertThat(client.echo("hi")).isEqualTo("hi");
        } finally {
            parent.end();
        }
        Await.until("four spans", () -> exporter.getFinishedSpanItems().size() == 4, WAIT);
        SpanData clientSpan = only(SpanKind.CLIENT);
        SpanData serverSpan = only(SpanKind.SERVER);
        SpanData inHandler = exporter.getFinishedSpanItems().stream().filter(x -> x.getName().equals("in the handler"))
                .findFirst().orElseThrow();
        assertThat(clientSpan.getName()).isEqualTo(service + "/echo");
        assertThat(clientSpan.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(clientSpan.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
        for (SpanData s : List.of(clientSpan, serverSpan)) {
            assertThat(s.getAttributes().get(HardLightTracing.RPC_SYSTEM)).isEqualTo("hardlight");
            assertThat(s.getAttributes().get(HardLightTracing.RPC_SERVICE)).isEqualTo(service);
            assertThat(s.getAttributes().get(HardLightTracing.RPC_METHOD)).isEqualTo("echo");
            assertThat(s.getAttributes().get(HardLightTracing.RPC_STATUS)).isEqualTo("OK");
            assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(s.getEndEpochNanos()).isGreaterThan(s.getStartEpochNanos());
        }
        assertThat(serverSpan.getTraceId()).as("one trace across the wire").isEqualTo(parent.getSpanContext().getTraceId());
        assertThat(serverSpan.getParentSpanId()).as("the server span is the client span's child").isEqualTo(clientSpan.getSpanId());
        assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
        assertThat(inHandler.getParentSpanId()).as("the handler's spans are the server span's children")
                .isEqualTo(serverSpan.getSpanId());
        assertThat(inHandler.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    }

    @Test
    void aCallWithoutAContextStartsATraceThatTheServerJoins() {
        EchoClient client = traced.connect(EchoClient::new, b -> b.interceptor(tracing.clientInterceptor()));
        assertThat(client.echo("hi")).isEqualTo("hi");
        Await.until("three spans", () -> exporter.getFinishedSpanItems().size() == 3, WAIT);
        SpanData clientSpan = only(SpanKind.CLIENT);
        SpanData serverSpan = only(SpanKind.SERVER);
        assertThat(clientSpan.getParentSpanContext().isValid()).isFalse();
        assertThat(serverSpan.getTraceId()).isEqualTo(clientSpan.getTraceId());
        assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    }

    @Test
    void aServerSpanWithoutAContextFromTheClientStartsItsOwnTrace() {
        EchoClient client = traced.connect(EchoClient::new); // no client interceptor: no traceparent
        assertThat(client.echo("hi")).isEqualTo("hi");
        Await.until("two spans", () -> exporter.getFinishedSpanItems().size() == 2, WAIT);
        assertThat(only(SpanKind.SERVER).getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void anErrorIsRecordedOnBothSpans() {
        EchoClient client = traced.connect(EchoClient::new, b -> b.interceptor(tracing.clientInterceptor()));
        assertThatThrownBy(() -> client.deny("x")).isInstanceOf(RpcException.class);
        Await.until("two spans", () -> exporter.getFinishedSpanItems().size() == 2, WAIT);
        for (SpanData s : exporter.getFinishedSpanItems()) {
            assertThat(s.getName()).isEqualTo(service + "/deny");
            assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(s.getStatus().getDescription()).isEqualTo("PERMISSION_DENIED");
            assertThat(s.getAttributes().get(HardLightTracing.RPC_STATUS)).isEqualTo("PERMISSION_DENIED");
        }
    }

    @Test
    void nothingIsCreatedWhenTracingIsOff() throws Exception {
        EchoClient client = untraced.connect(EchoClient::new);
        for (int i = 0; i < 10; i++) {
            client.echo("quiet");
        }
        assertThatThrownBy(() -> client.deny("x")).isInstanceOf(RpcException.class);
        // the traced server and a traced client did work meanwhile, so the exporter is live
        traced.connect(EchoClient::new, b -> b.interceptor(tracing.clientInterceptor())).echo("loud");
        Await.until("the traced call's three spans", () -> exporter.getFinishedSpanItems().size() == 3, WAIT);
        Thread.sleep(100);
        assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactlyInAnyOrder(service + "/echo", service + "/echo", "in the handler");
    }

    private SpanData only(SpanKind kind) {
        List<SpanData> spans = exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
        assertThat(spans).hasSize(1);
        return spans.getFirst();
    }
}
