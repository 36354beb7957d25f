package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Status;
import dev.hardlight.codec.Codec;
import dev.hardlight.codec.Codecs;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden byte vectors in {@code test-vectors/v1/}: for each, encoding the value gives exactly the
 * file's bytes and decoding the file's bytes gives the value. The TypeScript client checks the same
 * files. A vector file is hex (whitespace ignored) with {@code #} comment lines describing the value.
 *
 * <p>To rewrite the files after a deliberate protocol change (then update docs/protocol.md in the same
 * commit): {@code ./mvnw -pl hardlight-core test -Dtest=GoldenVectorsTest -Dhardlight.writeVectors=true}.
 */
class GoldenVectorsTest {
    static final Path DIR = Path.of("..", "test-vectors", "v1");

    private record Vector(String name, String description, Consumer<ByteBuf> encode, Consumer<ByteBuf> checkDecode) {}

    private static Vector frame(String name, String description, Frame frame) {
        return new Vector(name, description, frame::encode, buf -> assertThat(Frame.decode(buf)).isEqualTo(frame));
    }

    private static <T> Vector value(String name, String description, Codec<T> codec, T value) {
        return new Vector(name, description,
                buf -> codec.encode(value, new ByteBufWireWriter(buf)),
                buf -> {
                    WireReader r = new ByteBufWireReader(buf);
                    Object decoded = codec.decode(r);
                    r.expectEnd(name);
                    if (value instanceof byte[] b) {
                        assertThat((byte[]) decoded).isEqualTo(b);
                    } else if (value instanceof int[] a) {
                        assertThat((int[]) decoded).isEqualTo(a);
                    } else {
                        assertThat(decoded).isEqualTo(value);
                    }
                });
    }

    record Point(int x, int y) {}

    record Empty() {}

    record Note(String text) {}

    sealed interface Shape permits Circle, Square {}

    record Circle(double radius) implements Shape {}

    record Square(double side) implements Shape {}

    /** Hand-written as the processor generates them: a length, then the components. */
    static final Codec<Point> POINT = Codecs.of((out, p) -> {
        int start = out.beginRecord();
        out.writeInt(p.x());
        out.writeInt(p.y());
        out.endRecord(start);
    }, in -> {
        int limit = in.beginRecord();
        Point p = new Point(in.hasMore() ? in.readInt() : 0, in.hasMore() ? in.readInt() : 0);
        in.endRecord(limit);
        return p;
    });

    static final Codec<Empty> EMPTY = Codecs.of((out, e) -> out.endRecord(out.beginRecord()), in -> {
        in.endRecord(in.beginRecord());
        return new Empty();
    });

    static final Codec<Note> NOTE = Codecs.of((out, n) -> {
        int start = out.beginRecord();
        out.writeString(n.text());
        out.endRecord(start);
    }, in -> {
        int limit = in.beginRecord();
        Note n = new Note(in.hasMore() ? in.readString() : "");
        in.endRecord(limit);
        return n;
    });

    static final Codec<Shape> SHAPE = Codecs.of((out, s) -> {
        out.writeVarInt(s instanceof Circle ? 0 : 1);
        int start = out.beginRecord();
        out.writeDouble(s instanceof Circle c ? c.radius() : ((Square) s).side());
        out.endRecord(start);
    }, in -> {
        int tag = in.readVarInt();
        int limit = in.beginRecord();
        double d = in.hasMore() ? in.readDouble() : 0;
        Shape s = switch (tag) {
            case 0 -> new Circle(d);
            case 1 -> new Square(d);
            default -> throw WireReader.unknownSubtype("Shape", tag);
        };
        in.endRecord(limit);
        return s;
    });

    static byte[] fingerprint() {
        byte[] f = new byte[32];
        for (int i = 0; i < 32; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    private static List<Vector> vectors() {
        Map<String, Integer> scores = new LinkedHashMap<>();
        scores.put("ann", 3);
        scores.put("bob", -1);
        return List.of(
                frame("frame-hello", "HELLO: version 1, service \"Counter\", fingerprint 00..1f, maxInFlight 256,"
                        + " maxMessageSize 1048576, methods increment=0 (hash 0102030405060708) and get=1"
                        + " (hash 1112131415161718), extension 2 (the features: none, body 00) and an unknown tag 7 = [aa]"
                        + " that receivers skip",
                        new Frame.HelloFrame(new Hello(1, "Counter", fingerprint(), 256, 1_048_576,
                                List.of(new Hello.MethodEntry(0, "increment", 0x0102030405060708L),
                                        new Hello.MethodEntry(1, "get", 0x1112131415161718L)),
                                List.of(new Hello.Extension(2, new byte[] {0x00}),
                                        new Hello.Extension(7, new byte[] {(byte) 0xaa}))))),
                frame("frame-call", "CALL: call id 5, method id 0, arguments (int 1)",
                        new Frame.Call(5, 0, new byte[] {0x02})),
                frame("frame-call-large-id", "CALL: call id 300, method id 2, no arguments",
                        new Frame.Call(300, 2, new byte[0])),
                frame("frame-result", "RESULT: call id 5, value (int 1)", new Frame.Result(5, new byte[] {0x02})),
                frame("frame-result-void", "RESULT: call id 0, no value (void)", new Frame.Result(0, new byte[0])),
                frame("frame-error-application", "ERROR: call id 5, status APPLICATION_ERROR (20),"
                        + " message \"insufficient funds\", declared exception #1",
                        new Frame.Error(5, Status.APPLICATION_ERROR, "insufficient funds", 1)),
                frame("frame-error-unimplemented", "ERROR: call id 1, status UNIMPLEMENTED (12), message \"no\", not declared",
                        new Frame.Error(1, Status.UNIMPLEMENTED, "no", 0)),
                frame("frame-cancel", "CANCEL: call id 300", new Frame.Cancel(300)),
                frame("frame-call-metadata", "CALL_META: call id 5, method id 0, metadata 1 entry"
                        + " (\"request-id\" = \"42\"), arguments (int 1)",
                        new Frame.CallMeta(5, 0, dev.hardlight.Metadata.of("request-id", "42"), new byte[] {0x02})),
                frame("frame-result-metadata", "RESULT_META: call id 5, metadata 2 entries (\"request-id\" = \"42\","
                        + " binary \"tag-bin\" = [ca fe]), value (int 1)",
                        new Frame.ResultMeta(5, dev.hardlight.Metadata.builder().put("request-id", "42")
                                .put("tag-bin", new byte[] {(byte) 0xca, (byte) 0xfe}).build(), new byte[] {0x02})),
                frame("frame-error-metadata", "ERROR_META: call id 5, metadata 1 entry (\"retry-after-ms\" = \"250\"),"
                        + " status RESOURCE_EXHAUSTED (8), message \"slow down\", not declared",
                        new Frame.ErrorMeta(5, dev.hardlight.Metadata.of("retry-after-ms", "250"), Status.RESOURCE_EXHAUSTED,
                                "slow down", 0)),
                frame("frame-event", "EVENT: topic \"room-1\", payload (String \"hi\")",
                        new Frame.EventFrame(dev.hardlight.Topic.of("room-1"), new byte[] {0x02, 0x68, 0x69})),
                frame("frame-event-metadata", "EVENT_META: topic \"room-1\", metadata 1 entry (\"traceparent\" ="
                        + " \"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"), payload (String \"hi\")",
                        new Frame.EventMeta(dev.hardlight.Topic.of("room-1"), dev.hardlight.Metadata.of("traceparent",
                                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), new byte[] {0x02, 0x68, 0x69})),
                frame("frame-events-missed", "EVENTS_MISSED: 300 events dropped", new Frame.EventsMissed(300)),
                frame("frame-go-away", "GO_AWAY: reason \"restart\"", new Frame.GoAway("restart")),
                frame("frame-batch-calls", "BATCH of 3 client frames: CALL call id 0, method id 2, arguments"
                        + " (String \"a\"); CALL call id 1, method id 0, arguments (int 1, int 2); CANCEL call id 7",
                        new Frame.Batch(List.of(new Frame.Call(0, 2, new byte[] {0x01, 0x61}),
                                new Frame.Call(1, 0, new byte[] {0x02, 0x04}), new Frame.Cancel(7)))),
                frame("frame-batch-answers", "BATCH of 2 server frames: RESULT call id 1, value (int 3);"
                        + " ERROR call id 0, status UNIMPLEMENTED (12), message \"no\", not declared",
                        new Frame.Batch(List.of(new Frame.Result(1, new byte[] {0x06}),
                                new Frame.Error(0, Status.UNIMPLEMENTED, "no", 0)))),
                value("value-topic", "Topic \"abc\" (a string topic is its UTF-8 bytes)", dev.hardlight.codec.Codecs.TOPIC,
                        dev.hardlight.Topic.of(new byte[] {0x61, 0x62, 0x63})),
                frame("frame-features", "FEATURES: the whole set, names sorted: \"admin\", \"authenticated\"",
                        new Frame.FeaturesFrame(List.of("admin", "authenticated"))),
                frame("frame-state-delta", "STATE_DELTA: 2 fields of record State(int counter, String user):"
                        + " field 0 = int 3, field 1 = String \"bo\"",
                        new Frame.StateDelta(2, new byte[] {0x00, 0x06, 0x01, 0x02, 0x62, 0x6f})),
                frame("frame-hello-state", "HELLO of service \"S\" (fingerprint 00..1f, maxInFlight 1, maxMessageSize 128,"
                        + " no methods) with extension 1, the state: hash 5eed000000000001, then State(counter 7, user \"ann\") as a record (length 5, then the components),"
                        + " and extension 2, the features: none (body 00)",
                        new Frame.HelloFrame(new Hello(1, "S", fingerprint(), 1, 128, List.of(),
                                List.of(new Hello.Extension(1, ByteBufUtil.decodeHexDump("5eed000000000001" + "05" + "0e"
                                        + "03616e6e")),
                                        new Hello.Extension(2, new byte[] {0x00}))))),
                frame("frame-hello-schema", "HELLO of service \"S\" (fingerprint = SHA-256 of the schema text,"
                        + " maxInFlight 1, maxMessageSize 128, no methods) with extension 4, the schema text"
                        + " \"service S\\n\" (UTF-8)",
                        new Frame.HelloFrame(new Hello(1, "S", Calc.sha256("service S\n"), 1, 128, List.of(),
                                List.of(new Hello.Extension(4, "service S\n".getBytes(StandardCharsets.UTF_8)))))),
                value("value-record", "record Point(int x, int y) = Point(1, -2): length 2, then the components",
                        POINT, new Point(1, -2)),
                value("value-record-empty", "record Empty() = Empty(): length 0", EMPTY, new Empty()),
                value("value-record-long", "record Note(String text) = Note(\"a\" x 200): length 202 (2 bytes),"
                        + " then the String (length 200, 2 bytes, and 200 bytes 61)", NOTE, new Note("a".repeat(200))),
                value("value-sealed", "sealed Shape permits Circle(double radius), Square(double side) = Square(1.5):"
                        + " tag 1, length 8, then Square's components (no length of its own)", SHAPE, new Square(1.5)),
                value("value-int-zero", "int 0", Codecs.INT, 0),
                value("value-int-minus-one", "int -1 (ZigZag 1)", Codecs.INT, -1),
                value("value-int-150", "int 150 (ZigZag 300)", Codecs.INT, 150),
                value("value-int-min", "int -2147483648", Codecs.INT, Integer.MIN_VALUE),
                value("value-long-max", "long 9223372036854775807", Codecs.LONG, Long.MAX_VALUE),
                value("value-boolean-true", "boolean true", Codecs.BOOLEAN, true),
                value("value-double", "double 1.5", Codecs.DOUBLE, 1.5),
                value("value-float", "float -0.25", Codecs.FLOAT, -0.25f),
                value("value-char", "char 'é' (U+00E9)", Codecs.CHAR, 'é'),
                value("value-string", "String \"héllo\"", Codecs.STRING, "héllo"),
                value("value-string-empty", "String \"\"", Codecs.STRING, ""),
                value("value-bytes", "byte[] {1, 2, 255}", Codecs.BYTES, new byte[] {1, 2, (byte) 255}),
                value("value-uuid", "UUID 00112233-4455-6677-8899-aabbccddeeff", Codecs.UUID,
                        UUID.fromString("00112233-4455-6677-8899-aabbccddeeff")),
                value("value-instant", "Instant 2026-11-24T00:00:00.5Z", Codecs.INSTANT, Instant.parse("2026-11-24T00:00:00.5Z")),
                value("value-duration", "Duration -1.5 s (seconds -2, nanos 500000000)", Codecs.DURATION, Duration.ofMillis(-1500)),
                value("value-list", "List<Integer> [1, 2, 3]", Codecs.list(Codecs.INT), List.of(1, 2, 3)),
                value("value-map", "Map<String, Integer> {ann=3, bob=-1} in that order", Codecs.map(Codecs.STRING, Codecs.INT), scores),
                value("value-optional-present", "Optional<String> of \"a\"", Codecs.optional(Codecs.STRING), Optional.of("a")),
                value("value-optional-empty", "Optional<String> empty", Codecs.optional(Codecs.STRING), Optional.empty()),
                value("value-int-array", "int[] {0, -1, 64}", Codecs.INT_ARRAY, new int[] {0, -1, 64}));
    }

    @TestFactory
    Stream<DynamicTest> everyVectorEncodesToItsBytesAndDecodesToItsValue() {
        return vectors().stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            ByteBuf encoded = Unpooled.buffer();
            v.encode().accept(encoded);
            Path file = DIR.resolve(v.name() + ".hex");
            if (Boolean.getBoolean("hardlight.writeVectors")) {
                write(file, v.description(), ByteBufUtil.getBytes(encoded));
            }
            byte[] golden = read(file);
            assertThat(ByteBufUtil.hexDump(encoded)).as("encoding of " + v.name()).isEqualTo(ByteBufUtil.hexDump(golden));
            v.checkDecode().accept(Unpooled.wrappedBuffer(golden));
        }));
    }

    @Test
    void everyVectorFileIsChecked() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            // evolve-* vectors pair two contract versions: hardlight-processor's EvolutionVectorsTest checks them.
            assertThat(files.map(p -> p.getFileName().toString().replace(".hex", ""))
                            .filter(name -> !name.startsWith("evolve-")).sorted())
                    .containsExactlyElementsOf(vectors().stream().map(Vector::name).sorted().toList());
        }
    }

    static byte[] read(Path file) throws IOException {
        StringBuilder hex = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                hex.append(line.replaceAll("\\s", ""));
            }
        }
        return ByteBufUtil.decodeHexDump(hex);
    }

    private static void write(Path file, String description, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("# ").append(description).append('\n');
        String hex = ByteBufUtil.hexDump(bytes);
        for (int i = 0; i < hex.length(); i += 32) {
            String line = hex.substring(i, Math.min(hex.length(), i + 32));
            sb.append(line.replaceAll("(..)(?!$)", "$1 ")).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }
}
