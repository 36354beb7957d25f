package dev.hardlight.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The parent's handle on a {@link ServerProcess}: one command line out, one answer line back. */
final class ServerChild implements AutoCloseable {
    private final Process process;
    private final PrintStream commands;
    private final BufferedReader answers;
    final int port;

    ServerChild(String system, BenchTls tls, String maxHeap) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + maxHeap, "-Xmx" + maxHeap,
                "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path")));
        // HL_BENCH_CHILD_JVM_OPTS: extra flags for the server JVM (a flight recording, say); %s is the system.
        String extra = System.getenv("HL_BENCH_CHILD_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.replace("%s", system).trim().split("\\s+")));
        }
        cmd.addAll(List.of(
                ServerProcess.class.getName(), system, tls == null ? "plain" : tls.dir.toString()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        port = Integer.parseInt(expect("READY"));
    }

    /** Sends {@code command}, returns the answer's argument. */
    String ask(String command, String answer) throws IOException {
        commands.println(command);
        return expect(answer);
    }

    private String expect(String word) throws IOException {
        String line = answers.readLine();
        while (line != null && line.startsWith("[")) {
            line = answers.readLine(); // the JVM's own log lines (a flight recording's, say)
        }
        if (line == null || !line.startsWith(word + " ")) {
            throw new IOException("server process said '" + line + "' (expected: " + word + " ...)");
        }
        return line.substring(word.length() + 1);
    }

    @Override
    public void close() throws InterruptedException {
        commands.println("QUIT");
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
