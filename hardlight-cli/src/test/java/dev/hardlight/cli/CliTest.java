package dev.hardlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.HardLight;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The verbs that talk to a server, against a real TLS server of the {@link Kitchen} contract. */
@Timeout(60)
class CliTest {
    static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

    static KitchenServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = new KitchenServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The exit code, standard output and standard error of one run. */
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardLightCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Runs a verb against the test server, its certificate pinned. */
    static Run remote(String verb, String... rest) {
        String[] args = new String[rest.length + 4];
        args[0] = verb;
        args[1] = server.url();
        args[2] = "--pin";
        args[3] = server.pin();
        System.arraycopy(rest, 0, args, 4, rest.length);
        return run(args);
    }

    /**
     * Asserts {@code actual} equals the golden file {@code name}; on a difference it also writes the
     * actual output to target/golden-actual/ for review (a golden file is replaced only by hand).
     */
    static void assertGolden(String name, String actual) throws Exception {
        Path file = GOLDEN.resolve(name);
        String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        if (!actual.equals(expected)) {
            Path out = Path.of("target", "golden-actual", name);
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("golden file %s (actual output in target/golden-actual/)", name).isEqualTo(expected);
    }

    // ---- describe ----

    @Test
    void describePrintsTheContractAsTheGoldenFileHasIt() throws Exception {
        Run r = remote("describe");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertGolden("describe-kitchen.txt", r.out());
        assertThat(r.out()).contains("fingerprint " + KitchenSchema.DESCRIPTOR.fingerprintHex());
    }

    @Test
    void describeSchemaTextIsTheJavaContractsSchema() {
        Run r = remote("describe", "--schema-text");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(KitchenSchema.DESCRIPTOR.schema());
    }

    @Test
    @SuppressWarnings("unchecked")
    void describeJsonNamesEveryMethodWithItsParametersFeatureAndExceptions() {
        Run r = remote("describe", "--json");
        assertThat(r.exit()).isZero();
        Map<String, Object> d = (Map<String, Object>) Json.parse(r.out());
        assertThat(d.get("service")).isEqualTo("Kitchen");
        assertThat(d.get("state")).isEqualTo("dev.hardlight.cli.Kitchen.State");
        assertThat(d.get("events")).isEqualTo("dev.hardlight.cli.Kitchen.Event");
        List<Map<String, Object>> methods = (List<Map<String, Object>>) d.get("methods");
        assertThat(methods).extracting(m -> m.get("name"))
                .containsExactlyElementsOf(KitchenSchema.DESCRIPTOR.methods().stream().map(m -> (Object) m.name()).toList());
        Map<String, Object> add = methods.get(1);
        assertThat(add.get("params")).isEqualTo(List.of(Map.of("name", "a", "type", "int"), Map.of("name", "b", "type", "int")));
        assertThat(add.get("result")).isEqualTo("int");
        Map<String, Object> fail = methods.stream().filter(m -> m.get("name").equals("fail")).findFirst().orElseThrow();
        assertThat(fail.get("throws")).isEqualTo(List.of("dev.hardlight.cli.Problem"));
        Map<String, Object> secret = methods.stream().filter(m -> m.get("name").equals("secret")).findFirst().orElseThrow();
        assertThat(secret.get("requires")).isEqualTo("admin");
    }

    // ---- call ----

    static final String ALL = """
            {
              "bool": true,
              "b": -128,
              "s": 32767,
              "c": "é",
              "i": -2147483648,
              "l": "9223372036854775807",
              "f": 1.5,
              "d": -0.1,
              "str": "héllo \\"wörld\\" \\n 😀",
              "bytes": "AAEC/w==",
              "instant": "2026-11-24T08:30:00.123456789Z",
              "duration": "PT-1.5S",
              "uuid": "123e4567-e89b-12d3-a456-426614174000",
              "topic": "room-1",
              "ints": [1, -2, 3],
              "tags": ["a", "b"],
              "counts": {
                "x": 1,
                "y": 2
              },
              "names": [[1, "one"], [2, "two"]],
              "maybe": null,
              "point": {
                "x": 3,
                "y": -4
              },
              "color": "GREEN",
              "shape": {
                "$type": "Circle",
                "radius": 2.5
              },
              "prims": [7, 8],
              "shapes": [{"$type": "Square", "side": 1.0}, {"$type": "Shade", "value": "DARK"}]
            }""";

    @Test
    void callRoundTripsEveryWireTypeThroughJson() {
        Run r = remote("call", "echo", "[" + ALL + "]");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(Json.parse(r.out())).isEqualTo(Json.parse(ALL));
        // the printed form is the canonical one: printing it again changes nothing
        assertThat(r.out().strip()).isEqualTo(Json.pretty(Json.parse(r.out())));
    }

    @Test
    void callTakesArgumentsInOrderOrByNameAndOptionalOnesMayBeLeftOut() {
        assertThat(remote("call", "add", "[2, 40]").out()).isEqualTo("42\n");
        assertThat(remote("call", "add", "{\"b\": 40, \"a\": 2}").out()).isEqualTo("42\n");
        // long beyond 2^53: a string or a number in, a string out; 'note' is optional
        assertThat(remote("call", "big", "[9007199254740993]").out()).isEqualTo("\"9007199254740993\"\n");
        assertThat(remote("call", "big", "{\"value\": \"-9223372036854775808\", \"note\": \"x\"}").out())
                .isEqualTo("\"-9223372036854775808\"\n");
        Run v = remote("call", "join", "[\"t\"]", "--compact");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).isEqualTo("null\n");
    }

