package dev.hardlight.examples.counter;

import dev.hardlight.Event;
import dev.hardlight.EventEmitter;
import dev.hardlight.Topic;
import dev.hardlight.TopicChange;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.HardLightServer;
import dev.hardlight.netty.Tls;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./hardlight demo}: the reference example, end to end. A counter server on a TLS port with a
 * generated self-signed certificate; its topic notifier sends {@code ServerSentTest} to every new
 * counter topic. A client pinning the certificate's fingerprint prints the events it receives, makes
 * a new counter, reads its topic from the connection state (current the moment the call returns: no
 * polling), increments and decrements it. A second client then shows pipelined asynchronous calls and
 * a typed application error.
 */
public final class CounterDemo {
    private CounterDemo() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs the demo, printing what happens to {@code out}. */
    public static void run(PrintStream out) throws Exception {
        AtomicReference<EventEmitter<CounterEvent>> emitter = new AtomicReference<>();
        Semaphore removed = new Semaphore(0);
        try (HardLightServer server = HardLight.server(Counter.class, CounterHandler::new)
                .tls(Tls.selfSigned("localhost"))
                .topicListener(change -> {
                    switch (change) {
                        case TopicChange.Created c -> {
                            out.println("server:  topic created " + c.topic() + ", sending ServerSentTest");
                            emitter.get().emit(c.topic(), new CounterEvent.ServerSentTest());
                        }
                        case TopicChange.Removed r -> {
                            out.println("server:  topic removed " + r.topic() + " (its last subscriber disconnected)");
                            removed.release();
                        }
                    }
                })
                .bind("127.0.0.1", 0)
                .start()) {
            emitter.set(server.events(CounterEvent.class));
            String fingerprint = server.tlsFingerprint();
            URI uri = URI.create("wss://localhost:" + server.port() + "/hl");
            out.println("server:  listening on " + uri);
            out.println("server:  self-signed certificate, SHA-256 fingerprint " + fingerprint);

            referenceExample(out, uri, fingerprint);
            awaitRemoval(out, removed);
            pipelinedCalls(out, uri, fingerprint);
            awaitRemoval(out, removed);
        }
        out.println("demo:    done");
    }

    /** Topic changes reach the notifier asynchronously: wait for one so the output reads in order. */
    private static void awaitRemoval(PrintStream out, Semaphore removed) throws InterruptedException {
        if (!removed.tryAcquire(10, TimeUnit.SECONDS)) {
            out.println("server:  no topic removal within 10 s");
        }
    }

    private static void referenceExample(PrintStream out, URI uri, String fingerprint) throws Exception {
        try (CounterClient client = HardLight.connect(uri, ClientOptions.pinned(fingerprint), CounterClient.FACTORY)) {
            out.println("client:  connected, certificate pinned, state " + client.state());

            // Print events in the background, as the reference's subscription task does.
            CountDownLatch expected = new CountDownLatch(3);
            Thread printer = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Event<CounterEvent> e = client.events().take();
                        out.println("client:  event on " + e.topic() + ": " + e.value());
                        expected.countDown();
                    }
                } catch (InterruptedException | RuntimeException stop) {
                    // interrupted, or the connection closed
                }
            });

            client.newCounter();
            Topic topic = client.state().topic();
            out.println("client:  newCounter() returned; its topic is already in the state: " + topic);
            out.println("client:  increment(1)  -> " + client.increment(1));
            out.println("client:  decrement(1)  -> " + client.decrement(1));
            out.println("client:  counter " + client.get() + ", state " + client.state());
            if (!expected.await(10, TimeUnit.SECONDS)) {
                out.println("client:  some events did not arrive within 10 s");
            }
            printer.interrupt();
            printer.join();
        }
    }

    private static void pipelinedCalls(PrintStream out, URI uri, String fingerprint) throws Exception {
        try (CounterClient client = HardLight.connect(uri, ClientOptions.pinned(fingerprint), CounterClient.FACTORY)) {
            client.newCounter();
            out.println("client2: increment(41) -> " + client.increment(41));
            try {
                client.decrement(100);
            } catch (CounterUnderflowException e) {
                out.println("client2: decrement(100) threw CounterUnderflowException: " + e.getMessage());
            }
            List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                futures.add(client.incrementAsync(1));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            out.println("client2: 100 async increment(1) calls in flight at once, all answered");
            out.println("client2: counter " + client.get() + ", state counter " + client.state().counter());
        }
    }
}
