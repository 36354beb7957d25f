package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Fingerprints as users paste them: any case, with or without ':' separators. */
class FingerprintsTest {
    @Property(tries = 200)
    void normalizeAcceptsEveryCommonSpelling(@ForAll @Size(32) byte[] sha256, @ForAll boolean upper, @ForAll boolean colons) {
        String hex = HexFormat.of().formatHex(sha256);
        String written = colons ? HexFormat.ofDelimiter(":").formatHex(sha256) : hex;
        if (upper) {
            written = written.toUpperCase(Locale.ROOT);
        }
        assertThat(Fingerprints.normalize(written)).isEqualTo(hex);
    }

    @Property(tries = 100)
    void normalizeRefusesWrongLengths(@ForAll @Size(max = 40) byte[] bytes) {
        if (bytes.length == 32) {
            return;
        }
        assertThatThrownBy(() -> Fingerprints.normalize(HexFormat.of().formatHex(bytes)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
    }
}