    @Test
    void errorsPrintTheirStatusAndDeclaredExceptionAndExitByStatusClass() {
        Run declared = remote("call", "fail", "[\"declared\"]");
        assertThat(declared.exit()).isEqualTo(Exits.APPLICATION);
        assertThat(declared.out()).isEmpty();
        assertThat(declared.err()).isEqualTo("error: APPLICATION_ERROR: dev.hardlight.cli.Problem: the soup is cold\n");
        Run notFound = remote("call", "fail", "[\"not-found\"]");
        assertThat(notFound.exit()).isEqualTo(Exits.REFUSED);
        assertThat(notFound.err()).isEqualTo("error: NOT_FOUND: no such soup\n");
        Run internal = remote("call", "fail", "[\"fire\"]");
        assertThat(internal.exit()).isEqualTo(Exits.SERVER);
        assertThat(internal.err()).startsWith("error: INTERNAL: ");
        Run denied = remote("call", "secret");
        assertThat(denied.exit()).isEqualTo(Exits.REFUSED);
        assertThat(denied.err()).startsWith("error: PERMISSION_DENIED: ").contains("admin");
    }

    @Test
    void malformedJsonShowsWhereItBreaks() {
        Run r = remote("call", "add", "[1,\n 2");
        assertThat(r.exit()).isEqualTo(Exits.USAGE);
        assertThat(r.err()).isEqualTo("hardlight call: ARGS: malformed JSON at line 2, column 3: unexpected end of input: "
                + "expected ',' or ']' in an array\n");
        Run quote = remote("call", "join", "['x']");
        assertThat(quote.err()).contains("line 1, column 2").contains("unexpected '''");
    }

    @Test
    void argumentsOfTheWrongTypeNameThePathAndTheExpectedType() {
        Run r = remote("call", "add", "[\"one\", 2]");
        assertThat(r.exit()).isEqualTo(Exits.USAGE);
        assertThat(r.err()).isEqualTo("hardlight call: ARGS: at a: expected int (a whole number from -2147483648 to "
                + "2147483647), got a string \"one\"\n");
        Run nested = remote("call", "echo", "[" + ALL.replace("\"y\": -4", "\"y\": 4.5") + "]");
        assertThat(nested.err()).contains("at all.point.y: expected int").contains("got a number 4.5");
        Run inList = remote("call", "echo", "[" + ALL.replace("[1, -2, 3]", "[1, true]") + "]");
        assertThat(inList.err()).contains("at all.ints[1]: expected int");
        Run sealed = remote("call", "echo", "[" + ALL.replace("\"$type\": \"Circle\"", "\"$type\": \"Circl\"") + "]");
        assertThat(sealed.err()).contains("at all.shape.$type: sealed dev.hardlight.cli.Kitchen.Shape has no case \"Circl\": "
                + "did you mean Circle?");
        Run enumName = remote("call", "echo", "[" + ALL.replace("\"GREEN\"", "\"GREN\"") + "]");
        assertThat(enumName.err()).contains("at all.color: enum dev.hardlight.cli.Kitchen.Color has no constant \"GREN\": "
                + "did you mean GREEN?");
        Run big = remote("call", "add", "[2147483648, 1]");
        assertThat(big.err()).contains("at a: expected int");
    }

