package dev.hardlight.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.Tls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated TypeScript client and the runtime in Chromium, against the Java {@link Lab} server
 * over wss:// (the page served by the server itself): calls, 256 in flight, state, events, typed
 * errors, deadline and cancel, feature gating, a foreign origin, and bad peers (a plain WebSocket
 * echo server, refused upgrades).
 */
@Timeout(180)
class BrowserClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    @TempDir
    static Path certs;
    static LabServer server;
    static LabServer foreign;
    static EchoServer echo;
    static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        Tls tls = Tls.selfSigned("localhost").persistIn(certs);
        server = LabServer.start(tls, b -> {});
        foreign = LabServer.start(tls, b -> {});
        echo = new EchoServer(certs);
        chromium = Chromium.launch("BrowserClientTest", tls.publicKeyPin());
        chromium.open("main", server.page());
        chromium.open("foreign", foreign.page());
    }

    @AfterAll
    static void stop() throws Exception {
        int exit = chromium == null ? 0 : chromium.quit();
        for (AutoCloseable c : new AutoCloseable[] {server, foreign, echo}) {
            if (c != null) {
                c.close();
            }
        }
        assertThat(exit).as("the browser driver's exit code").isZero();
    }

    private static Map<String, Object> run(String fn, Map<String, Object> arg) {
        return chromium.runForMap("main", fn, arg, TIMEOUT);
    }

    private static Map<String, Object> url() {
        return Map.of("url", server.endpoint());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void callsReturnTypedResults() {
        assertThat(run("calls", url())).containsEntry("sum", 42.0).containsEntry("greeting", "hello, Chromium")
                .containsEntry("negative", -3.0);
    }

    @Test
    void twoHundredFiftySixCallsInFlightAreAnsweredOutOfOrder() {
        Map<String, Object> r = run("inFlight", Map.of("url", server.endpoint(), "n", 256, "millis", 300));
        List<Double> expected = IntStream.range(0, 256).mapToObj(i -> (double) i).toList();
        assertThat(r.get("results")).isEqualTo(expected);
        @SuppressWarnings("unchecked")
        List<Double> order = (List<Double>) r.get("order");
        assertThat(order).containsExactlyInAnyOrderElementsOf(expected).isNotEqualTo(expected);
        // One at a time would take 256 x 300..600 ms; all at once takes about 600 ms.
        assertThat((Double) r.get("elapsed")).isLessThan(20_000.0);
    }

    @Test
    void stateIsSyncedBeforeTheCallResolves() {
        Map<String, Object> r = run("state", url());
        assertThat(map(r.get("initial"))).containsEntry("user", "").containsEntry("counter", 0.0);
        assertThat(r).containsEntry("user", "ada").containsEntry("counter", 5.0);
        assertThat(map(r.get("afterLogin"))).containsEntry("user", "ada").containsEntry("counter", 0.0);
        assertThat(map(r.get("afterBump"))).containsEntry("user", "ada").containsEntry("counter", 5.0);
        assertThat((List<?>) r.get("changes")).hasSize(2); // login, bump; not the bump after unsubscribing
    }

    @Test
    void eventsArriveTypedOnBothClients() {
        Map<String, Object> r = run("events", Map.of("url", server.endpoint(), "room", "lobby"));
        List<Map<String, Object>> seen = new ArrayList<>();
        for (Object o : (List<?>) r.get("seen")) {
            seen.add(map(map(o).get("value")));
            assertThat(map(o)).containsEntry("topic", "lobby").containsEntry("missedBefore", 0.0);
        }
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0)).containsEntry("$type", "Joined").containsEntry("user", "alice");
        assertThat(seen.get(1)).containsEntry("$type", "Joined").containsEntry("user", "bob");
        assertThat(seen.get(2)).containsEntry("$type", "Said").containsEntry("text", "hi alice").containsEntry("room", "lobby");
        List<?> heard = (List<?>) r.get("heard");
        assertThat(heard).hasSize(1);
        assertThat(map(heard.get(0))).containsEntry("$type", "Said").containsEntry("text", "hi bob");
    }

    @Test
    void declaredExceptionIsItsOwnErrorClass() {
        assertThat(run("typedError", url()))
                .containsEntry("isLabException", true).containsEntry("isApplicationError", true).containsEntry("isRpcError", true)
                .containsEntry("statusName", "APPLICATION_ERROR").containsEntry("name", "LabException")
                .containsEntry("message", "the reactor is on fire");
    }

    @Test
    void deadlineAndCancelFailTheCallAndInterruptTheHandler() {
        Map<String, Object> r = run("deadlineAndCancel", url());
        assertThat(map(r.get("deadline"))).containsEntry("statusName", "DEADLINE_EXCEEDED").containsEntry("isRpcError", true);
        assertThat(map(r.get("cancel"))).containsEntry("statusName", "CANCELLED");
        assertThat(map(r.get("alreadyAborted"))).containsEntry("statusName", "CANCELLED");
        assertThat((Double) r.get("interruptedOnServer")).isGreaterThanOrEqualTo(2.0);
        assertThat(r).containsEntry("after", 2.0);
    }

    @Test
    void gatedMethodFailsLocallyUntilTheFeatureIsEnabled() {
        Map<String, Object> r = run("gating", url());
        assertThat((List<?>) r.get("featuresBefore")).isEmpty();
        assertThat(map(r.get("before"))).containsEntry("statusName", "PERMISSION_DENIED");
        assertThat(r.get("featuresAfter")).isEqualTo(List.of("member"));
        assertThat(r).containsEntry("after", "for members of grace");
    }

    @Test
    void pageFromAForeignOriginGetsAClearError() {
        Map<String, Object> r = chromium.runForMap("foreign", "connectError", url(), TIMEOUT);
        System.out.println("connect error from a foreign origin: " + r);
        assertThat(r).containsEntry("isRpcError", true).containsEntry("statusName", "UNAVAILABLE");
        assertThat((String) r.get("message")).contains("cannot connect to " + server.endpoint())
                .contains("refused the WebSocket upgrade");
        // Same-origin still works from the other page.
        assertThat(chromium.runForMap("foreign", "calls", Map.of("url", foreign.endpoint()), TIMEOUT)).containsEntry("sum", 42.0);
    }

    @Test
    void refusedUpgradeGivesAClearError() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens there once this is closed
        }
        for (String url : List.of(server.origin().replace("https:", "wss:") + "/nope",
                "wss://localhost:" + closed + "/hl")) {
            Map<String, Object> r = run("connectError", Map.of("url", url));
            System.out.println("connect error for " + url + ": " + r);
            // The browser hides the HTTP status of a refused upgrade (and a closed port looks the same).
            assertThat(r).as(url).containsEntry("isRpcError", true).containsEntry("statusName", "UNAVAILABLE");
            assertThat((String) r.get("message")).as(url).contains("cannot connect to " + url)
                    .contains("refused the WebSocket upgrade or is unreachable");
        }
    }

    @Test
    void plainWebSocketServerIsNotMistakenForHardLight() {
        Map<String, Object> r = run("connectError", Map.of("url", "wss://localhost:" + echo.port() + "/", "connectTimeout", 2000));
        System.out.println("connect error from an echo server: " + r);
        assertThat(r).containsEntry("isRpcError", true).containsEntry("statusName", "UNAVAILABLE");
        assertThat((String) r.get("message")).contains("sent no HELLO");
        assertThat((Double) r.get("elapsed")).isLessThan(15_000.0);
    }
}
