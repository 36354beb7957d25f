package dev.hardlight.opentelemetry;

import dev.hardlight.Nullable;
import dev.hardlight.Status;
import dev.hardlight.netty.RpcObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.Objects;

/**
 * A span per HardLight call, on the client and on the server, through OpenTelemetry. Give its
 * observers to the servers and clients to trace:
 *
 * <pre>{@code
 * HardLightTracing tracing = new HardLightTracing(openTelemetry);
 * HardLight.server(Counter.class, CounterHandler::new).observer(tracing.server())...start();
 * HardLight.connect(uri, ClientOptions.builder().pinned(fp).observer(tracing.client()).build(), CounterClient.FACTORY);
 * }</pre>
 *
 * <p>Each span is named {@code service/method}, of kind {@link SpanKind#SERVER} or {@link SpanKind#CLIENT},
 * with the RPC semantic-convention attributes {@code rpc.system} ({@code hardlight}), {@code rpc.service},
 * {@code rpc.method} and {@code rpc.response.status_code} (the {@link Status} name); a call that ends in
 * any status other than {@code OK} sets the span's status to error with that name. A client span's parent
 * is the context current on the thread that makes the call. Its times are those of
 * {@link RpcObserver}: from the CALL frame to the answer.
 *
 * <p>Limits: the trace context does not cross the wire yet (a server span starts a trace of its own),
 * and the server span is not the current span while the handler runs, so spans the handler makes are
 * not its children; both wait for per-call metadata and interceptors. An observer is only ever given to
 * the servers and clients to trace: the others make no span and pay nothing. Thread-safe.
 */
public final class HardLightTracing {
    /** The instrumentation scope's name. */
    public static final String INSTRUMENTATION_NAME = "dev.hardlight";

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.response.status_code");

    private final Tracer tracer;

    /** Tracing through {@code openTelemetry}'s tracer provider. */
    public HardLightTracing(OpenTelemetry openTelemetry) {
        this.tracer = Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(INSTRUMENTATION_NAME);
    }

    /** The observer to give to servers ({@code ServerOptions.Builder.observer}): a SERVER span per call. */
    public RpcObserver server() {
        return new SpanObserver(SpanKind.SERVER);
    }

    /** The observer to give to clients ({@code ClientOptions.Builder.observer}): a CLIENT span per call. */
    public RpcObserver client() {
        return new SpanObserver(SpanKind.CLIENT);
    }

    private final class SpanObserver implements RpcObserver {
        private final SpanKind kind;

        SpanObserver(SpanKind kind) {
            this.kind = kind;
        }

        @Override
        public @Nullable Object callStarted(String service, String method) {
            io.opentelemetry.api.trace.SpanBuilder b = tracer.spanBuilder(service + "/" + method).setSpanKind(kind);
            if (kind == SpanKind.SERVER) {
                b.setNoParent(); // the I/O thread's context is no caller's; the caller's does not cross the wire yet
            }
            return b
                    .setAttribute(RPC_SYSTEM, "hardlight")
                    .setAttribute(RPC_SERVICE, service)
                    .setAttribute(RPC_METHOD, method)
                    .startSpan();
        }

        @Override
        public void callCompleted(@Nullable Object context, String service, String method, Status status, long durationNanos) {
            if (!(context instanceof Span span)) {
                return;
            }
            span.setAttribute(RPC_STATUS, status.name());
            if (status != Status.OK) {
                span.setStatus(StatusCode.ERROR, status.name());
            }
            span.end();
        }
    }
}