    @Test
    void anUnknownMethodSuggestsTheClosestNames() {
        Run r = remote("call", "ad", "[1, 2]");
        assertThat(r.exit()).isEqualTo(Exits.USAGE);
        assertThat(r.err()).isEqualTo("hardlight call: service Kitchen has no method 'ad': did you mean add?\n");
        Run none = remote("call", "zzzzzzzz");
        assertThat(none.err()).contains("its methods: echo, add, big, fail, bump, join, secret, slow");
    }

    @Test
    void missingArgumentsAreNamed() {
        Run r = remote("call", "add", "[1]");
        assertThat(r.exit()).isEqualTo(Exits.USAGE);
        assertThat(r.err()).isEqualTo("hardlight call: ARGS: missing argument 'b' (int) of add (add(a: int, b: int): int)\n");
        Run named = remote("call", "add", "{\"a\": 1, \"c\": 2}");
        assertThat(named.err()).contains("add has no parameter 'c'");
        Run component = remote("call", "echo", "[" + ALL.replace("\"color\": \"GREEN\",", "") + "]");
        assertThat(component.err()).contains("at all: missing component 'color' (dev.hardlight.cli.Kitchen.Color)");
    }

    @Test
    void aServerThatWithholdsItsSchemaIsNamedAndSchemaFileWorks() throws Exception {
        try (KitchenServer hidden = new KitchenServer(b -> b.hideSchema())) {
            Run r = run("call", hidden.url(), "--pin", hidden.pin(), "add", "[1, 2]");
            assertThat(r.exit()).isEqualTo(Exits.CONTRACT);
            assertThat(r.err()).contains("withholds its schema").contains("--schema FILE")
                    .contains(KitchenSchema.DESCRIPTOR.fingerprintHex());
            Path schema = dir.resolve("kitchen.schema");
            Files.writeString(schema, KitchenSchema.DESCRIPTOR.schema(), StandardCharsets.UTF_8);
            Run ok = run("call", hidden.url(), "--pin", hidden.pin(), "--schema", schema.toString(), "add", "[1, 2]");
            assertThat(ok.err()).isEmpty();
            assertThat(ok.out()).isEqualTo("3\n");
        }
    }

    @Test
    void aWrongPinIsRefusedWithBothFingerprints() {
        String wrong = "00".repeat(32);
        Run r = run("call", server.url(), "--pin", wrong, "add", "[1, 2]");
        assertThat(r.exit()).isEqualTo(Exits.UNAVAILABLE);
        assertThat(r.err()).contains("cannot connect to " + server.url()).contains(wrong);
    }

    @Test
    void describeAndCallReachEachServiceOfAServerByItsPath() throws Exception {
        try (KitchenServer both = new KitchenServer(b -> b.path("/kitchen")
                .service("/greet", Greeter.class, c -> name -> "hello " + name))) {
            String kitchen = both.url().replace("/hl", "/kitchen");
            String greet = both.url().replace("/hl", "/greet");
            Run k = run("describe", kitchen, "--pin", both.pin());
            assertThat(k.err()).isEmpty();
            assertGolden("describe-kitchen.txt", k.out());
            Run g = run("describe", greet, "--pin", both.pin());
            assertThat(g.err()).isEmpty();
            assertThat(g.out()).startsWith("service Greeter\n").contains("greet(").doesNotContain("Kitchen");
            Run call = run("call", greet, "--pin", both.pin(), "greet", "[\"ann\"]");
            assertThat(call.err()).isEmpty();
            assertThat(call.out()).isEqualTo("\"hello ann\"\n");
            Run none = run("describe", both.url(), "--pin", both.pin());
            assertThat(none.exit()).isEqualTo(Exits.UNAVAILABLE);
            assertThat(none.err()).contains("no HardLight service at /hl");
        }
    }

    @Test
    void aRefusedUpgradeShowsTheServersReason() {
        String url = server.url().replace("/hl", "/nope");
        Run r = run("describe", url, "--pin", server.pin());
        assertThat(r.exit()).isEqualTo(Exits.UNAVAILABLE);
        assertThat(r.err()).contains("no HardLight service at /nope");
    }

    @Test
    void insecureWarnsAndPlaintextNeedsIt() {
        Run r = run("call", server.url(), "--insecure", "add", "[1, 2]");
        assertThat(r.out()).isEqualTo("3\n");
        assertThat(r.err()).contains("WARNING: --insecure");
        Run plain = run("describe", "ws://localhost:1/hl");
        assertThat(plain.exit()).isEqualTo(Exits.USAGE);
        assertThat(plain.err()).contains("is plaintext (ws://)").contains("--insecure");
    }

