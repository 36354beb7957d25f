package dev.hardlight.browser;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What {@link CrossImplementationTest} compares means something: the canonical bytes of a value
 * are a fixed point of Java's own decode and encode, so a difference there is the TypeScript side's.
 */
class CanonicalBytesTest {
    @Provide
    Arbitrary<AllTypes> values() {
        return AllTypesArbitraries.allTypes();
    }

    @Property(tries = 300)
    void canonicalBytesAreAFixedPointOfJava(@ForAll("values") AllTypes value) {
        byte[] canonical = AllTypesArbitraries.canonical(value);
        assertThat(AllTypesArbitraries.encode(AllTypesArbitraries.decode(canonical))).isEqualTo(canonical);
    }
}
