package dev.hardlight.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Event;
import dev.hardlight.Topic;
import dev.hardlight.testing.Await;
import dev.hardlight.testing.HardLightExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events linked to the server span that emitted them, over real sockets, checked with the in-memory exporter. */
@Timeout(30)
class EventLinkTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String SAY = dev.hardlight.service.Services.descriptor(Room.class).name() + "/say";

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    final HardLightTracing linking = HardLightTracing.builder(otel).linkEvents(true).build();
    final HardLightTracing notLinking = new HardLightTracing(otel);

    @RegisterExtension
    final HardLightExtension<Room> linked = HardLightExtension.serve(Room.class, RoomHandler::new)
            .configure(b -> b.interceptor(linking.serverInterceptor()));

    @RegisterExtension
    final HardLightExtension<Room> tracedOnly = HardLightExtension.serve(Room.class, RoomHandler::new)
            .configure(b -> b.interceptor(notLinking.serverInterceptor()));

    @RegisterExtension
    final HardLightExtension<Room> untraced = HardLightExtension.serve(Room.class, RoomHandler::new);

    @AfterEach
    void close() {
        provider.close();
    }

    private static Event<RoomEvent> next(RoomClient client) throws InterruptedException {
        return client.events().poll(WAIT).orElseThrow(() -> new AssertionError("no event within " + WAIT));
    }

    @Test
    void anEventEmittedByATracedHandlerIsLinkedToTheServerSpanOnEveryClient() throws Exception {
        RoomClient listener = linked.connect(RoomClient::new);
        RoomClient other = linked.connect(RoomClient::new);
        RoomClient speaker = linked.connect(RoomClient::new, b -> b.interceptor(linking.clientInterceptor()));
        listener.join("lobby");
        other.join("lobby");
        assertThat(speaker.say("lobby", "hi")).isEqualTo(2);

        Event<RoomEvent> event = next(listener);
        assertThat(event.value()).isEqualTo(new RoomEvent.Said("hi"));
        assertThat(event.metadata().keys()).contains("traceparent");
        assertThat(next(other).metadata()).as("one encoding: every subscriber gets the emit's context")
                .isEqualTo(event.metadata());

        Span span = linking.startEventSpan(event);
        span.end();

        Await.until("the say spans and the event span", () -> spans(SAY).size() == 2
                && spans("lobby receive").size() == 1, WAIT);
        SpanData serverSay = spans(SAY).stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        SpanData clientSay = spans(SAY).stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        SpanData received = spans("lobby receive").getFirst();
        SpanContext emitter = HardLightTracing.emitterOf(event);
        assertThat(emitter.getSpanId()).as("the emitter is the server span of the call that emitted").isEqualTo(serverSay.getSpanId());
        assertThat(emitter.getTraceId()).isEqualTo(clientSay.getTraceId());
        assertThat(emitter.isRemote()).isTrue();
        assertThat(received.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(received.getLinks()).extracting(LinkData::getSpanContext).extracting(SpanContext::getSpanId)
                .containsExactly(serverSay.getSpanId());
        assertThat(received.getAttributes().get(HardLightTracing.TOPIC)).isEqualTo("lobby");
        assertThat(received.getParentSpanContext().isValid()).as("no span current here: a root with a link").isFalse();
    }

    @Test
    void anEventSpanIsAChildOfTheCurrentSpanAndLinkedToTheEmitter() throws Exception {
        RoomClient listener = linked.connect(RoomClient::new);
        listener.join("r");
        linked.connect(RoomClient::new).say("r", "x");
        Event<RoomEvent> event = next(listener);
        Span parent = otel.getTracer("test").spanBuilder("consumer loop").startSpan();
        try (Scope ignored = parent.makeCurrent()) {
            linking.startEventSpan(event).end();
        } finally {
            parent.end();
        }
        Await.until("the event span", () -> spans("r receive").size() == 1, WAIT);
        SpanData received = spans("r receive").getFirst();
        assertThat(received.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(received.getLinks()).hasSize(1);
        assertThat(received.getLinks().getFirst().getSpanContext()).isEqualTo(HardLightTracing.emitterOf(event));
    }

    @Test
    void anEmitOutsideAHandlerIsLinkedToTheSpanCurrentWhereItWasAttached() throws Exception {
        RoomClient listener = untraced.connect(RoomClient::new);
        listener.join("news");
        Span job = otel.getTracer("test").spanBuilder("nightly job").startSpan();
        try (Scope ignored = job.makeCurrent(); dev.hardlight.Metadata.Scope linkedScope = HardLightTracing.linkEventsToCurrentSpan()) {
            assertThat(untraced.server().events(RoomEvent.class).emit(Topic.of("news"), new RoomEvent.Said("out"))).isEqualTo(1);
        } finally {
            job.end();
        }
        Event<RoomEvent> event = next(listener);
        assertThat(HardLightTracing.emitterOf(event).getSpanId()).isEqualTo(job.getSpanContext().getSpanId());
        assertThat(untraced.server().events(RoomEvent.class).emit(Topic.of("news"), new RoomEvent.Said("after"))).isEqualTo(1);
        Event<RoomEvent> after = next(listener);
        assertThat(after.metadata().isEmpty()).as("the scope closed: nothing attached").isTrue();
    }

    @Test
    void withoutLinkEventsOrWithoutTracingEventsCarryNothingAndNoSpanIsMade() throws Exception {
        for (HardLightExtension<Room> server : List.of(tracedOnly, untraced)) {
            RoomClient listener = server.connect(RoomClient::new);
            listener.join("quiet");
            server.connect(RoomClient::new, b -> b.interceptor(linking.clientInterceptor())).say("quiet", "shh");
            Event<RoomEvent> event = next(listener);
            assertThat(event.value()).isEqualTo(new RoomEvent.Said("shh"));
            assertThat(event.metadata().isEmpty()).as("a plain EVENT frame").isTrue();
            assertThat(HardLightTracing.emitterOf(event).isValid()).isFalse();
            Span span = linking.startEventSpan(event);
            assertThat(span.getSpanContext().isValid()).as("nothing created").isFalse();
            span.end();
        }
        // the traced calls' spans are exported; no event span among them
        Await.until("the traced says' spans", () -> spans(SAY).size() == 3, WAIT);
        assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getKind).doesNotContain(SpanKind.CONSUMER);
    }

    private List<SpanData> spans(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }
}
