package dev.hardlight.opentelemetry;

import dev.hardlight.ClientCall;
import dev.hardlight.ClientInterceptor;
import dev.hardlight.Metadata;
import dev.hardlight.Nullable;
import dev.hardlight.RpcException;
import dev.hardlight.ServerCall;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Objects;

/**
 * A span per HardLight call, on the client and on the server, through OpenTelemetry, with the W3C
 * trace context carried in the call's metadata so both spans are in one trace. Give its interceptors to
 * the servers and clients to trace:
 *
 * <pre>{@code
 * HardLightTracing tracing = new HardLightTracing(openTelemetry);
 * HardLight.server(Counter.class, CounterHandler::new).interceptor(tracing.serverInterceptor())...start();
 * HardLight.connect(uri, ClientOptions.builder().pinned(fp).interceptor(tracing.clientInterceptor()).build(), CounterClient.FACTORY);
 * }</pre>
 *
 * <p>Each span is named {@code service/method}, of kind {@link SpanKind#SERVER} or {@link SpanKind#CLIENT},
 * with the RPC semantic-convention attributes {@code rpc.system} ({@code hardlight}), {@code rpc.service},
 * {@code rpc.method} and {@code rpc.response.status_code} (the {@link Status} name); a call that ends in
 * any status other than {@code OK} sets the span's status to error with that name.
 *
 * <p>The client span's parent is the context current on the thread that makes the call; the client
 * puts it into the call's metadata as W3C {@code traceparent} (and {@code tracestate} when there is
 * one), whatever propagators {@code openTelemetry} is configured with. The server span's parent is the
 * context in the call's metadata (none: a trace of its own), and it is the current span while the
 * handler runs, so spans the handler makes are its children. Times: the client span from just before
 * the CALL is written to the answer's arrival; the server span around the interceptors after this one
 * and the handler (register it first to include the others), the arguments' decoding included.
 *
 * <p>Events are not linked to the span of the call that emitted them: an EVENT frame carries no
 * metadata (one encoding is sent to every subscriber).
 *
 * <p>Only the servers and clients given an interceptor make spans; the others pay nothing. Thread-safe.
 */
public final class HardLightTracing {
    /** The instrumentation scope's name. */
    public static final String INSTRUMENTATION_NAME = "dev.hardlight";

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.response.status_code");

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapSetter<ClientCall> SETTER = (call, key, value) -> {
        if (call != null) {
            call.putMetadata(key, value);
        }
    };

    private static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public @Nullable String get(@Nullable Metadata carrier, String key) {
            return carrier == null || Metadata.isBinaryKey(key) ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    /** Tracing through {@code openTelemetry}'s tracer provider. */
    public HardLightTracing(OpenTelemetry openTelemetry) {
        this.tracer = Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(INSTRUMENTATION_NAME);
    }

    /** The interceptor to give to servers ({@code ServerBuilder.interceptor}): a SERVER span per call. */
    public ServerInterceptor serverInterceptor() {
        return this::serve;
    }

    /** The interceptor to give to clients ({@code ClientOptions.Builder.interceptor}): a CLIENT span per call. */
    public ClientInterceptor clientInterceptor() {
        return this::call;
    }

    private void serve(ServerCall call, ServerInterceptor.Next next) throws Exception {
        Context parent = W3C.extract(Context.root(), call.requestMetadata(), GETTER);
        Span span = start(call.service(), call.method(), SpanKind.SERVER, parent);
        Status status = Status.OK;
        try (Scope ignored = span.makeCurrent()) {
            next.proceed();
        } catch (Exception | Error e) {
            status = e instanceof RpcException r ? (r.status() == Status.PROTOCOL_ERROR ? Status.INVALID_ARGUMENT : r.status())
                    : e instanceof RuntimeException || e instanceof Error ? Status.INTERNAL : Status.APPLICATION_ERROR;
            throw e;
        } finally {
            end(span, status);
        }
    }

    private ClientInterceptor.Completion call(ClientCall call) {
        Span span = start(call.service(), call.method(), SpanKind.CLIENT, Context.current());
        W3C.inject(Context.current().with(span), call, SETTER);
        return (status, failure) -> end(span, status);
    }

    private Span start(String service, String method, SpanKind kind, Context parent) {
        return tracer.spanBuilder(service + "/" + method)
                .setSpanKind(kind)
                .setParent(parent)
                .setAttribute(RPC_SYSTEM, "hardlight")
                .setAttribute(RPC_SERVICE, service)
                .setAttribute(RPC_METHOD, method)
                .startSpan();
    }

    private static void end(Span span, Status status) {
        span.setAttribute(RPC_STATUS, status.name());
        if (status != Status.OK) {
            span.setStatus(StatusCode.ERROR, status.name());
        }
        span.end();
    }
}