    @Test
    void headersCookiesAndOriginReachTheServersChecks() {
        dev.hardlight.Authenticator auth = req -> req.header("Authorization").equals(java.util.Optional.of("Bearer t"))
                && req.cookie("s").equals(java.util.Optional.of("1")) && req.cookie("u").equals(java.util.Optional.of("ann"))
                ? dev.hardlight.Authenticator.Result.accept(java.util.Set.of("admin"), null)
                : dev.hardlight.Authenticator.Result.unauthorized("who are you?");
        try (KitchenServer gated = new KitchenServer(b -> b.authenticator(auth))) {
            Run ok = run("call", gated.url(), "--pin", gated.pin(), "--header", "Authorization: Bearer t", "--cookie", "s=1",
                    "--cookie", "u=ann", "secret");
            assertThat(ok.err()).isEmpty();
            assertThat(ok.out()).isEqualTo("\"42\"\n");
            Run refused = run("call", gated.url(), "--pin", gated.pin(), "--cookie", "s=1", "secret");
            assertThat(refused.exit()).isEqualTo(Exits.UNAVAILABLE);
            assertThat(refused.err()).contains("who are you?");
        }
        Run origin = remote("describe", "--origin", "https://evil.example");
        assertThat(origin.exit()).isEqualTo(Exits.UNAVAILABLE);
        assertThat(origin.err()).contains("origin https://evil.example is not allowed");
        Run badHeader = remote("describe", "--header", "NoColonHere");
        assertThat(badHeader.exit()).isEqualTo(Exits.USAGE);
        assertThat(badHeader.err()).contains("--header 'NoColonHere' (expected: NAME: VALUE)");
    }

    @Test
    void aDeadlineFailsASlowCall() {
        Run r = remote("call", "slow", "[5000]", "--deadline", "200ms");
        assertThat(r.exit()).isEqualTo(Exits.DEADLINE);
        assertThat(r.err()).startsWith("error: DEADLINE_EXCEEDED: ");
        assertThat(remote("call", "slow", "[10]", "--deadline", "5s").out()).isEqualTo("10\n");
        Run bad = remote("call", "slow", "[10]", "--deadline", "soon");
        assertThat(bad.exit()).isEqualTo(Exits.USAGE);
        assertThat(bad.err()).contains("--deadline 'soon' (expected: a duration such as 5s, 250ms, 1m or PT2S)");
    }

    // ---- watch ----

    @Test
    void watchPrintsTheStateTheCallsTheChangesAndTheEvents() {
        Run r = remote("watch", "--call", "join", "[\"bumps\"]", "--call", "bump", "[2]", "--count", "2", "--for", "20s");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("{\"state\":{\"count\":0,\"last\":\"\"}}");
        assertThat(lines).contains("{\"call\":\"join\",\"result\":null}", "{\"call\":\"bump\",\"result\":2}",
                "{\"state\":{\"count\":2,\"last\":\"bump 2\"},\"changed\":[\"count\",\"last\"]}",
                "{\"event\":{\"$type\":\"Bumped\",\"to\":2},\"topic\":\"bumps\"}");
        // the state change is printed before the result of the call that made it
        assertThat(lines.indexOf("{\"state\":{\"count\":2,\"last\":\"bump 2\"},\"changed\":[\"count\",\"last\"]}"))
                .isLessThan(lines.indexOf("{\"call\":\"bump\",\"result\":2}"));
        assertThat(lines).hasSize(5);
    }

    // ---- bench ----

    @Test
    void benchPrintsItsFiguresAndHistogram() {
        Run r = remote("bench", "add", "[1, 2]", "-n", "300", "-c", "2", "--in-flight", "4", "--no-progress");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Kitchen.add: 300 calls on 2 connections, 4 in flight each, in ")
                .contains("succeeded 300").contains("Latency (ms):").contains("p99").contains("Histogram (ms):");
        assertThat(r.out().lines().filter(l -> l.matches("\\s+[0-9.]+ \\[\\s*\\d+\\] \\|#*"))).hasSize(10);
    }

