package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated sources of {@link Contracts#SHOP} and {@link Contracts#COUNTER} equal the committed files under
 * {@code src/test/resources/golden/}. After an intended change of the output, regenerate them with
 * {@code ./mvnw -B -o -pl hardlight-processor install -Dtest=GoldenFileTest -Dhardlight.golden.update=true}
 * and review the diff.
 */
class GoldenFileTest {
    private static final boolean UPDATE = Boolean.getBoolean("hardlight.golden.update");

    @Test
    void generatedSourcesMatchTheGoldenFiles() throws IOException {
        assertMatchesGoldenFiles(Contracts.SHOP, "shop.Shop");
    }

    @Test
    void generatedSourcesOfAServiceWithStateMatchTheGoldenFiles() throws IOException {
        assertMatchesGoldenFiles(Contracts.COUNTER, "counter.Counter");
    }

    private void assertMatchesGoldenFiles(Map<String, String> contract, String prefix) throws IOException {
        Compilation c = Compilation.compile(contract);
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(c.generated).containsOnlyKeys(prefix + "Client", prefix + "Codecs", prefix + "Dispatcher",
                prefix + "Schema");
        for (Map.Entry<String, String> e : c.generated.entrySet()) {
            String file = e.getKey() + ".java.txt";
            if (UPDATE) {
                Files.writeString(Path.of("src/test/resources/golden", file), e.getValue());
                continue;
            }
            try (InputStream in = getClass().getResourceAsStream("/golden/" + file)) {
                assertThat(in).as("golden file %s (regenerate: see this class's javadoc)", file).isNotNull();
                assertThat(e.getValue()).as(file).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void outputIsDeterministic() {
        Map<String, String> first = Compilation.compile(Contracts.ALL).generated;
        Map<String, String> second = Compilation.compile(new HashMap<>(Contracts.ALL)).generated;
        assertThat(first).hasSize(4).isEqualTo(second);
    }

    @Test
    void generatedSourcesDoNotDependOnTheTransportOnTheClassPath() {
        Map<String, String> sources = new HashMap<>(Contracts.SHOP);
        Map<String, String> without = Compilation.compile(sources).generated;
        sources.put("dev.hardlight.netty.ClientOptions", """
                package dev.hardlight.netty;
                public final class ClientOptions {}
                """);
        sources.put("dev.hardlight.netty.HardLight", """
                package dev.hardlight.netty;
                public final class HardLight {
                    public static <S> dev.hardlight.service.RpcChannel connect(java.net.URI uri, ClientOptions options,
                            dev.hardlight.service.ServiceDescriptor<S> service) throws java.io.IOException {
                        throw new java.io.IOException("not in this test");
                    }
                }
                """);
        Compilation c = Compilation.compile(sources);
        assertThat(c.success).as(c.report()).isTrue();
        assertThat(c.generated).isEqualTo(without);
        assertThat(without.get("shop.ShopClient")).doesNotContain("dev.hardlight.netty", "static ShopClient connect(")
                .contains("public static final dev.hardlight.service.ClientFactory<ShopClient> FACTORY =");
    }
}
