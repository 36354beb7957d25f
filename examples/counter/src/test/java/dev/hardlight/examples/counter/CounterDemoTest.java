package dev.hardlight.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What {@code ./hardlight demo} prints: the reference example end to end over a real TLS socket. */
class CounterDemoTest {

    @Test
    void demoRunsTheReferenceExampleOverPinnedTls() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CounterDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .containsPattern("self-signed certificate, SHA-256 fingerprint [0-9a-f]{64}")
                .contains("connected, certificate pinned, state CounterState[counter=0, topic=Topic[\"\"]]\n")
                .containsPattern("newCounter\\(\\) returned; its topic is already in the state: Topic\\[0x[0-9a-f]{32}]")
                .containsPattern("server:  topic created Topic\\[0x[0-9a-f]{32}], sending ServerSentTest")
                .contains("increment(1)  -> 1\n")
                .contains("decrement(1)  -> 0\n")
                .containsPattern("client:  event on Topic\\[0x[0-9a-f]{32}]: ServerSentTest\\[]")
                .containsPattern("client:  event on Topic\\[0x[0-9a-f]{32}]: Incremented\\[to=1, from=0]")
                .containsPattern("client:  event on Topic\\[0x[0-9a-f]{32}]: Decremented\\[to=0, from=1]")
                .containsPattern("server:  topic removed Topic\\[0x[0-9a-f]{32}] \\(its last subscriber disconnected\\)")
                .contains("client2: increment(41) -> 41\n")
                .contains("decrement(100) threw CounterUnderflowException: counter of connection")
                .contains("client2: counter 141, state counter 141\n")
                .endsWith("demo:    done\n");
        assertThat(out.indexOf("Incremented[to=1")).isLessThan(out.indexOf("Decremented[to=0"));
    }
}
