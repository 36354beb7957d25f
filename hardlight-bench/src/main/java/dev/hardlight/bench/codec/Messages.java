package dev.hardlight.bench.codec;

import dev.hardlight.bench.proto.PbAddress;
import dev.hardlight.bench.proto.PbLine;
import dev.hardlight.bench.proto.PbOrder;
import dev.hardlight.bench.proto.PbQuote;
import java.util.List;

/** The same small and nested message, as HardLight records and as protobuf-java messages. */
public final class Messages {
    private Messages() {}

    public static final CodecShapes.Quote QUOTE = new CodecShapes.Quote("ACME", 1_234_567L, 300, true);

    public static final CodecShapes.Order ORDER = new CodecShapes.Order(
            9_876_543_210L,
            "Ada Lovelace",
            new CodecShapes.Address("12 Analytical Row", "London", "NW1 6XE"),
            List.of(new CodecShapes.Line("SKU-0001", 2, 1_999L),
                    new CodecShapes.Line("SKU-0042", 1, 24_900L),
                    new CodecShapes.Line("SKU-1337", 12, 350L)),
            List.of("gift", "express"));

    public static final PbQuote PB_QUOTE = PbQuote.newBuilder()
            .setSymbol(QUOTE.symbol()).setPrice(QUOTE.price()).setQuantity(QUOTE.quantity()).setBuy(QUOTE.buy())
            .build();

    public static final PbOrder PB_ORDER = toProto(ORDER);

    /** What a protobuf user writes to send a domain object: copy it into a message. */
    public static PbOrder toProto(CodecShapes.Order o) {
        PbOrder.Builder b = PbOrder.newBuilder()
                .setId(o.id())
                .setCustomer(o.customer())
                .setAddress(PbAddress.newBuilder()
                        .setStreet(o.address().street()).setCity(o.address().city()).setZip(o.address().zip()));
        for (CodecShapes.Line l : o.lines()) {
            b.addLines(PbLine.newBuilder().setSku(l.sku()).setCount(l.count()).setCents(l.cents()));
        }
        return b.addAllTags(o.tags()).build();
    }
}
