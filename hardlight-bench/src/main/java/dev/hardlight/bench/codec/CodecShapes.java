package dev.hardlight.bench.codec;

import dev.hardlight.Rpc;
import java.util.List;

/**
 * Only here so the processor generates codecs for the codec benchmark's messages (never served).
 * The protobuf equivalents are in {@code src/main/proto/bench.proto}.
 */
@Rpc
public interface CodecShapes {
    /** A small message: what a typical call argument looks like. */
    record Quote(String symbol, long price, int quantity, boolean buy) {}

    /** A line of {@link Order}. */
    record Line(String sku, int count, long cents) {}

    /** The address of {@link Order}. */
    record Address(String street, String city, String zip) {}

    /** A nested message: records in a record, and lists. */
    record Order(long id, String customer, Address address, List<Line> lines, List<String> tags) {}

    void quote(Quote quote);

    void order(Order order);
}
