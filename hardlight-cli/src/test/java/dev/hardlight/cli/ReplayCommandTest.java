package dev.hardlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hardlight replay}: over recordings made for real, the committed one, and bad files. */
@Timeout(60)
class ReplayCommandTest {
    /** The recording committed with the transport's regression test, and its committed listing. */
    private static final Path COMMITTED = Path.of("..", "hardlight-netty", "src", "test", "resources", "recordings");

    @TempDir
    Path dir;

    /** The exit code, standard output and standard error of one run. */
    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardLightCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsTheCommittedRecordingAsTheTransportsRegressionListingHasIt() throws Exception {
        Path file = COMMITTED.resolve("chat-client-v1.hlrec");
        Run r = run("replay", file.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(COMMITTED.resolve("chat-client-v1.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void printsWhatAServerRecordedOfARealConnection() throws Exception {
        Path recordings = Files.createDirectory(dir.resolve("recordings"));
        Tls tls = Tls.selfSigned("localhost");
        try (HardLightServer server = HardLight.server(Greeter.class, c -> name -> "hello, " + name)
                .tls(tls).bind("127.0.0.1", 0).record(recordings).start();
             GreeterClient client = HardLight.connect(URI.create("wss://localhost:" + server.port() + "/hl"),
                     ClientOptions.pinned(tls.fingerprint()), GreeterClient.FACTORY)) {
            assertThat(client.greet("replay")).isEqualTo("hello, replay");
        }
        Path file;
        try (Stream<Path> files = Files.list(recordings)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            file = all.getFirst();
        }
        // the server closes its recording as the connection ends
        Run r = awaitComplete(file);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("# HardLight recording by the server of ").contains("service Greeter");
        assertThat(r.out().lines().map(l -> l.replaceAll("^\\s*[0-9.]+ ms\\s+", "")))
                .anySatisfy(l -> assertThat(l).startsWith("client  HTTP"))
                .anySatisfy(l -> assertThat(l).startsWith("server  HELLO"))
                .anySatisfy(l -> assertThat(l).startsWith("client  CALL").contains("#0").contains("greet"))
                .anySatisfy(l -> assertThat(l).startsWith("server  RESULT").contains("#0"));

        Run entries = run("replay", "--entries", "--hex", file.toString());
        assertThat(entries.exit()).isZero();
        // the upgrade request's first bytes, "GET /hl", in the first read's hex dump
        assertThat(entries.out()).contains("client  READ").contains("server  WRITE").contains("000000  47 45 54 20 2f 68 6c");
        assertThat(entries.out()).endsWith(r.out());
    }

    /** Replays until the recording is whole: a file still being written reads as cut short. */
    private static Run awaitComplete(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Run r = run("replay", file.toString());
        while ((r.exit() != 0 || r.out().contains("# cut short")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            r = run("replay", file.toString());
        }
        assertThat(r.err()).isEmpty();
        return r;
    }

    @Test
    void badFilesFailWithAMessageEachAndTheOthersAreStillPrinted() throws Exception {
        Path notARecording = Files.writeString(dir.resolve("notes.txt"), "not a recording");
        Path good = COMMITTED.resolve("chat-client-v1.hlrec");
        Run r = run("replay", dir.resolve("missing.hlrec").toString(), notARecording.toString(), good.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(2);
        assertThat(r.err()).contains("hardlight replay: " + dir.resolve("missing.hlrec") + ": no such file")
                .contains("hardlight replay: " + notARecording + ": ");
        assertThat(r.out()).contains("# " + good).contains("service Chat");
    }

    @Test
    void usageErrorsExitWith2() {
        Run none = run("replay");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("Missing required parameter").contains("Usage: hardlight replay");
        assertThat(run("frobnicate").exit()).isEqualTo(2);
        Run help = run("replay", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--entries").contains("--hex");
    }
}
