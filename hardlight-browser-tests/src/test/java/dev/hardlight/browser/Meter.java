package dev.hardlight.browser;

import dev.hardlight.Rpc;
import java.time.Instant;
import java.util.List;

/** The browser benchmark's contract: a tiny call, and a nested message echoed whole. */
@Rpc
public interface Meter {
    /** {@code value + 1}. */
    int increment(int value);

    /** The order, back. */
    Order order(Order order);

    /** A nested message of a typical size (about 200 bytes in HardLight's encoding). */
    record Order(long id, String customer, Address ship, List<Line> lines, Instant placed, boolean express) {}

    record Address(String street, String city, String zip, String country) {}

    record Line(String sku, int quantity, double price) {}
}
