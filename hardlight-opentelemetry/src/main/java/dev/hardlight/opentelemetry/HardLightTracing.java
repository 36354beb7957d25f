package dev.hardlight.opentelemetry;

import dev.hardlight.ClientCall;
import dev.hardlight.ClientInterceptor;
import dev.hardlight.Event;
import dev.hardlight.Metadata;
import dev.hardlight.Nullable;
import dev.hardlight.RpcException;
import dev.hardlight.ServerCall;
import dev.hardlight.ServerInterceptor;
import dev.hardlight.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
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
 * <p><b>Events linked to the span that emitted them</b> (opt-in, {@link Builder#linkEvents}): while a
 * traced handler runs, the server span's W3C context is attached to the handler's thread
 * ({@link Metadata#attach()}), so every event the handler emits carries it ({@code traceparent}, and
 * {@code tracestate} when there is one; one EVENT_META frame for all subscribers). Outside handlers,
 * {@link #linkEventsToCurrentSpan()} does the same for the span current on the emitting thread. On the
 * client, {@link #emitterOf(Event)} reads the emitter's span context from an event, and
 * {@link #startEventSpan(Event)} starts a CONSUMER span linked to it:
 *
 * <pre>{@code
 * HardLightTracing tracing = HardLightTracing.builder(openTelemetry).linkEvents(true).build();
 * // client side
 * Event<ChatEvent> e = client.events().take();
 * Span span = tracing.startEventSpan(e);
 * try (Scope s = span.makeCurrent()) { handle(e); } finally { span.end(); }
 * }</pre>
 *
 * Without {@code linkEvents} the server attaches nothing and events are sent as before (plain EVENT
 * frames). The attached context is also what calls the handler makes through a client carry, unless
 * that client's own tracing interceptor replaces it with its client span (the usual case).
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
    private static final String TRACEPARENT = "traceparent";

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

    static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");

    private final Tracer tracer;
    private final boolean linkEvents;

    /** Tracing through {@code openTelemetry}'s tracer provider, events not linked (see {@link #builder}). */
    public HardLightTracing(OpenTelemetry openTelemetry) {
        this(builder(openTelemetry));
    }

    private HardLightTracing(Builder b) {
        this.tracer = b.openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.linkEvents = b.linkEvents;
    }

    /** A builder of tracing through {@code openTelemetry}'s tracer provider. */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /** Options of {@link HardLightTracing}. Not thread-safe; the tracing it builds is. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private boolean linkEvents;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        /**
         * Whether events emitted by a traced handler carry the server span's W3C context, so clients
         * can link them to it ({@link HardLightTracing#startEventSpan}). Default {@code false}: events
         * carry nothing and cost nothing more. Costs, when on, one small metadata block per emit of a
         * traced handler (about 70 bytes on the wire) and one attach per traced call.
         */
        public Builder linkEvents(boolean linkEvents) {
            this.linkEvents = linkEvents;
            return this;
        }

        /** The tracing. */
        public HardLightTracing build() {
            return new HardLightTracing(this);
        }
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
        try (Scope ignored = span.makeCurrent(); Metadata.Scope linked = linkEvents ? traceMetadata(span).attach() : null) {
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

    /**
     * Attaches the W3C context of the span current on this thread ({@code traceparent}, and
     * {@code tracestate} when there is one) to the thread's metadata ({@link Metadata#attach()}), so
     * the events it emits until the scope closes are linked to that span. With no valid current span
     * it attaches nothing. Close the scope on the same thread (try-with-resources).
     */
    public static Metadata.Scope linkEventsToCurrentSpan() {
        return traceMetadata(Span.current()).attach();
    }

    /**
     * The span context of the span that emitted {@code event} (remote, from its {@code traceparent}), or
     * {@link SpanContext#getInvalid()} when the event carries none or a malformed one. Use it as a link
     * ({@code SpanBuilder.addLink}) or a parent.
     */
    public static SpanContext emitterOf(Event<?> event) {
        Metadata md = Objects.requireNonNull(event, "event").metadata();
        if (md.get(TRACEPARENT) == null) {
            return SpanContext.getInvalid(); // the common case: no propagator work
        }
        return Span.fromContext(W3C.extract(Context.root(), md, GETTER)).getSpanContext();
    }

    /**
     * Starts a CONSUMER span for a received event, named {@code "<topic> receive"} (the topic when it is
     * UTF-8, else {@code "event"}), under the context current on this thread, with a link to the span
     * that emitted it ({@link #emitterOf}). An event that carries no trace context gets
     * {@link Span#getInvalid()}: nothing is created or exported. The caller ends the span.
     */
    public Span startEventSpan(Event<?> event) {
        SpanContext emitter = emitterOf(event);
        if (!emitter.isValid()) {
            return Span.getInvalid();
        }
        String topic = event.topic().asString();
        return tracer.spanBuilder((topic == null ? "event" : topic) + " receive")
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(Context.current())
                .addLink(emitter)
                .setAttribute(RPC_SYSTEM, "hardlight")
                .setAttribute(TOPIC, topic == null ? "event" : topic)
                .startSpan();
    }

    private static Metadata traceMetadata(Span span) {
        if (!span.getSpanContext().isValid()) {
            return Metadata.empty();
        }
        Metadata.Builder b = Metadata.builder();
        W3C.inject(Context.root().with(span), b, (carrier, key, value) -> {
            if (carrier != null) {
                carrier.put(key, value);
            }
        });
        return b.build();
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