    @Test
    @SuppressWarnings("unchecked")
    void benchJsonHasSaneFigures() {
        Run r = remote("bench", "add", "[1, 2]", "-n", "200", "--json", "--no-progress");
        assertThat(r.exit()).isZero();
        Map<String, Object> f = (Map<String, Object>) Json.parse(r.out());
        assertThat(f.get("calls")).isEqualTo(new BigDecimal(200));
        assertThat(f.get("succeeded")).isEqualTo(new BigDecimal(200));
        assertThat(((BigDecimal) f.get("callsPerSecond")).signum()).isPositive();
        Map<String, BigDecimal> l = (Map<String, BigDecimal>) f.get("latencyMs");
        assertThat(l.get("min")).isLessThanOrEqualTo(l.get("p50"));
        assertThat(l.get("p50")).isLessThanOrEqualTo(l.get("p99"));
        assertThat(l.get("p99")).isLessThanOrEqualTo(l.get("max"));
        long histogram = ((List<Map<String, Object>>) f.get("histogram")).stream()
                .mapToLong(b -> ((BigDecimal) b.get("count")).longValueExact()).sum();
        assertThat(histogram).isEqualTo(200);
        Run errors = remote("bench", "fail", "[\"declared\"]", "-n", "20", "--no-progress");
        assertThat(errors.out()).contains("failed APPLICATION_ERROR dev.hardlight.cli.Problem: 20");
        assertThat(errors.exit()).isEqualTo(Exits.FAILED);
    }

    // ---- replay ----

    /** Records a client connection that makes a few calls to {@code target}. */
    private Path record(KitchenServer target) throws Exception {
        Path file = dir.resolve("kitchen-" + System.nanoTime() + ".hlrec");
        try (KitchenClient client = HardLight.connect(java.net.URI.create(target.url()),
                dev.hardlight.netty.ClientOptions.builder().pinned(target.pin()).record(file).build(), KitchenClient.FACTORY)) {
            assertThat(client.add(2, 40)).isEqualTo(42);
            client.join("bumps");
            assertThat(client.bump(3)).isEqualTo(3);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.fail("declared")).isInstanceOf(Problem.class);
        }
        return file;
    }

    @Test
    void replayPrintsTheValuesOfCallsResultsEventsAndStateChanges() throws Exception {
        Path file = record(server);
        Run r = run("replay", file.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        String pad = " ".repeat(37);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).containsSubsequence(pad + "= {\"a\":2,\"b\":40}", pad + "= 42", pad + "= {\"topic\":\"bumps\"}",
                pad + "= {\"by\":3}", pad + "= {\"count\":3,\"last\":\"bump 3\"}", pad + "= {\"$type\":\"Bumped\",\"to\":3}",
                pad + "= 3", pad + "= {\"how\":\"declared\"}", pad + "= {\"exception\":\"dev.hardlight.cli.Problem\"}");
        // each value line follows its frame's line
        int result = lines.indexOf(pad + "= 42");
        assertThat(lines.get(result - 1)).contains("RESULT").contains("#0");
        Run plain = run("replay", "--no-values", file.toString());
        assertThat(plain.out()).doesNotContain(pad + "= ");
    }

    @Test
    void replayOfAServerThatWithholdsItsSchemaTakesSchemaFile() throws Exception {
        try (KitchenServer hidden = new KitchenServer(b -> b.hideSchema())) {
            Path file = record(hidden);
            String pad = " ".repeat(37);
            assertThat(run("replay", file.toString()).out()).doesNotContain(pad + "= ");
            Path schema = dir.resolve("kitchen.schema");
            Files.writeString(schema, KitchenSchema.DESCRIPTOR.schema(), StandardCharsets.UTF_8);
            Run r = run("replay", "--schema", schema.toString(), file.toString());
            assertThat(r.exit()).isZero();
            assertThat(r.out().lines()).contains(pad + "= {\"a\":2,\"b\":40}", pad + "= 42");
        }
    }

    // ---- help ----

    @Test
    void helpOutputsAreTheGoldenOnes() throws Exception {
        List<String> differ = new java.util.ArrayList<>();
        for (String verb : List.of("", "describe", "call", "watch", "bench", "replay")) {
            Run r = verb.isEmpty() ? run("--help") : run(verb, "--help");
            assertThat(r.exit()).isZero();
            try {
                assertGolden("help-" + (verb.isEmpty() ? "hardlight" : verb) + ".txt", r.out());
            } catch (AssertionError e) {
                differ.add(verb.isEmpty() ? "hardlight" : verb);
            }
        }
        assertThat(differ).as("help outputs that differ from their golden files (see target/golden-actual/)").isEmpty();
    }

    @Test
    void completionScriptCoversTheVerbs() {
        Run r = run("generate-completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F").contains("describe").contains("bench").contains("--pin");
    }
}
