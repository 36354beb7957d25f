package dev.hardlight.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What {@code ./hardlight demo} prints, end to end over a real TLS socket. */
class CounterDemoTest {

    @Test
    void demoMakesCallsOverPinnedTlsAndPrintsTheirResults() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CounterDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .containsPattern("self-signed certificate, SHA-256 fingerprint [0-9a-f]{64}")
                .contains("increment(1)  -> 1\n")
                .contains("increment(41) -> 42\n")
                .contains("decrement(2)  -> 40\n")
                .contains("decrement(100) threw CounterUnderflowException: counter of connection")
                .contains("connected, certificate pinned, state CounterState[counter=0]\n")
                .contains("state changed CounterState[counter=0] -> CounterState[counter=1]\n")
                .contains("state changed CounterState[counter=42] -> CounterState[counter=40]\n")
                .contains("state after decrement(2): CounterState[counter=40]\n")
                .contains("get()         -> 140, state CounterState[counter=140]\n")
                .endsWith("demo:    done\n");
    }
}
