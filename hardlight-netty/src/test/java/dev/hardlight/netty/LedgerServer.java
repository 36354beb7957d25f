package dev.hardlight.netty;

import dev.hardlight.Topic;
import java.util.function.Consumer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Ledger} server: in this JVM for most tests, or in a process of its own ({@link #main}) that a
 * test can kill. Every connection is subscribed to "ledger"; slow calls print "STARTED method" to the
 * given consumer so a test knows they are running.
 */
final class LedgerServer {
    static final Topic TOPIC = Topic.of("ledger");

    private LedgerServer() {}

    static HardLightServer start(String id, Tls tls, int port, Consumer<String> started) {
        AtomicInteger connections = new AtomicInteger();
        return HardLight.server(Ledger.class, c -> {
            c.state(Ledger.State.class).set(new Ledger.State(id, connections.incrementAndGet()));
            c.subscriptions().add(TOPIC);
            return new Ledger() {
                @Override
                public String whoAmI() {
                    return id;
                }

                @Override
                public int post(int amount) {
                    return c.events(Ledger.Note.class).emit(TOPIC, new Ledger.Posted(id, amount));
                }

                @Override
                public String slowRead(int millis) throws InterruptedException {
                    started.accept("STARTED slowRead");
                    Thread.sleep(millis);
                    return id;
                }

                @Override
                public int slowPost(int amount, int millis) throws InterruptedException {
                    started.accept("STARTED slowPost");
                    Thread.sleep(millis);
                    return amount;
                }
            };
        }).tls(tls).bind("127.0.0.1", port).drainTimeout(java.time.Duration.ofSeconds(2)).start();
    }

    /** Arguments: id, port (0: any), the directory of the persisted certificate. Prints "READY port fingerprint". */
    public static void main(String[] args) throws Exception {
        HardLightServer server = start(args[0], Tls.selfSigned("localhost").persistIn(Path.of(args[2])),
                Integer.parseInt(args[1]), line -> {
                    System.out.println(line);
                    System.out.flush();
                });
        System.out.println("READY " + server.port() + " " + server.tlsFingerprint());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
