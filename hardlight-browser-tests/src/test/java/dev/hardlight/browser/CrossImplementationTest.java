package dev.hardlight.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.Tls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random values of every wire type (jqwik) make the trip Java to TypeScript to Java: the Java server
 * encodes a value with the generated Java codec, the TypeScript client in Chromium decodes it with
 * the generated TypeScript codec and sends it back encoded by it, and the bytes Java receives are the
 * bytes it sent. Each try is bounded by the browser call's timeout (20 s).
 */
class CrossImplementationTest {
    static LabServer server;
    static Chromium chromium;

    @BeforeContainer
    static void start() throws Exception {
        Tls tls = Tls.selfSigned("localhost").persistIn(Files.createTempDirectory("hl-cross-certs"));
        server = LabServer.start(tls, b -> {});
        chromium = Chromium.launch("CrossImplementationTest", tls.publicKeyPin());
        chromium.open("main", server.page());
    }

    @AfterContainer
    static void stop() throws Exception {
        int exit = chromium == null ? 0 : chromium.quit();
        if (server != null) {
            server.close();
        }
        assertThat(exit).as("the browser driver's exit code").isZero();
    }

    @Provide
    Arbitrary<AllTypes> values() {
        return AllTypesArbitraries.allTypes();
    }

    /**
     * The other way, fast-check in the page: random values made in TypeScript go to Java's echo
     * method and come back with the bytes they were sent with. One property run in the page, 200 values.
     */
    @Property(tries = 1)
    void typeScriptToJavaToTypeScriptKeepsEveryByte() {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) chromium.run("main", "typeScriptToJavaToTypeScript",
                Map.of("url", server.endpoint(), "runs", 200), Duration.ofSeconds(120));
        assertThat(r.get("report")).as("fast-check's report (seed " + r.get("seed") + ")").isNull();
        assertThat(r).containsEntry("ok", true).containsEntry("runs", 200.0);
    }

    @Property(tries = 200)
    void javaToTypeScriptToJavaKeepsEveryByte(@ForAll("values") AllTypes value) throws InterruptedException {
        server.backend.outgoing.add(value);
        chromium.run("main", "roundTrip", Map.of("url", server.endpoint(), "n", 1), Duration.ofSeconds(20));
        AllTypes back = server.backend.submitted.poll(20, TimeUnit.SECONDS);
        assertThat(back).as("the value the page submitted").isNotNull();
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(AllTypesArbitraries.encode(back))).isEqualTo(hex.formatHex(AllTypesArbitraries.canonical(value)));
    }
}
