package dev.hardlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MetadataTest {

    @Test
    void entriesKeepTheirOrderAndReplaceTheirKey() {
        Metadata m = Metadata.builder().put("b", "1").put("a-bin", new byte[] {1, 2}).put("b", "2").build();
        assertThat(m.keys()).containsExactly("b", "a-bin");
        assertThat(m.get("b")).isEqualTo("2");
        assertThat(m.getBinary("a-bin")).containsExactly(1, 2);
        assertThat(m.get("c")).isNull();
        assertThat(m.byteSize()).isEqualTo(1 + 1 + 5 + 2);
        assertThat(m).isEqualTo(Metadata.builder().put("b", "2").put("a-bin", new byte[] {1, 2}).build());
    }

    @Test
    void keysAreLowerCaseTokensAndBinaryKeysEndInBin() {
        assertThatThrownBy(() -> Metadata.of("Upper", "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a-z");
        assertThatThrownBy(() -> Metadata.of("", "x")).hasMessageContaining("empty key");
        assertThatThrownBy(() -> Metadata.of("sp ace", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metadata.of("x-bin", "x")).hasMessageContaining("binary key");
        assertThatThrownBy(() -> Metadata.builder().put("x", new byte[1])).hasMessageContaining("-bin");
        assertThatThrownBy(() -> Metadata.of("x", "1").get("x-bin")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Metadata.of("a.b_c-0", "v").get("a.b_c-0")).isEqualTo("v");
    }

    @Test
    void theBuilderRefusesMoreThanTheLimits() {
        Metadata.Builder b = Metadata.builder();
        for (int i = 0; i < Metadata.MAX_ENTRIES; i++) {
            b.put("k" + i, "v");
        }
        assertThatThrownBy(() -> b.put("one-more", "v")).hasMessageContaining("more than 32");
        assertThat(b.put("k0", "replacing is fine").build().size()).isEqualTo(32);
        assertThatThrownBy(() -> Metadata.of("k", "x".repeat(Metadata.MAX_SIZE))).hasMessageContaining("at most 8192");
        assertThat(Metadata.of("k", "x".repeat(Metadata.MAX_SIZE - 1)).byteSize()).isEqualTo(Metadata.MAX_SIZE);
        assertThatThrownBy(() -> Metadata.of("k", "é".repeat(4096))).as("counted in UTF-8 bytes").hasMessageContaining("at most");
    }

    @Test
    void attachedMetadataNestsAndIsRestored() {
        assertThat(Metadata.attached().isEmpty()).isTrue();
        try (Metadata.Scope outer = Metadata.builder().put("a", "1").put("b", "1").build().attach()) {
            try (Metadata.Scope inner = Metadata.of("b", "2").attach()) {
                assertThat(Metadata.attached()).isEqualTo(Metadata.builder().put("a", "1").put("b", "2").build());
            }
            assertThat(Metadata.attached().get("b")).isEqualTo("1");
        }
        assertThat(Metadata.attached().isEmpty()).isTrue();
    }
}
