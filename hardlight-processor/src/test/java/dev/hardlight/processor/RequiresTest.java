package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code @Requires}: the descriptor carries the feature of gated methods and {@code null} for open ones; the
 * feature is in the service's schema text (so its fingerprint) but not in any method's signature hash.
 */
class RequiresTest {
    private static final String RESTOCK = "@Requires(\"authenticated\")\n    int restock(";

    @Test
    void descriptorCarriesTheFeatureOfGatedMethodsAndNullForOpenOnes() throws Exception {
        ServiceDescriptor<?> d = descriptor(Contracts.SHOP);
        assertThat(d.method("restock").requiredFeature()).isEqualTo("authenticated");
        assertThat(d.methods()).filteredOn(m -> !m.name().equals("restock"))
                .extracting(MethodDescriptor::requiredFeature).hasSize(3).containsOnlyNulls();
    }

    @Test
    void schemaLineOfAGatedMethodEndsWithItsFeature() throws Exception {
        assertThat(descriptor(Contracts.SHOP).schema())
                .contains("\nmethod restock(name:string,count:int):int throws shop.OutOfStock requires authenticated\n")
                .contains("\nmethod all():list<shop.Item>\n")
                .doesNotContain("all():list<shop.Item> requires");
    }

    @Test
    void addingOrRemovingRequiresKeepsEveryMethodHashButChangesTheFingerprint() throws Exception {
        ServiceDescriptor<?> gated = descriptor(Contracts.SHOP);
        ServiceDescriptor<?> open = descriptor(withShop(s -> s.replace(RESTOCK, "int restock(")));
        ServiceDescriptor<?> otherFeature = descriptor(withShop(s -> s.replace(RESTOCK,
                "@Requires(\"role:admin\")\n    int restock(")));
        ServiceDescriptor<?> allGated = descriptor(withShop(s -> s.replace("List<Item> all();",
                "@Requires(\"x\") List<Item> all();")));

        assertThat(open.method("restock").requiredFeature()).isNull();
        assertThat(otherFeature.method("restock").requiredFeature()).isEqualTo("role:admin");
        assertThat(allGated.method("all").requiredFeature()).isEqualTo("x");
        for (ServiceDescriptor<?> other : new ServiceDescriptor<?>[] {open, otherFeature, allGated}) {
            assertThat(hashes(other)).isEqualTo(hashes(gated));
            assertThat(other.fingerprintHex()).isNotEqualTo(gated.fingerprintHex());
        }
        assertThat(open.schema()).isEqualTo(gated.schema().replace(" requires authenticated", ""));
        assertThat(otherFeature.schema()).isEqualTo(gated.schema().replace("requires authenticated", "requires role:admin"));
    }

    @Test
    void clientJavadocOfAGatedMethodMentionsTheFeatureAndPermissionDenied() {
        Compilation c = Compilation.compile(Contracts.SHOP);
        assertThat(c.success).as(c.report()).isTrue();
        String client = c.generated.get("shop.ShopClient");
        assertThat(client).contains(" * <p>Needs the feature {@code authenticated}: when the connection lacks it")
                .contains("{@link dev.hardlight.Status#PERMISSION_DENIED}");
        assertThat(client.split("PERMISSION_DENIED", -1)).hasSize(3); // the blocking and the async restock only
        assertThat(c.generated.get("shop.ShopSchema")).contains(", \"authenticated\");");
    }

    @Test
    void idempotentAndNonBlockingMarksReachTheDescriptorWithoutChangingAnyHashOrTheSchema() throws Exception {
        ServiceDescriptor<?> plain = descriptor(Contracts.SHOP);
        ServiceDescriptor<?> marked = descriptor(withShop(s -> s
                .replace("List<Item> all();", "@dev.hardlight.Idempotent @dev.hardlight.NonBlocking List<Item> all();")
                .replace(RESTOCK, "@dev.hardlight.Idempotent\n    " + RESTOCK)));

        assertThat(marked.method("all").idempotent()).isTrue();
        assertThat(marked.method("all").nonBlocking()).isTrue();
        assertThat(marked.method("all").requiredFeature()).isNull();
        assertThat(marked.method("restock").idempotent()).isTrue();
        assertThat(marked.method("restock").nonBlocking()).isFalse();
        assertThat(marked.method("restock").requiredFeature()).isEqualTo("authenticated");
        assertThat(plain.methods()).noneMatch(m -> m.idempotent() || m.nonBlocking());
        assertThat(marked.methods()).filteredOn(m -> !m.name().equals("all") && !m.name().equals("restock"))
                .noneMatch(m -> m.idempotent() || m.nonBlocking());
        assertThat(hashes(marked)).isEqualTo(hashes(plain));
        assertThat(marked.schema()).isEqualTo(plain.schema());
    }

    private interface Edit {
        String apply(String source);
    }

    private static Map<String, String> withShop(Edit edit) {
        Map<String, String> sources = new HashMap<>(Contracts.SHOP);
        String changed = edit.apply(sources.get("shop.Shop"));
        assertThat(changed).isNotEqualTo(sources.get("shop.Shop"));
        sources.put("shop.Shop", changed);
        return sources;
    }

    private static Map<String, Long> hashes(ServiceDescriptor<?> d) {
        return d.methods().stream().collect(Collectors.toMap(MethodDescriptor::name, MethodDescriptor::signatureHash));
    }

    private static ServiceDescriptor<?> descriptor(Map<String, String> sources) throws Exception {
        Compilation c = Compilation.compile(sources);
        assertThat(c.success).as(c.report()).isTrue();
        try (URLClassLoader loader = c.classLoader()) {
            return (ServiceDescriptor<?>) loader.loadClass("shop.ShopSchema").getField("DESCRIPTOR").get(null);
        }
    }
}
