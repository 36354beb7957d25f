package dev.hardlight.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.Codec;
import dev.hardlight.codec.Codecs;
import dev.hardlight.codec.WireReader;
import dev.hardlight.codec.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Fuzz target for the built-in codecs: the first input byte picks a codec, the rest is decoded with
 * it. Invariant: only {@link RpcException} with {@link Status#PROTOCOL_ERROR} escapes, and what decodes
 * (to the end) re-encodes to exactly the same bytes, since every value has one spelling. Float codecs
 * are left out of the round trip: NaN payloads need not survive it.
 */
class CodecFuzzTest {
    /**
     * A recursive sealed value as generated codecs write it: {@code tag length content}, tag 0 = leaf(int),
     * tag 1 = pair(node, node); exercises tags, lengths (missing components default, extra bytes are
     * skipped) and depth.
     */
    sealed interface Node {
        record Leaf(int value) implements Node {}

        record Pair(Node left, Node right) implements Node {}
    }

    static final Codec<Node> NODE = new Codec<>() {
        @Override
        public void encode(Node value, WireWriter out) {
            out.writeVarInt(value instanceof Node.Leaf ? 0 : 1);
            int start = out.beginRecord();
            switch (value) {
                case Node.Leaf l -> out.writeInt(l.value());
                case Node.Pair p -> {
                    encode(p.left(), out);
                    encode(p.right(), out);
                }
            }
            out.endRecord(start);
        }

        @Override
        public Node decode(WireReader in) {
            int tag = in.readVarInt();
            int limit = in.beginRecord();
            Node node = switch (tag) {
                case 0 -> new Node.Leaf(in.hasMore() ? in.readInt() : 0);
                case 1 -> new Node.Pair(in.hasMore() ? decode(in) : new Node.Leaf(0),
                        in.hasMore() ? decode(in) : new Node.Leaf(0));
                default -> throw WireReader.unknownSubtype("Node", tag);
            };
            in.endRecord(limit);
            return node;
        }
    };

    /** Indexed by the first input byte (modulo the size). Keep the order: the corpus depends on it. */
    static final List<Codec<?>> CODECS = List.of(
            Codecs.list(Codecs.INT),
            Codecs.set(Codecs.STRING),
            Codecs.map(Codecs.STRING, Codecs.list(Codecs.LONG)),
            Codecs.optional(Codecs.UUID),
            Codecs.nullable(Codecs.INSTANT),
            Codecs.array(Codecs.DURATION, java.time.Duration[]::new),
            Codecs.INT_ARRAY,
            Codecs.list(Codecs.BYTES),
            Codecs.list(Codecs.TOPIC),
            Codecs.map(Codecs.CHAR, Codecs.optional(Codecs.BOOLEAN)),
            Codecs.list(Codecs.list(Codecs.SHORT)),
            NODE,
            Codecs.LONG_ARRAY,
            Codecs.BOOLEAN_ARRAY,
            Codecs.CHAR_ARRAY,
            Codecs.SHORT_ARRAY,
            Codecs.list(Codecs.BYTE));

    @FuzzTest(maxDuration = "30s")
    void codecDecode(FuzzedDataProvider data) {
        byte[] input = data.consumeRemainingAsBytes();
        if (input.length == 0) {
            return;
        }
        @SuppressWarnings("unchecked")
        Codec<Object> codec = (Codec<Object>) CODECS.get((input[0] & 0xFF) % CODECS.size());
        ByteBuf buf = Unpooled.wrappedBuffer(input, 1, input.length - 1);
        Object value;
        try {
            WireReader r = new ByteBufWireReader(buf);
            value = codec.decode(r);
            r.expectEnd("the value");
        } catch (RpcException e) {
            if (e.status() != Status.PROTOCOL_ERROR) {
                throw e;
            }
            return;
        } finally {
            assertThat(buf.refCnt()).isEqualTo(1);
        }
        ByteBuf again = Unpooled.buffer();
        codec.encode(value, new ByteBufWireWriter(again));
        if ((Object) codec == NODE) {
            // Length-delimited values may drop what they skipped or default what was missing: the value
            // they decoded to survives the round trip instead.
            WireReader r = new ByteBufWireReader(again);
            assertThat(NODE.decode(r)).isEqualTo(value);
            r.expectEnd("the value");
            return;
        }
        assertThat(ByteBufUtil.hexDump(again)).as("one spelling per value")
                .isEqualTo(ByteBufUtil.hexDump(input, 1, input.length - 1));
    }

    /**
     * Fuzz target for the schema text parser and the compatibility rule (a server's HELLO schema is peer
     * input): the input is split in two schema texts; parsing fails only with
     * {@link IllegalArgumentException}, and comparing two parsed schemas never fails.
     */
    @FuzzTest(maxDuration = "30s")
    void schemaCompatibility(FuzzedDataProvider data) {
        String a = data.consumeString(2000);
        String b = data.consumeRemainingAsString();
        dev.hardlight.internal.schema.Schema here;
        dev.hardlight.internal.schema.Schema there;
        try {
            here = dev.hardlight.internal.schema.Schema.parse(a);
            there = dev.hardlight.internal.schema.Schema.parse(b);
        } catch (IllegalArgumentException e) {
            return;
        }
        var compatibility = new dev.hardlight.internal.schema.Compatibility(here, there);
        for (String method : here.methods().keySet()) {
            if (there.methods().containsKey(method)) {
                compatibility.method(method);
            }
        }
        if (here.state() != null && there.state() != null) {
            compatibility.type(here.state(), there.state());
        }
        if (here.events() != null && there.events() != null) {
            compatibility.type(here.events(), there.events());
        }
    }

}
