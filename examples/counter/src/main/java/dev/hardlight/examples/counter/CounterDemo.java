package dev.hardlight.examples.counter;

import dev.hardlight.StateListener;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ./hardlight demo}: starts a counter server on a TLS port with a generated self-signed
 * certificate, connects a client that pins the certificate's fingerprint, and makes calls.
 */
public final class CounterDemo {
    private CounterDemo() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs the demo, printing what happens to {@code out}. */
    public static void run(PrintStream out) throws Exception {
        try (HardLightServer server = HardLight.server(Counter.class, CounterHandler::new)
                .tls(Tls.selfSigned("localhost"))
                .bind("127.0.0.1", 0)
                .start()) {
            String fingerprint = server.tlsFingerprint();
            URI uri = URI.create("wss://localhost:" + server.port() + "/hl");
            out.println("server:  listening on " + uri);
            out.println("server:  self-signed certificate, SHA-256 fingerprint " + fingerprint);

            try (CounterClient client = CounterClient.connect(uri, ClientOptions.pinned(fingerprint))) {
                out.println("client:  connected, certificate pinned, state " + client.state());
                StateListener<CounterState> printer = (before, after) ->
                        out.println("client:  state changed " + before + " -> " + after);
                client.onStateChange(printer);
                out.println("client:  increment(1)  -> " + client.increment(1));
                out.println("client:  increment(41) -> " + client.increment(41));
                out.println("client:  decrement(2)  -> " + client.decrement(2));
                // The state is already current when a call returns: no polling needed.
                out.println("client:  state after decrement(2): " + client.state());
                try {
                    client.decrement(100);
                } catch (CounterUnderflowException e) {
                    out.println("client:  decrement(100) threw CounterUnderflowException: " + e.getMessage());
                }

                client.removeStateListener(printer);
                List<CompletableFuture<Integer>> futures = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    futures.add(client.incrementAsync(1));
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
                out.println("client:  100 async increment(1) calls in flight at once, all answered");
                out.println("client:  get()         -> " + client.get() + ", state " + client.state());
            }
        }
        out.println("demo:    done");
    }
}
