package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.codec.Codec;
import dev.hardlight.codec.UnknownVariantException;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.StateCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code test-vectors/v1/evolve-*.hex} vectors: each pairs a writer of one contract version with a
 * reader of the other (the v1 and v2 contracts of {@link Versions}, compiled by the processor). The
 * writer's generated code must give exactly the file's bytes, and the reader's generated code must
 * decode them to the value the file's description names. The TypeScript client checks the same files.
 *
 * <p>To rewrite the files after a deliberate change: {@code -Dhardlight.writeVectors=true}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EvolutionVectorsTest {
    static final Path DIR = Path.of("..", "test-vectors", "v1");

    private final Versions.Version v1 = Versions.of("v1");
    private final Versions.Version v2 = Versions.of("v2");

    private static byte[] encode(Codec<Object> codec, Object value) {
        ByteBuf buf = Unpooled.buffer();
        codec.encode(value, new ByteBufWireWriter(buf));
        return ByteBufUtil.getBytes(buf);
    }

    private static Object decode(Codec<Object> codec, byte[] bytes) {
        WireReader r = new ByteBufWireReader(Unpooled.wrappedBuffer(bytes));
        Object value = codec.decode(r);
        r.expectEnd("the value");
        return value;
    }

    /** Checks (or with -Dhardlight.writeVectors=true, writes) vector {@code name}: returns its bytes. */
    private static byte[] vector(String name, String description, byte[] written) throws IOException {
        Path file = DIR.resolve(name + ".hex");
        if (Boolean.getBoolean("hardlight.writeVectors")) {
            StringBuilder sb = new StringBuilder("# ").append(description).append('\n');
            String hex = ByteBufUtil.hexDump(written);
            for (int i = 0; i < hex.length(); i += 32) {
                sb.append(hex.substring(i, Math.min(hex.length(), i + 32)).replaceAll("(..)(?!$)", "$1 ")).append('\n');
            }
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.getFirst()).isEqualTo("# " + description);
        StringBuilder hex = new StringBuilder();
        lines.stream().filter(l -> !l.startsWith("#")).forEach(l -> hex.append(l.replaceAll("\\s", "")));
        byte[] golden = ByteBufUtil.decodeHexDump(hex);
        assertThat(ByteBufUtil.hexDump(written)).as("bytes of " + name).isEqualTo(ByteBufUtil.hexDump(golden));
        return golden;
    }

    @Test
    void aRecordWithAnAppendedComponentIsReadWithoutIt() throws IOException {
        byte[] bytes = vector("evolve-record-appended", "record evo.Shop.Item: writer v2 Item(String name, int count,"
                + " int quantity) = Item(\"ab\", 5, 2); reader v1 Item(String name) decodes Item(\"ab\"), the 2 bytes"
                + " of count and quantity skipped", encode(v2.codec("Shop_ItemCodec"), v2.record("Shop$Item", "ab", 5, 2)));
        assertThat(decode(v1.codec("Shop_ItemCodec"), bytes)).hasToString("Item[name=ab]");
    }

    @Test
    void aRecordMissingComponentsReadsTheirDefaults() throws IOException {
        byte[] bytes = vector("evolve-record-missing", "record evo.Shop.Item: writer v1 Item(String name) = Item(\"ab\");"
                + " reader v2 Item(String name, int count, @Default(\"1\") int quantity) decodes Item(\"ab\", 0, 1):"
                + " count its zero, quantity its default", encode(v1.codec("Shop_ItemCodec"), v1.record("Shop$Item", "ab")));
        assertThat(decode(v2.codec("Shop_ItemCodec"), bytes)).hasToString("Item[name=ab, count=0, quantity=1]");
    }

    @Test
    void anUnknownSubtypeDecodesToTheFallback() throws IOException {
        byte[] bytes = vector("evolve-sealed-unknown", "sealed evo.Shop.Shape: writer v2 Shape{Other(), Circle(double"
                + " radius), Square(double side)} = Square(2.0), tag 2, length 8; reader v1 Shape{@Fallback Other(),"
                + " Circle(double radius)} skips the 8 bytes and decodes Other() (without a @Fallback: malformed"
                + " \"unknown tag 2 of sealed evo.Shop.Shape\")",
                encode(v2.codec("Shop_ShapeCodec"), v2.record("Shop$Shape$Square", 2.0)));
        assertThat(decode(v1.codec("Shop_ShapeCodec"), bytes)).hasToString("Other[]");
        // and a known subtype still reads as itself in both directions
        assertThat(decode(v1.codec("Shop_ShapeCodec"), encode(v2.codec("Shop_ShapeCodec"), v2.record("Shop$Shape$Circle", 1.5))))
                .hasToString("Circle[radius=1.5]");
    }

    @Test
    void anUnknownConstantDecodesToTheFallbackOrFails() throws IOException {
        byte[] bytes = vector("evolve-enum-unknown", "enum: writer v2 Color{RED,GREEN,BLUE} = BLUE (ordinal 2);"
                + " reader v1 Color{RED,GREEN} (no @Fallback) fails: malformed \"unknown ordinal 2 of enum"
                + " evo.Shop.Color\"; the same byte read by v1 Tone{@Fallback UNKNOWN,LOW} decodes UNKNOWN",
                encode(v2.codec("Shop_ColorCodec"), v2.constant("Shop$Color", "BLUE")));
        assertThatThrownBy(() -> decode(v1.codec("Shop_ColorCodec"), bytes))
                .isInstanceOf(UnknownVariantException.class)
                .hasMessage("malformed message: unknown ordinal 2 of enum evo.Shop.Color (a newer peer's constant: mark a "
                        + "constant @Fallback to accept it)");
        assertThat(decode(v1.codec("Shop_ToneCodec"), bytes)).hasToString("UNKNOWN");
    }

    /** Runs {@code version}'s dispatcher on a CALL body for method 0 (find); returns what the handler got. */
    private static List<Object> dispatchFind(Versions.Version version, byte[] call) throws Exception {
        List<Object> received = new ArrayList<>();
        Class<?> shop = version.type("Shop");
        Object handler = Proxy.newProxyInstance(version.loader, new Class<?>[] {shop}, (proxy, m, args) -> {
            received.addAll(Arrays.asList(args));
            return version.type("Shop$Item").getRecordComponents().length == 1 ? version.record("Shop$Item", args[0])
                    : version.record("Shop$Item", args[0], 0, 0);
        });
        ServiceDescriptor<?> descriptor = (ServiceDescriptor<?>) version.staticField("ShopSchema", "DESCRIPTOR");
        ByteBuf in = Unpooled.wrappedBuffer(call);
        assertThat(in.readByte()).isEqualTo((byte) 0x02); // CALL
        assertThat(in.readByte()).isEqualTo((byte) 0x01); // call id 1
        assertThat(in.readByte()).isEqualTo((byte) 0x00); // method id 0
        @SuppressWarnings("unchecked")
        dev.hardlight.service.ServiceDispatcher<Object> dispatcher =
                (dev.hardlight.service.ServiceDispatcher<Object>) descriptor.dispatcher();
        ByteBufWireReader reader = new ByteBufWireReader(in);
        dispatcher.dispatch(handler, 0, reader, new ByteBufWireWriter(Unpooled.buffer()));
        assertThat(reader.ended()).isTrue();
        return received;
    }

    private static byte[] call(byte[] args) {
        byte[] frame = new byte[3 + args.length];
        frame[0] = 0x02;
        frame[1] = 0x01;
        System.arraycopy(args, 0, frame, 3, args.length);
        return frame;
    }

    @Test
    void appendedArgumentsAreSkippedAndMissingOnesDefault() throws Exception {
        ByteBuf args = Unpooled.buffer();
        ByteBufWireWriter w = new ByteBufWireWriter(args);
        w.writeString("ab");
        w.writeInt(10);
        byte[] appended = vector("evolve-args-appended", "CALL: call id 1, method id 0: writer v2 find(String name,"
                + " int limit) with (\"ab\", 10); reader v1 find(String name) gets (\"ab\"), the byte of limit skipped",
                call(ByteBufUtil.getBytes(args)));
        assertThat(dispatchFind(v1, appended)).containsExactly("ab");

        args = Unpooled.buffer();
        new ByteBufWireWriter(args).writeString("ab");
        byte[] missing = vector("evolve-args-missing", "CALL: call id 1, method id 0: writer v1 find(String name)"
                + " with (\"ab\"); reader v2 find(String name, @Default(\"10\") int limit) gets (\"ab\", 10)",
                call(ByteBufUtil.getBytes(args)));
        assertThat(dispatchFind(v2, missing)).containsExactly("ab", 10);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStateDeltaFieldANewerServerAppendedIsIgnored() throws IOException {
        StateCodec<Object> newer = (StateCodec<Object>) ((ServiceDescriptor<?>) v2.staticField("ShopSchema",
                "DESCRIPTOR")).state();
        StateCodec<Object> older = (StateCodec<Object>) ((ServiceDescriptor<?>) v1.staticField("ShopSchema",
                "DESCRIPTOR")).state();
        Object state = v2.record("Shop$State", 3, "", 9);
        ByteBuf frame = Unpooled.buffer();
        ByteBufWireWriter w = new ByteBufWireWriter(frame);
        frame.writeByte(0x06);
        w.writeVarInt(2);
        for (int field : new int[] {0, 2}) {
            w.writeVarInt(field);
            newer.encodeField(state, field, w);
        }
        byte[] bytes = vector("evolve-state-delta-unknown-field", "STATE_DELTA: writer v2 State(int counter, String"
                + " user, int extra), fields 0 = 3 and 2 = 9; reader v1 State(int counter, String user) from"
                + " State(0, \"\") applies counter and ignores the rest: State(3, \"\")", ByteBufUtil.getBytes(frame));
        ByteBuf in = Unpooled.wrappedBuffer(bytes, 1, bytes.length - 1);
        WireReader r = new ByteBufWireReader(in);
        int count = r.readVarInt();
        Object applied = older.applyDelta(older.initial(), count, r);
        r.expectEnd("STATE_DELTA");
        assertThat(applied).hasToString("State[counter=3, user=]");
        // the v1 snapshot read by v2: extra takes its zero
        ByteBuf snapshot = Unpooled.buffer();
        older.encode(v1.record("Shop$State", 7, "ann"), new ByteBufWireWriter(snapshot));
        assertThat(newer.decode(new ByteBufWireReader(snapshot))).hasToString("State[counter=7, user=ann, extra=0]");
    }
}
