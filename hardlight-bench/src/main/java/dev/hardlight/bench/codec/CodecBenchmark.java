package dev.hardlight.bench.codec;

import com.google.protobuf.CodedOutputStream;
import dev.hardlight.bench.proto.PbOrder;
import dev.hardlight.bench.proto.PbQuote;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encode and decode of a small and a nested message: HardLight's generated codecs against
 * protobuf-java's generated messages (protoc 4.36.2). Both encode into a reused buffer (HardLight
 * into a Netty buffer, as on the wire; protobuf into a byte array through {@link CodedOutputStream},
 * its fastest path) and decode into new objects (records; protobuf messages). HardLight's buffers are,
 * by default, what the transport encodes into and decodes from: a buffer of
 * {@link PooledByteBufAllocator#DEFAULT} (direct; on JDK 24+ Netty runs without {@code Unsafe}, so
 * every access goes through a {@code ByteBuffer}); {@code -p buffer=unpooled-heap} measures a heap
 * buffer from {@link Unpooled} instead. Protobuf encodes a
 * message built beforehand: a user building it from domain objects pays more
 * ({@code protoEncodeNestedFromDomain} shows how much). Run by {@code ./hardlight bench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
    /** {@code pooled-direct} (the transport's buffers) or {@code unpooled-heap}. */
    @Param({"pooled-direct", "unpooled-heap"})
    public String buffer;

    private ByteBuf out;
    private final byte[] pbOut = new byte[512];
    private ByteBuf hlQuote;
    private ByteBuf hlOrder;
    private byte[] pbQuote;
    private byte[] pbOrder;

    @Setup
    public void setup() {
        out = allocate();
        hlQuote = allocate().writeBytes(encoded(CodecShapesCodecs.CodecShapes_QuoteCodec.INSTANCE::encode, Messages.QUOTE));
        hlOrder = allocate().writeBytes(encoded(CodecShapesCodecs.CodecShapes_OrderCodec.INSTANCE::encode, Messages.ORDER));
        pbQuote = Messages.PB_QUOTE.toByteArray();
        pbOrder = Messages.PB_ORDER.toByteArray();
    }

    private ByteBuf allocate() {
        return switch (buffer) {
            case "pooled-direct" -> PooledByteBufAllocator.DEFAULT.buffer(512);
            case "unpooled-heap" -> Unpooled.buffer(512);
            default -> throw new IllegalArgumentException("buffer: " + buffer
                    + " (expected: pooled-direct or unpooled-heap)");
        };
    }

    @TearDown
    public void tearDown() {
        out.release();
        hlQuote.release();
        hlOrder.release();
    }

    interface Encoder<T> {
        void encode(T value, ByteBufWireWriter out);
    }

    static <T> ByteBuf encoded(Encoder<T> encoder, T value) {
        ByteBuf buf = Unpooled.buffer(512);
        encoder.encode(value, new ByteBufWireWriter(buf));
        return buf;
    }

    /** Encoded sizes in bytes, for the report: {hardlight small, protobuf small, hardlight nested, protobuf nested}. */
    public static int[] sizes() {
        return new int[] {
            encoded(CodecShapesCodecs.CodecShapes_QuoteCodec.INSTANCE::encode, Messages.QUOTE).readableBytes(),
            Messages.PB_QUOTE.getSerializedSize(),
            encoded(CodecShapesCodecs.CodecShapes_OrderCodec.INSTANCE::encode, Messages.ORDER).readableBytes(),
            Messages.PB_ORDER.getSerializedSize(),
        };
    }

    @Benchmark
    public int hardlightEncodeSmall() {
        out.clear();
        CodecShapesCodecs.CodecShapes_QuoteCodec.INSTANCE.encode(Messages.QUOTE, new ByteBufWireWriter(out));
        return out.writerIndex();
    }

    @Benchmark
    public int protobufEncodeSmall() throws IOException {
        CodedOutputStream cos = CodedOutputStream.newInstance(pbOut);
        Messages.PB_QUOTE.writeTo(cos);
        return cos.getTotalBytesWritten();
    }

    @Benchmark
    public CodecShapes.Quote hardlightDecodeSmall() {
        return CodecShapesCodecs.CodecShapes_QuoteCodec.INSTANCE.decode(new ByteBufWireReader(hlQuote.readerIndex(0)));
    }

    @Benchmark
    public PbQuote protobufDecodeSmall() throws IOException {
        return PbQuote.parseFrom(pbQuote);
    }

    @Benchmark
    public int hardlightEncodeNested() {
        out.clear();
        CodecShapesCodecs.CodecShapes_OrderCodec.INSTANCE.encode(Messages.ORDER, new ByteBufWireWriter(out));
        return out.writerIndex();
    }

    @Benchmark
    public int protobufEncodeNested() throws IOException {
        CodedOutputStream cos = CodedOutputStream.newInstance(pbOut);
        Messages.PB_ORDER.writeTo(cos);
        return cos.getTotalBytesWritten();
    }

    @Benchmark
    public int protobufEncodeNestedFromDomain() throws IOException {
        CodedOutputStream cos = CodedOutputStream.newInstance(pbOut);
        Messages.toProto(Messages.ORDER).writeTo(cos);
        return cos.getTotalBytesWritten();
    }

    @Benchmark
    public CodecShapes.Order hardlightDecodeNested() {
        return CodecShapesCodecs.CodecShapes_OrderCodec.INSTANCE.decode(new ByteBufWireReader(hlOrder.readerIndex(0)));
    }

    @Benchmark
    public PbOrder protobufDecodeNested() throws IOException {
        return PbOrder.parseFrom(pbOrder);
    }
}
